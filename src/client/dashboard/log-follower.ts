/**
 * Follows the event logs of the builds whose log is on this host, every `everyMs`, and merges what
 * they append into the board: the path by which a new event reaches the pages within a second.
 * A log not written yet (or on another host) is skipped quietly; any other failure is reported.
 */
import { EventLogTail } from '../../host/event-log-tail';
import type { BuildBoard } from './board';

export class LogFollower {
  private readonly tails = new Map<string, EventLogTail>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly board: BuildBoard,
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {}

  /** Follows `file` for `build` (a new file replaces the one followed before). */
  follow(build: string, file: string): void {
    if (this.tails.get(build)?.file !== file) this.tails.set(build, new EventLogTail(file));
  }

  /** Stops following the build's log (it left the listing). */
  unfollow(build: string): void {
    this.tails.delete(build);
  }

  /** Reads every log once. */
  async readAll(): Promise<void> {
    for (const [build, tail] of this.tails) {
      try {
        this.board.addEvents(build, (await tail.read()).events);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code !== 'ENOENT') this.onProblem(`reading ${tail.file}: ${e.message.split('\n')[0]}`);
      }
    }
  }

  /** Reads every `everyMs` until stopped; a round starts only when the last one ended. */
  start(everyMs: number): void {
    const round = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.readAll().finally(round), everyMs);
    };
    round();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
