import type { AgentState } from '../build-state';
import type { PlannedAction } from '../actions';
import type { NewEvent } from '../events';
import type { AgentConfig, LoopConfig, PhaseConfig } from '../config/types';
import { launchPrompt, phaseKickoff } from '../prompts';

/** What a freshly started agent is told: its kickoff, and for loop agents the current phase's. */
export function kickoffFor(agent: AgentConfig, loop: LoopConfig | null, phase: PhaseConfig | null): string {
  const phaseText = agent.kind === 'loop' && loop && phase ? phaseKickoff(loop, phase) : null;
  return launchPrompt(agent.kickoff, phaseText);
}

export interface FreshLaunch {
  state: AgentState;
  planned: PlannedAction;
}

/**
 * Plans a fresh launch (kill any old session, start a new one, type `prompt`) and the agent state
 * after it. Every fresh launch gets a NEW transcript session id from `newSessionId`: the launch
 * activity is idempotent per session id (a tmux session tagged with the same id is left as it is,
 * so a reboot under the old id would do nothing), and Claude Code refuses a `--session-id` whose
 * transcript exists ("Session ID … is already in use", anthropics/claude-code#5524). In the
 * workflow pass `uuid4`, which is replay-safe.
 *
 * A launch is also a fresh start for every clock: grace and idle count from `now`, a wake is not
 * due for another interval (the kickoff is fresher than any wake message), and whatever the old
 * screen showed — a WAITING-UNTIL marker, a limit message, a permission dialog — is gone with it.
 */
export function freshLaunch(
  agent: AgentConfig,
  state: AgentState,
  prompt: string,
  event: NewEvent,
  now: number,
  newSessionId: () => string,
): FreshLaunch {
  return {
    state: {
      ...state,
      sessionId: newSessionId(),
      startedAt: now,
      lastWakeAt: now,
      idleSince: now,
      lastBusyAt: null,
      waitingText: null,
      waitingUntil: null,
      rateLimitText: null,
      rateLimitedUntil: null,
      blockedSince: null,
    },
    planned: { action: { type: 'launch', agent: agent.name, fresh: true, prompt }, event },
  };
}
