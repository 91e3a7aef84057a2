import type { StewardConfig } from './config/types';
import { BuildState, sequenceComplete } from './build-state';
import { newAgentState } from './initial-state';
import { PhaseAdvance, sequenceResumeDecision } from './phase-advance';

/** What observe reports when the config file's hash differs from the build's. */
export type ConfigChange =
  | { hash: string; ok: true; config: StewardConfig }
  | { hash: string; ok: false; problems: string };

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
): PhaseAdvance {
  const none = { actions: [], events: [] };
  if (!change || change.hash === state.configHash || change.hash === state.rejectedConfigHash) return { ...none, state };
  if (!change.ok) {
    return {
      state: { ...state, rejectedConfigHash: change.hash },
      actions: [],
      events: [{ type: 'config_rejected', message: `config edit refused; the build keeps its last good config:\n${change.problems}` }],
    };
  }
  const config = change.config;
  const currentId = state.config.loop?.phases[state.phaseIndex]?.id;
  const phaseIds = config.loop?.phases.map((p) => p.id) ?? [];
  const found = currentId === undefined ? -1 : phaseIds.indexOf(currentId);
  const phaseIndex = found >= 0 ? found : Math.min(state.phaseIndex, phaseIds.length);
  const agents = Object.fromEntries(config.agents.map((a) => [a.name, state.agents[a.name] ?? newAgentState(newSessionId())]));
  const reloaded = { ...state, config, configHash: change.hash, rejectedConfigHash: null, phaseIndex, agents };
  const resumed = sequenceResumeDecision(sequenceComplete(state), reloaded, now);
  return {
    state: resumed.state,
    actions: resumed.actions,
    events: [{ type: 'config_reloaded', message: `config reloaded from ${config.source}` }, ...resumed.events],
  };
}
