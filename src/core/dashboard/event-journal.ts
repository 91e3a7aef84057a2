/**
 * Every event the dashboard server has learnt, of every build, in the order it learnt them, each
 * with the push channel's id `<epoch>.<n>`. The epoch is the server's (a restarted server starts a
 * new one), so a browser resuming with an id of another epoch, or one older than what is kept,
 * is told to start over rather than handed a feed with a hole in it.
 */
import type { StewardEvent } from '../events';
import type { FeedEvent } from './types';

/** How many events are kept before the oldest are dropped (50,000 events of 20 builds fit 4 times). */
export const JOURNAL_CAPACITY = 200_000;

export function eventId(epoch: string, n: number): string {
  return `${epoch}.${n}`;
}

/** The epoch and number of an id, or null when it is not one. */
export function parseEventId(id: string): { epoch: string; n: number } | null {
  const m = /^([A-Za-z0-9]{1,32})\.([1-9][0-9]{0,15})$/.exec(id.trim());
  if (!m) return null;
  const n = Number(m[2]);
  return Number.isSafeInteger(n) ? { epoch: m[1]!, n } : null;
}

export class EventJournal {
  private kept: FeedEvent[] = [];
  /** The number of the first kept event. */
  private first = 1;

  constructor(
    readonly epoch: string,
    private readonly capacity = JOURNAL_CAPACITY,
  ) {}

  /** Gives the events of `build` their ids, keeps them, and returns them as the feed carries them. */
  append(build: string, events: readonly StewardEvent[]): FeedEvent[] {
    const next = this.first + this.kept.length;
    const added = events.map((e, i) => ({ ...e, build, id: eventId(this.epoch, next + i) }));
    this.kept.push(...added);
    if (this.kept.length > this.capacity) {
      // Drop a tenth at once, so appending stays amortised constant.
      const drop = this.kept.length - this.capacity + Math.floor(this.capacity / 10);
      this.kept = this.kept.slice(drop);
      this.first += drop;
    }
    return added;
  }

  /** Oldest first. */
  all(): readonly FeedEvent[] {
    return this.kept;
  }

  lastId(): string | null {
    return this.kept.length ? this.kept[this.kept.length - 1]!.id : null;
  }

  /**
   * The events after `id`, oldest first: none when it is the last one. Null when the position is
   * lost: an id of another epoch, one not given yet, one not an id, or events after it dropped.
   */
  after(id: string): FeedEvent[] | null {
    const parsed = parseEventId(id);
    if (!parsed || parsed.epoch !== this.epoch) return null;
    const last = this.first + this.kept.length - 1;
    if (parsed.n > last || parsed.n < this.first - 1) return null;
    return this.kept.slice(parsed.n - this.first + 1);
  }
}
