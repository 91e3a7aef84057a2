import type { AgentState } from '../build-state';
import type { AgentObservation } from '../snapshot';
import type { PaneActivity } from '../pane';

/**
 * How much later than the hook's report the pane may have last changed and still be showing the
 * same permission dialog: the hook runs as the dialog is drawn, and tmux counts whole seconds.
 */
export const PERMISSION_PROMPT_REDRAW_TOLERANCE_MS = 3_000;

/**
 * Does the agent still wait at the permission prompt its hook reported? Nothing may be typed into
 * it then: the submit key would pick the dialog's highlighted answer (approve), so neither a
 * nudge, a wake message nor a stall reboot should come — an operator answers (`agent_blocked`).
 *
 * The dialog sits still, so any later change of the pane (tmux window_activity past the report)
 * or a busy pane means it was answered. Without window activity, a `stop` hook or a relaunch
 * (which clear `blockedSince`) ends the block.
 */
export function waitsAtPermissionPrompt(state: AgentState, observation: AgentObservation, activity: PaneActivity): boolean {
  const since = state.blockedSince ?? null;
  if (since === null || activity === 'busy') return false;
  const changed = observation.windowActivity;
  return changed === null || changed * 1000 <= since + PERMISSION_PROMPT_REDRAW_TOLERANCE_MS;
}
