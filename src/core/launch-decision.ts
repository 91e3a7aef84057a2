import type { BuildState } from './state/build';
import { phases } from './state/build';
import type { PlannedAction } from './state/actions';
import type { AgentConfig } from './config/types';
import { launchPrompt, phaseKickoff } from './prompts';

/** What a fresh session of `agent` is told first: its kickoff, and a loop agent the current phase's. */
export function launchKickoff(state: BuildState, agent: AgentConfig): string {
  const loop = state.config.loop;
  const phase = phases(state)[state.phaseIndex];
  const phaseText = agent.kind === 'loop' && loop && phase ? phaseKickoff(loop, phase) : null;
  return launchPrompt(agent.kickoff, phaseText);
}

/** First tick of a build: every agent gets a fresh session and its kickoff (loops: plus the phase's). */
export function initialLaunchDecision(state: BuildState): PlannedAction[] {
  if (state.launched) return [];
  const phase = phases(state)[state.phaseIndex];
  return state.config.agents.map((agent) => {
    return {
      action: { type: 'launch', agent: agent.name, fresh: true, prompt: launchKickoff(state, agent) },
      event: {
        type: 'agent_started',
        agent: agent.name,
        phase: phase?.id,
        message: `started in session ${agent.session}`,
      },
    };
  });
}
