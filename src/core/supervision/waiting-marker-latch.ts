import type { AgentState } from '../state/build';
import type { WaitingMarker } from '../pane';
import { parseWaitingUntil } from '../pane';

export interface LatchedWaitingMarker {
  /** The marker on screen, with `until` as resolved when this text was first seen; null if none. */
  marker: WaitingMarker | null;
  waitingText: string | null;
  waitingUntil: number | null;
}

/**
 * The WAITING-UNTIL marker on the pane, latched: a clock time is resolved once, when its text is
 * first seen (against `reference`, the pane's last output), and that end time is kept while the
 * same text stays on screen. Re-reading "WAITING-UNTIL 15:30" at 16:00 would otherwise mean
 * tomorrow's 15:30 and shield a stalled agent for another day. No marker on screen forgets it.
 */
export function latchWaitingMarker(
  state: Pick<AgentState, 'waitingText' | 'waitingUntil'>,
  paneTail: string,
  reference: number,
  timeZone?: string,
): LatchedWaitingMarker {
  const seen = parseWaitingUntil(paneTail, reference, timeZone);
  if (!seen) return { marker: null, waitingText: null, waitingUntil: null };
  if (seen.text === state.waitingText) {
    const until = state.waitingUntil ?? null;
    return { marker: { text: seen.text, until }, waitingText: seen.text, waitingUntil: until };
  }
  return { marker: seen, waitingText: seen.text, waitingUntil: seen.until };
}
