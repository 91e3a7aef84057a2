import type { AgentState, BuildState } from '../state/build';
import type { PlannedAction } from '../state/actions';
import type { NewEvent } from '../events';
import type { Decision } from '../decision';
import type { Snapshot } from '../state/snapshot';
import { classifyPane } from '../pane';
import { panePatternsOf } from './backend-patterns';
import { waitsAtPermissionPrompt } from './permission-block';
import { hostOf, lostHostsOf } from '../hosts';

/**
 * Nothing is typed into a pane that waits at a permission prompt: the submit key would pick the
 * dialog's highlighted answer and approve whatever the agent asked. A message planned for such an
 * agent (a handoff ping, a phase kickoff, a budget notice) is held in its state instead, and typed,
 * in order, on the first tick the agent is no longer blocked: before anything new for it, but
 * after a (re)launch of it in that tick, so they reach the new session and not the one it replaces.
 * Launches pass: a fresh launch replaces the dialog with a new session.
 */
export function holdMessagesForBlockedAgents(
  state: BuildState,
  snapshot: Snapshot,
  planned: PlannedAction[],
): Decision<Record<string, AgentState>> {
  const agents = { ...state.agents };
  const events: NewEvent[] = [];
  const blocked = (name: string): boolean => {
    const agent = state.config.agents.find((a) => a.name === name);
    const backend = agent && state.config.backends[agent.backend];
    const agentState = agents[name];
    const observation = snapshot.agents[name];
    if (!backend || !agentState || !observation?.alive) return false;
    return waitsAtPermissionPrompt(agentState, observation, classifyPane(observation.tail, panePatternsOf(backend)));
  };

  // An agent on a lost host cannot take a message either: it waits, in order, for the host.
  const lost = new Set(lostHostsOf(state));
  const released = new Map<string, PlannedAction[]>();
  for (const [name, a] of Object.entries(agents)) {
    if (!a.held?.length || blocked(name) || lost.has(hostOf(state, name))) continue;
    released.set(name, a.held);
    agents[name] = { ...a, held: [] };
  }
  const actions: PlannedAction[] = [];
  for (const p of planned) {
    const lostHost =
      p.action.type === 'send' && lost.has(hostOf(state, p.action.agent)) ? hostOf(state, p.action.agent) : null;
    if (p.action.type !== 'send' || !agents[p.action.agent] || (!lostHost && !blocked(p.action.agent))) {
      actions.push(p);
      continue;
    }
    const why = lostHost === null ? 'its permission prompt is answered' : `host ${lostHost} is back`;
    const held = holdMessage(agents[p.action.agent]!, p, why);
    agents[p.action.agent] = held.state;
    events.push(held.event);
  }
  for (const [name, held] of released) actions.splice(afterLaunchOf(actions, name), 0, ...held);
  return { state: agents, actions, events };
}

/** The index just after the last launch of `agent` among `actions`; 0 when there is none. */
function afterLaunchOf(actions: PlannedAction[], agent: string): number {
  let at = 0;
  actions.forEach((p, i) => {
    if (p.action.type === 'launch' && p.action.agent === agent) at = i + 1;
  });
  return at;
}

/** Puts a planned message on its agent's held list, with the `message_held` event that says so. */
export function holdMessage(
  agent: AgentState,
  p: PlannedAction,
  until = 'its permission prompt is answered',
): { state: AgentState; event: NewEvent } {
  return {
    state: { ...agent, held: [...(agent.held ?? []), p] },
    event: { type: 'message_held', agent: p.action.agent, message: `held until ${until}: ${p.event.message}` },
  };
}
