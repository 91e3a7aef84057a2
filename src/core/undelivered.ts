import type { PlannedAction } from './state/actions';
import type { AgentState, BuildState } from './state/build';
import { HOST_UNREACHABLE, type EffectFailure } from './state/effects';
import type { NewEvent } from './events';
import type { Snapshot } from './state/snapshot';

/**
 * Undelivered handoffs. A claim, review or inbox ping is the only news an agent gets of its
 * partner's commit: one that could not be typed because the agent's session was gone (its tmux
 * server killed, the agent crashed) stays pending. It joins the agent's held messages (the list
 * `holdMessagesForBlockedAgents` keeps for an agent at a permission prompt) and is typed once the
 * agent is back: after the launch that heals or restarts it, or on the first tick that sees it
 * alive. `steward status` counts it among the agent's held messages until then.
 *
 * Phase kickoffs are not kept: a relaunched loop agent is told the current phase's kickoff with
 * its own. An operator's nudge is not kept either: its update fails and says why.
 */

/** A handoff ping (claim, review or inbox); a phase kickoff is also a `ping_sent`, but names its phase. */
export function isHandoffPing(p: PlannedAction): boolean {
  return p.action.type === 'send' && p.event.type === 'ping_sent' && p.event.phase === undefined;
}

/** The operator's own message (`steward nudge`), as opposed to a stall rule's DONE-nudge. */
function isOperatorNudge(p: PlannedAction): boolean {
  return p.event.type === 'agent_nudged' && p.event.message.startsWith('operator nudge:');
}

/**
 * Does this failed effect stay pending for its agent instead of being dropped as `action_failed`?
 * A handoff ping to a session that is gone does, and one that no worker of its host took (the host
 * is lost: it was never typed); so does any message but an operator's nudge that
 * the delivery refused to type because a dialog had appeared on the agent's screen since the tick
 * looked (`AgentBlocked`): it is typed once the dialog is answered, like a message held for a
 * blocked agent. One whose text was already typed when the dialog appeared (`AgentBlockedTyped`)
 * is not: typed again, it would land twice.
 */
export function keptPendingAfterFailure(p: PlannedAction, failure: EffectFailure): boolean {
  // An operator's nudge is not kept: its update fails and says why, and the operator decides.
  if (failure.type === 'AgentBlocked') return p.action.type === 'send' && !isOperatorNudge(p);
  return isHandoffPing(p) && (failure.type === 'AgentGone' || failure.type === HOST_UNREACHABLE);
}

/** Puts an undelivered message on its agent's held list, with the `message_held` event that says why. */
export function holdUndelivered(
  agent: AgentState,
  p: PlannedAction,
  failure: EffectFailure,
): { state: AgentState; event: NewEvent } {
  const until =
    failure.type === 'AgentBlocked'
      ? 'its dialog is answered'
      : failure.type === HOST_UNREACHABLE
        ? 'its host is back'
        : 'its session is back';
  return {
    state: { ...agent, held: [...(agent.held ?? []), p] },
    event: {
      type: 'message_held',
      agent: p.action.agent,
      message: `not delivered (${failure.message}); pending until ${until}: ${p.event.message}`,
    },
  };
}

export interface ParkedMessages {
  state: BuildState;
  /** Agent → its held messages, taken out of `state` for this tick. */
  parked: Record<string, PlannedAction[]>;
}

/**
 * Held messages wait for an agent that cannot take them: one observed dead, or not observed (its
 * host is lost), and not (re)launched among this tick's `actions`. They are taken out of the state before the held messages are
 * released (so none is typed into a session that is not there), and put back after with
 * `restoreParked`, ahead of anything held later.
 */
export function parkHeldForUnreachable(
  state: BuildState,
  snapshot: Snapshot,
  actions: readonly PlannedAction[],
): ParkedMessages {
  const parked: Record<string, PlannedAction[]> = {};
  let agents = state.agents;
  for (const [name, agent] of Object.entries(state.agents)) {
    if (!agent.held?.length) continue;
    const observation = snapshot.agents[name];
    const launched = actions.some((p) => p.action.type === 'launch' && p.action.agent === name);
    // Not observed at all: its host is lost (or has not answered yet), so it cannot take them either.
    if (observation?.alive || launched) continue;
    parked[name] = agent.held;
    agents = { ...agents, [name]: { ...agent, held: [] } };
  }
  return { state: agents === state.agents ? state : { ...state, agents }, parked };
}

/** The agents with their parked messages back in front of their held lists. */
export function restoreParked(
  agents: Record<string, AgentState>,
  parked: Record<string, PlannedAction[]>,
): Record<string, AgentState> {
  const out = { ...agents };
  for (const [name, messages] of Object.entries(parked)) {
    const agent = out[name];
    if (agent) out[name] = { ...agent, held: [...messages, ...(agent.held ?? [])] };
  }
  return out;
}
