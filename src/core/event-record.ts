import type { BuildState } from './state/build';
import { RECENT_EVENTS } from './state/build';
import type { NewEvent, StewardEvent } from './events';
import type { StewardConfig } from './config/types';

/** The build's whole event log (the state keeps only the recent events). */
export function eventLogFile(config: Pick<StewardConfig, 'state_dir'>): string {
  return `${config.state_dir}/events.jsonl`;
}

/**
 * Gives events their sequence numbers and keeps the last `RECENT_EVENTS` in the build's state
 * (for `status` and `--follow`; the log file has them all). An event that does not say when it
 * happened is stamped `now`.
 */
export function recordEvents(
  state: BuildState,
  events: readonly NewEvent[],
  now: number,
): { state: BuildState; recorded: StewardEvent[] } {
  const recorded = events.map((e, i) => ({ ...e, seq: state.eventSeq + i + 1, at: e.at ?? now }));
  return {
    state: {
      ...state,
      eventSeq: state.eventSeq + events.length,
      events: [...state.events, ...recorded].slice(-RECENT_EVENTS),
    },
    recorded,
  };
}
