/**
 * Patch ids (docs/versioning.md). Runs recorded before them replay the old path.
 * - effects-per-agent: a tick's effects run as one chain per tmux session, the chains concurrently
 *   (they were one sequence).
 * - undelivered-handoffs-pending: a handoff ping whose agent's session was gone is held until the
 *   agent is back, and held messages wait for a live agent (they were dropped / released at once).
 */
export const EFFECTS_PER_AGENT_PATCH = 'effects-per-agent';
export const UNDELIVERED_PENDING_PATCH = 'undelivered-handoffs-pending';
