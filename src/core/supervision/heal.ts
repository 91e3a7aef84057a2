import type { AgentState } from '../state/build';
import type { AgentConfig, LoopConfig, PhaseConfig } from '../config/types';
import type { AgentObservation } from '../state/snapshot';
import type { AgentDecision } from './agent-decision';
import { unchanged } from './agent-decision';
import type { RebootPolicy } from './reboot-policy';
import { gatedReboot, kickoffFor } from './relaunch';

export type HealVerdict =
  /** Not a heavy tick: healing runs on the heavy cadence only. */
  | 'not_heavy'
  /** `watch = "none"`, or a `task` (it exits by design; only a wake re-runs it). */
  | 'not_watched'
  /** The sequence is complete and the agent is not persistent. */
  | 'sequence_complete'
  | 'crash_looped'
  | 'not_started'
  | 'alive'
  /** Dead, but the previous restart was too recent. */
  | 'backing_off'
  /** Dead again and again: escalated. */
  | 'crash_loop'
  | 'healed';

export interface HealInput {
  agent: AgentConfig;
  state: AgentState;
  observation: AgentObservation;
  /** Whether this tick is on the heavy cadence (`heavy_interval`): the caller decides. */
  heavyTick: boolean;
  watchdog: RebootPolicy;
  loop: LoopConfig | null;
  /** The current phase; null without a loop or once the sequence is complete. */
  phase: PhaseConfig | null;
  sequenceComplete: boolean;
  now: number;
  /** Called once per planned restart for its new transcript session id (workflow: `uuid4`). */
  newSessionId: () => string;
}

/**
 * Healing: on a heavy tick, a dead session of an agent watched `heal` or `heal+stall` is started
 * again with its kickoff (loop agents: plus the current phase's). Restarts count as reboots, so
 * they share the stall reboots' backoff and crash-loop rule: an agent that keeps dying is
 * escalated (`crash_loop`, `crashLooped`) and left down. After the sequence completes only
 * persistent agents are healed. A usage limit does not hold healing back: a limit read wrongly
 * (or one that has lifted) must never leave a session dead; a restart into a real limit costs one
 * refused request, and the new session's limit notice is read again. Services are not agents and are not handled here.
 */
export function healDecision(input: HealInput): AgentDecision<HealVerdict> {
  const { agent, state, observation, watchdog, now } = input;
  if (!input.heavyTick) return unchanged(state, 'not_heavy');
  if (agent.watch === 'none' || agent.kind === 'task') return unchanged(state, 'not_watched');
  if (input.sequenceComplete && agent.kind !== 'persistent') return unchanged(state, 'sequence_complete');
  if (state.crashLooped) return unchanged(state, 'crash_looped');
  if (state.startedAt === null) return unchanged(state, 'not_started');
  if (observation.alive) return unchanged(state, 'alive');

  return gatedReboot({
    agent,
    state,
    policy: watchdog,
    now,
    why: 'session died again',
    prompt: kickoffFor(agent, input.loop, input.phase),
    event: {
      type: 'agent_healed',
      agent: agent.name,
      phase: agent.kind === 'loop' ? input.phase?.id : undefined,
      message: 'session was dead — restarted with its kickoff',
    },
    done: 'healed',
    newSessionId: input.newSessionId,
  });
}
