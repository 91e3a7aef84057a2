import type { BuildState } from './state/build';
import { phases } from './state/build';
import type { PlannedAction } from './state/actions';
import { launchPrompt, phaseKickoff } from './prompts';

/** First tick of a build: every agent gets a fresh session and its kickoff (loops: plus the phase's). */
export function initialLaunchDecision(state: BuildState): PlannedAction[] {
  if (state.launched) return [];
  const loop = state.config.loop;
  const phase = phases(state)[state.phaseIndex];
  return state.config.agents.map((agent) => {
    const phaseText = agent.kind === 'loop' && loop && phase ? phaseKickoff(loop, phase) : null;
    return {
      action: { type: 'launch', agent: agent.name, fresh: true, prompt: launchPrompt(agent.kickoff, phaseText) },
      event: {
        type: 'agent_started',
        agent: agent.name,
        phase: phase?.id,
        message: `started in session ${agent.session}`,
      },
    };
  });
}
