import type { AgentState } from '../state/build';
import type { AgentObservation } from '../state/snapshot';
import type { PaneActivity } from '../pane';
import { lastNonEmptyLines } from '../pane';
import type { AgentDecision } from './agent-decision';
import { unchanged } from './agent-decision';

/**
 * How much later than the hook's report the pane may have last changed and still be showing the
 * same permission dialog: the hook runs as the dialog is drawn, and tmux counts whole seconds.
 */
export const PERMISSION_PROMPT_REDRAW_TOLERANCE_MS = 3_000;

/**
 * Does the agent wait at a dialog: one on screen now, or the permission prompt its hook reported
 * and the pane has not moved on from? Nothing may be typed into
 * it then: the submit key would pick the dialog's highlighted answer (approve), so neither a
 * nudge, a wake message nor a stall reboot should come — an operator answers (`agent_blocked`).
 *
 * The dialog sits still, so any later change of the pane (tmux window_activity past the report)
 * or a busy pane means it was answered. Without window activity, a `stop` hook or a relaunch
 * (which clear `blockedSince`) ends the block.
 */
export function waitsAtPermissionPrompt(
  state: AgentState,
  observation: AgentObservation,
  activity: PaneActivity,
): boolean {
  // A dialog on screen blocks whatever the hooks said (or have not said yet).
  if (activity === 'dialog') return true;
  const since = state.blockedSince ?? null;
  if (since === null || activity === 'busy') return false;
  const changed = observation.windowActivity;
  return changed === null || changed * 1000 <= since + PERMISSION_PROMPT_REDRAW_TOLERANCE_MS;
}

export type DialogVerdict = 'no_dialog' | 'dialog_seen' | 'dialog_known';

/**
 * A dialog on screen that no hook reported (an older Claude Code, a hook that failed, another
 * backend): the agent is blocked from now on, and `agent_blocked` says so once, naming the
 * question, so an operator answers it. The rules after this one hold every message meanwhile.
 */
export function dialogDecision(input: {
  agentName: string;
  state: AgentState;
  observation: AgentObservation;
  activity: PaneActivity;
  now: number;
}): AgentDecision<DialogVerdict> {
  const { state, observation, activity, now } = input;
  if (!observation.alive || activity !== 'dialog') {
    // Answered (no dialog, the pane moved on): the next dialog is news again, hook or no hook.
    const answered =
      observation.alive && state.blockedSince !== null && !waitsAtPermissionPrompt(state, observation, activity);
    return unchanged(answered ? { ...state, blockedSince: null } : state, 'no_dialog');
  }
  if (state.blockedSince !== null) return unchanged(state, 'dialog_known');
  return {
    state: { ...state, blockedSince: now },
    actions: [],
    events: [
      {
        type: 'agent_blocked',
        agent: input.agentName,
        message: `a dialog is on screen: ${dialogQuestion(observation.tail)}`,
      },
    ],
    verdict: 'dialog_seen',
  };
}

/** The dialog's question, for the event: the last line ending in "?", else its first option. */
function dialogQuestion(tail: string): string {
  const lines = lastNonEmptyLines(tail, 14).map((l) => l.trim());
  const question = [...lines].reverse().find((l) => l.endsWith('?'));
  return (question ?? lines.find((l) => l.startsWith('❯')) ?? 'waiting for an answer').slice(0, 200);
}
