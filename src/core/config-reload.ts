import type { StewardConfig } from './config/types';
import type { BuildState } from './build-state';
import type { NewEvent } from './events';
import { newAgentState } from './initial-state';

/** What observe reports when the config file's hash differs from the build's. */
export type ConfigChange =
  | { hash: string; ok: true; config: StewardConfig }
  | { hash: string; ok: false; problems: string };

/**
 * A running build re-reads its file each tick. A valid edit is applied (the current phase kept by
 * id); an invalid one is refused once, with every problem, and the last good config stays.
 * `newSessionId` names agents the edit adds.
 */
export function configReloadDecision(
  state: BuildState,
  change: ConfigChange | null,
  newSessionId: () => string,
): { state: BuildState; events: NewEvent[] } {
  if (!change || change.hash === state.configHash || change.hash === state.rejectedConfigHash) return { state, events: [] };
  if (!change.ok) {
    return {
      state: { ...state, rejectedConfigHash: change.hash },
      events: [{ type: 'config_rejected', message: `config edit refused; the build keeps its last good config:\n${change.problems}` }],
    };
  }
  const config = change.config;
  const currentId = state.config.loop?.phases[state.phaseIndex]?.id;
  const phaseIds = config.loop?.phases.map((p) => p.id) ?? [];
  const found = currentId === undefined ? -1 : phaseIds.indexOf(currentId);
  const phaseIndex = found >= 0 ? found : Math.min(state.phaseIndex, phaseIds.length);
  const agents = Object.fromEntries(config.agents.map((a) => [a.name, state.agents[a.name] ?? newAgentState(newSessionId())]));
  return {
    state: { ...state, config, configHash: change.hash, rejectedConfigHash: null, phaseIndex, agents },
    events: [{ type: 'config_reloaded', message: `config reloaded from ${config.source}` }],
  };
}
