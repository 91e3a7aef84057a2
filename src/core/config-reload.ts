import type { ConfigChange } from './state/config-change';
import { BuildState, sequenceComplete } from './state/build';
import { newAgentState } from './initial-state';
import { sequenceResumeDecision } from './phase-advance';
import { Decision, unchanged } from './decision';
import type { PlannedAction } from './state/actions';
import { hostOf } from './hosts';
import { launchKickoff } from './launch-decision';
import { freshLaunch } from './supervision/relaunch';

/**
 * A running build re-reads its file each tick. A valid edit is applied (the current phase kept by
 * id); an invalid one is refused once, with every problem, and the last good config stays. An
 * edit that adds phases to a complete sequence resumes it, as the `appendPhases` update does.
 * `newSessionId` names agents the edit adds.
 */
export function configReloadDecision(
  state: BuildState,
  change: ConfigChange | null,
  newSessionId: () => string,
  now: number,
): Decision<BuildState> {
  if (!change || change.hash === state.configHash || change.hash === state.rejectedConfigHash) return unchanged(state);
  if (!change.ok) {
    return {
      state: { ...state, rejectedConfigHash: change.hash },
      actions: [],
      events: [
        {
          type: 'config_rejected',
          message: `config edit refused; the build keeps its last good config:\n${change.problems}`,
        },
      ],
    };
  }
  const config = change.config;
  const currentId = state.config.loop?.phases[state.phaseIndex]?.id;
  const phaseIds = config.loop?.phases.map((p) => p.id) ?? [];
  const found = currentId === undefined ? -1 : phaseIds.indexOf(currentId);
  const phaseIndex = found >= 0 ? found : Math.min(state.phaseIndex, phaseIds.length);
  const agents = Object.fromEntries(
    config.agents.map((a) => [a.name, state.agents[a.name] ?? newAgentState(newSessionId())]),
  );
  const reloaded = { ...state, config, configHash: change.hash, rejectedConfigHash: null, phaseIndex, agents };
  const resumed = sequenceResumeDecision(sequenceComplete(state), reloaded, now);
  const moved = movedAgentsDecision(state, resumed.state, now, newSessionId);
  return {
    state: moved.state,
    actions: [...moved.actions, ...resumed.actions],
    events: [{ type: 'config_reloaded', message: `config reloaded from ${config.source}` }, ...resumed.events],
  };
}

/**
 * An agent the edit moved to another host (`host =`) is closed on the old one (when it is
 * reachable: else that close fails, as an event) and launched afresh on the new one with its
 * kickoff. Before the build's first launch there is nothing to move.
 */
function movedAgentsDecision(
  before: BuildState,
  after: BuildState,
  now: number,
  newSessionId: () => string,
): Decision<BuildState> {
  if (!before.launched) return unchanged(after);
  const actions: PlannedAction[] = [];
  const agents = { ...after.agents };
  for (const agent of after.config.agents) {
    const from = before.config.agents.some((a) => a.name === agent.name) ? hostOf(before, agent.name) : null;
    const to = hostOf(after, agent.name);
    const current = agents[agent.name];
    if (from === null || from === to || !current) continue;
    actions.push({
      action: { type: 'close', agent: agent.name, host: from },
      event: {
        type: 'agent_moved',
        agent: agent.name,
        message: `moved from host ${from} to ${to}: its session there closed`,
      },
    });
    const event = {
      type: 'agent_started' as const,
      agent: agent.name,
      message: `started on host ${to} in session ${agent.session}`,
    };
    const launch = freshLaunch(agent, current, launchKickoff(after, agent), event, now, newSessionId);
    agents[agent.name] = launch.state;
    actions.push(launch.planned);
  }
  return { state: { ...after, agents }, actions, events: [] };
}
