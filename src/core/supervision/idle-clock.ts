import type { AgentState } from '../state/build';
import type { AgentObservation } from '../state/snapshot';
import { idleSince } from '../pane';

/**
 * When the pane last changed, epoch ms: tmux `window_activity` (epoch SECONDS), capped at `now`
 * (the agents' host clock may run ahead of workflow time), or `now` when tmux did not say.
 *
 * Text read off the pane ("resets 3pm", "WAITING-UNTIL 15:30") is resolved against this rather
 * than against `now`: the text was printed at or before the pane's last change, so a message
 * that has sat on screen since 2:50pm still means today's 3pm when first read at 3:05pm.
 */
export function lastOutputAt(observation: AgentObservation, now: number): number {
  const activity = observation.windowActivity;
  if (activity === null || !Number.isFinite(activity) || activity <= 0) return now;
  return Math.min(now, activity * 1000);
}

/**
 * When the agent's current idle stretch began, epoch ms. The latest of: the pane's last output
 * (tmux `window_activity` — never the moment the supervisor started watching, so a restarted
 * worker does not make an agent idle for an hour look freshly idle), the last tick that saw the
 * pane busy, the last (re)launch, and `idleSince` (Steward typed into the pane, or a hook said
 * the turn ended). Never later than `now`.
 */
export function idleStartOf(state: AgentState, observation: AgentObservation, now: number): number {
  const lowerBounds = [state.lastBusyAt, state.idleSince, state.startedAt].filter(
    (t): t is number => typeof t === 'number' && Number.isFinite(t),
  );
  const notBefore = lowerBounds.length > 0 ? Math.max(...lowerBounds) : null;
  return idleSince(observation.windowActivity, notBefore, now);
}
