/** The newest events of a log, for the views' event lists. Pure. */
import type { StewardEvent } from '../events';

/**
 * At most `max` of `events` (seq order) that `keep` accepts, newest first: read from the end, so a
 * long log costs only as much as it takes to find them.
 */
export function latestEvents(
  events: readonly StewardEvent[],
  max: number,
  keep: (e: StewardEvent) => boolean = () => true,
): StewardEvent[] {
  const out: StewardEvent[] = [];
  for (let i = events.length - 1; i >= 0 && out.length < max; i--) if (keep(events[i])) out.push(events[i]);
  return out;
}
