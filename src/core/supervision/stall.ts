import type { AgentState } from '../state/build';
import type { AgentConfig, LoopConfig, WatchdogConfig } from '../config/types';
import type { AgentObservation } from '../state/snapshot';
import type { PanePatterns } from '../pane';
import { classifyPane } from '../pane';
import type { AgentDecision, CurrentPhase } from './agent-decision';
import { unchanged } from './agent-decision';
import { idleStartOf, lastOutputAt } from './idle-clock';
import { latchWaitingMarker } from './waiting-marker-latch';
import { gatedReboot, kickoffFor } from './relaunch';
import { doneNudgeMessage } from './messages';
import { waitsAtPermissionPrompt } from './permission-block';
import type { LimitTiming } from './rate-limit';

/**
 * An open-ended WAITING-UNTIL (no time given) raises the stall threshold to this many times
 * `stall_idle` of idleness — 40 minutes with the default 10 — instead of shielding forever: the
 * agent said it waits on purpose, but a marker it forgot to clear must not hide a real stall.
 */
export const OPEN_ENDED_WAIT_STALL_FACTOR = 4;

export type StallVerdict =
  /** Not watched `heal+stall`, or a `task` (it ends by design: idling after its run is no stall). */
  | 'not_watched'
  /** The phase sequence is complete: only persistent agents are still watched. */
  | 'sequence_complete'
  /** Escalated earlier; no more reboots until an operator restarts it. */
  | 'crash_looped'
  /** Session gone: healing's business, not a stall. */
  | 'dead'
  | 'not_started'
  | 'rate_limited'
  | 'busy'
  /** At a permission prompt its hook reported: an operator answers it, no nudge or reboot may. */
  | 'blocked'
  /** Within `stall_grace` of its (re)start. */
  | 'grace'
  /** A WAITING-UNTIL marker defers the verdict. */
  | 'waiting'
  /** Idle, but not for long enough. */
  | 'idle'
  /** Stalled: the one DONE-nudge of this phase was sent. */
  | 'nudged'
  /** Stalled, but the previous reboot was too recent. */
  | 'backing_off'
  /** Stalled, and rebooting has not helped: escalated. */
  | 'crash_loop'
  | 'rebooted';

export interface StallInput {
  agent: AgentConfig;
  state: AgentState;
  observation: AgentObservation;
  /** The agent's backend patterns (see `panePatternsOf`). */
  patterns: PanePatterns;
  watchdog: Pick<
    WatchdogConfig,
    'stall_grace' | 'stall_idle' | 'reboot_backoff' | 'crash_loop_reboots' | 'crash_loop_window'
  > &
    Partial<LimitTiming>;
  loop: LoopConfig | null;
  /** The current phase; null without a loop or once the sequence is complete. */
  phase: CurrentPhase | null;
  sequenceComplete: boolean;
  now: number;
  /** Called once per planned reboot for its new transcript session id (workflow: `uuid4`). */
  newSessionId: () => string;
  /** IANA zone for clock times in WAITING-UNTIL markers without one; default UTC. */
  timeZone?: string;
}

/**
 * Stall detection for an agent watched `heal+stall`: a live agent idle for `stall_idle` with no
 * WAITING-UNTIL marker has stalled. A loop agent in a phase not yet marked done first gets ONE
 * DONE-nudge per phase (and a fresh idle window to act on it); any other stall — or a second one
 * in the same phase — is a kill + reboot with the agent's kickoff (loop agents: plus the phase's),
 * paced by the reboot backoff and stopped by the crash-loop rule (see `rebootGate`).
 *
 * Run it after `rateLimitDecision` on the same tick: a rate-limited agent is never a stall, and
 * that is read from `state.rateLimitedUntil`.
 */
export function stallDecision(input: StallInput): AgentDecision<StallVerdict> {
  const { agent, state, observation, watchdog, now } = input;
  if (agent.watch !== 'heal+stall' || agent.kind === 'task') return unchanged(state, 'not_watched');
  if (input.sequenceComplete && agent.kind !== 'persistent') return unchanged(state, 'sequence_complete');
  if (state.crashLooped) return unchanged(state, 'crash_looped');
  if (!observation.alive) return unchanged(state, 'dead');
  if (state.startedAt === null) return unchanged(state, 'not_started');
  if (state.rateLimitedUntil !== null) return unchanged(state, 'rate_limited');

  const activity = classifyPane(observation.tail, input.patterns);
  if (activity === 'busy') return unchanged({ ...state, lastBusyAt: now, blockedSince: null }, 'busy');
  if (waitsAtPermissionPrompt(state, observation, activity)) return unchanged(state, 'blocked');

  const waiting = latchWaitingMarker(state, observation.tail, lastOutputAt(observation, now), input.timeZone);
  const seen: AgentState = { ...state, waitingText: waiting.waitingText, waitingUntil: waiting.waitingUntil };
  if (now - state.startedAt < watchdog.stall_grace) return unchanged(seen, 'grace');

  // A timed wait postpones the idle clock to its end: the agent then gets a whole `stall_idle` to
  // pick up what it waited for. An open-ended one raises the threshold instead.
  let idleStart = idleStartOf(state, observation, now);
  let threshold = watchdog.stall_idle;
  const marker = waiting.marker;
  if (marker && marker.until !== null) {
    if (now < marker.until) return unchanged(seen, 'waiting');
    idleStart = Math.max(idleStart, marker.until);
  } else if (marker) {
    threshold = watchdog.stall_idle * OPEN_ENDED_WAIT_STALL_FACTOR;
  }
  const idleMs = now - idleStart;
  if (idleMs < threshold) return unchanged(seen, marker ? 'waiting' : 'idle');

  const reason = `idle ${Math.round(idleMs / 1000)}s ${marker ? `past its marker "${marker.text}"` : 'with no WAITING-UNTIL marker'}`;
  const { loop, phase } = input;
  if (
    loop &&
    loop.done_nudge &&
    agent.kind === 'loop' &&
    phase &&
    !phase.done &&
    state.doneNudgedPhase !== phase.config.id
  ) {
    return {
      state: { ...seen, doneNudgedPhase: phase.config.id, idleSince: now },
      actions: [
        {
          action: { type: 'send', agent: agent.name, text: doneNudgeMessage(loop, phase.config) },
          event: {
            type: 'agent_nudged',
            agent: agent.name,
            phase: phase.config.id,
            message: `${reason}; DONE-nudge: phase ${phase.config.id} is not marked done`,
          },
        },
      ],
      events: [],
      verdict: 'nudged',
    };
  }

  return gatedReboot({
    agent,
    state: seen,
    policy: watchdog,
    now,
    why: reason,
    prompt: kickoffFor(agent, loop, phase?.config ?? null),
    event: {
      type: 'agent_rebooted',
      agent: agent.name,
      phase: agent.kind === 'loop' ? phase?.config.id : undefined,
      message: `${reason} — kill + reboot`,
    },
    done: 'rebooted',
    newSessionId: input.newSessionId,
  });
}
