import type { AgentState } from '../state/build';
import type { PlannedAction } from '../state/actions';
import type { NewEvent } from '../events';
import type { AgentConfig, LoopConfig, PhaseConfig } from '../config/types';
import { launchPrompt, phaseKickoff } from '../prompts';
import type { AgentDecision } from './agent-decision';
import { unchanged } from './agent-decision';
import { crashLoopEvent, rebootGate, RebootPolicy, withReboot } from './reboot-policy';
import { limitCleared } from './rate-limit';

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
      ...limitCleared(state),
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

/**
 * A reboot (of a stalled agent, or healing a dead session) as `rebootGate` allows it: backing off,
 * escalated as a crash loop (`why` says what keeps failing), or a fresh launch with `event`.
 */
export function gatedReboot<Done extends string>(args: {
  agent: AgentConfig;
  state: AgentState;
  policy: RebootPolicy;
  now: number;
  why: string;
  prompt: string;
  event: NewEvent;
  done: Done;
  newSessionId: () => string;
}): AgentDecision<'backing_off' | 'crash_loop' | Done> {
  const { agent, state, policy, now } = args;
  const gate = rebootGate(state.reboots, state.startedAt, policy, now);
  if (gate.kind === 'backoff') return unchanged(state, 'backing_off');
  if (gate.kind === 'crash_loop') {
    return {
      state: { ...state, crashLooped: true },
      actions: [],
      events: [crashLoopEvent(agent.name, gate.reboots, policy, args.why)],
      verdict: 'crash_loop',
    };
  }
  const reboots = withReboot(state.reboots, policy, now);
  // `attempt`: the reboots inside the crash-loop window, this one included.
  const event: NewEvent = { ...args.event, attempt: reboots.length };
  const launch = freshLaunch(agent, { ...state, reboots }, args.prompt, event, now, args.newSessionId);
  return { state: launch.state, actions: [launch.planned], events: [], verdict: args.done };
}
