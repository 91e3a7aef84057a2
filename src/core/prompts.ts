import type { LoopConfig, PhaseConfig } from './config/types';

/** The text typed into loop agents when a phase begins. */
export function phaseKickoff(loop: LoopConfig, phase: PhaseConfig): string {
  const statusPath = `${loop.state_subdir}/${phase.status}`;
  const intro = `Phase ${phase.id} begins.`;
  const done = `When its definition of done is met, write "${loop.done_marker}" to ${statusPath} on main and push.`;
  return phase.kickoff.trim() ? `${intro} ${phase.kickoff.trim()}\n${done}` : `${intro} ${done}`;
}

/** The first prompt of a freshly started agent: its own kickoff, plus the phase kickoff for loops. */
export function launchPrompt(agentKickoff: string, phaseText: string | null): string {
  return [agentKickoff.trim(), phaseText].filter((part): part is string => !!part).join('\n\n');
}
