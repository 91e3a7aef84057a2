import type { ConfigChange } from './state/config-change';
import { BuildState, sequenceComplete } from './state/build';
import { newAgentState } from './initial-state';
import { sequenceResumeDecision } from './phase-advance';
import { Decision, unchanged } from './decision';

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
  return {
    state: resumed.state,
    actions: resumed.actions,
    events: [{ type: 'config_reloaded', message: `config reloaded from ${config.source}` }, ...resumed.events],
  };
}
