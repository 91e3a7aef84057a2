/**
 * The gates under review, for the gate events (see `gatesDecision`): what a claim or review commit
 * on origin/main needs to know about the gate's earlier commits. Plain JSON, bounded.
 */

export type ReviewVerdict = 'pass' | 'fail' | 'unknown';

/** A gate claimed (or reviewed) and not passed yet. */
export interface OpenGate {
  /** The author of its claim; null when its claim was never seen (made before the build watched). */
  builder: string | null;
  /** Epoch ms at which its first claim was seen; null when never seen. */
  firstClaimAt: number | null;
  /** The review round: 1 for the first claim, one more for each claim after a fail. */
  round: number;
  /** Epoch ms at which the current round's claim was seen; null when never seen. */
  claimAt: number | null;
  /** A reviewer failed the current round: the next claim opens the next one. */
  failed: boolean;
  /** Reviewer → its latest verdict on the current round. */
  verdicts: Record<string, ReviewVerdict>;
  /** Epoch ms of its latest claim or review, to drop the stalest when too many are open. */
  touchedAt: number;
}

export interface GatesState {
  /** Gate label → the gate, while it is open. */
  open: Record<string, OpenGate>;
  /** The label of the latest claim: a review naming no gate reviews it. */
  latest: string | null;
  /** The most recently passed labels: a late review of one is reported but passes nothing again. */
  passed: string[];
}

/** How many gates stay open, and how many passed labels are kept. */
export const MAX_OPEN_GATES = 50;
export const RECENT_PASSED_GATES = 50;

export function emptyGates(): GatesState {
  return { open: {}, latest: null, passed: [] };
}
