/**
 * One build's events as the dashboard learns them from two sources that overlap: the tail of its
 * event log and the status query's recent events. Each event is kept once, in seq order. A build
 * run again under the same name numbers its events from 1 again: a seq that comes back with
 * another event (its `build_started` at seq 1 does), or one later than the last kept event in a
 * gap of the kept seqs, starts the build's events over.
 */
import type { StewardEvent } from '../events';

export interface MergedEvents {
  events: StewardEvent[];
  /** The incoming events that were new, in order. */
  added: StewardEvent[];
  /** The build started over: `events` holds only the new run's. */
  restarted: boolean;
}

const sameEvent = (a: StewardEvent, b: StewardEvent) => a.seq === b.seq && a.at === b.at && a.type === b.type;

/** The kept event with `seq`, by binary search (seqs are increasing, not always contiguous). */
function keptAt(events: readonly StewardEvent[], seq: number): StewardEvent | undefined {
  let lo = 0;
  let hi = events.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = events[mid]!.seq;
    if (s === seq) return events[mid];
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/**
 * Merges `incoming` (in seq order) into `known`. `known` is appended to in place (it may hold
 * 50,000 events: no copy per event); on a restart a new array is returned.
 *
 * An event with a seq past the last kept is new. One whose seq is kept is a repeat when it is the
 * same event, and a new run's when it is not. One whose seq falls in a gap of what is kept (the
 * status view's window came first, the log's older events later) is an older event of this run
 * unless it happened after the last kept one: then the build was started again.
 */
export function mergeBuildEvents(known: StewardEvent[], incoming: readonly StewardEvent[]): MergedEvents {
  let events = known;
  let restarted = false;
  const added: StewardEvent[] = [];
  for (const e of incoming) {
    const last = events[events.length - 1];
    if (last === undefined || e.seq > last.seq) {
      events.push(e);
      added.push(e);
      continue;
    }
    const kept = keptAt(events, e.seq);
    if (kept ? sameEvent(kept, e) : e.at < last.at) continue;
    events = [e];
    added.push(e);
    restarted = true;
  }
  return { events, added, restarted };
}
