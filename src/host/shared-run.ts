const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One run of `work` shared by everyone who asks at about the same time, never one that began
 * before they asked: a caller gets the next run that starts after its call. Callers that ask
 * before that run starts (the same turn of the event loop, or while the previous run is still
 * going) share it. So N looks at once cost one run, and none reads a world older than its question.
 */
export class SharedRun<T> {
  private running: Promise<T> | null = null;
  private queued: Promise<T> | null = null;

  constructor(private readonly work: () => Promise<T>) {}

  get(): Promise<T> {
    this.queued ??= this.startNext();
    return this.queued;
  }

  private async startNext(): Promise<T> {
    await this.running?.catch(() => undefined);
    await nextTurn();
    this.queued = null;
    const run = this.work();
    this.running = run;
    try {
      return await run;
    } finally {
      if (this.running === run) this.running = null;
    }
  }
}
