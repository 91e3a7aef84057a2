import type { AgentState } from '../state/build';
import type { AgentConfig } from '../config/types';
import type { AgentObservation } from '../state/snapshot';
import type { PanePatterns } from '../pane';
import { classifyPane } from '../pane';
import type { AgentDecision } from './agent-decision';
import { unchanged } from './agent-decision';
import { freshLaunch, kickoffFor } from './relaunch';
import { waitsAtPermissionPrompt } from './permission-block';

export type WakeVerdict =
  /** No `wake` configured. */
  | 'no_wake'
  /** The sequence is complete and the agent is not persistent: its wakes went quiet. */
  | 'quiet'
  | 'not_started'
  | 'not_due'
  /** Due, but a dead persistent/loop session is healing's business; woken once it is back. */
  | 'dead'
  /** Due, but a task's previous run is still going. */
  | 'busy'
  /** Due, but rate-limited or at a permission prompt: typing now would not help (or would harm). */
  | 'held'
  /** A live persistent or loop agent was sent its wake message. */
  | 'woken'
  /** A task was started afresh. */
  | 'rerun';

export interface WakeInput {
  agent: AgentConfig;
  state: AgentState;
  observation: AgentObservation;
  patterns: PanePatterns;
  sequenceComplete: boolean;
  now: number;
  /** Called once per task re-run for its new transcript session id (workflow: `uuid4`). */
  newSessionId: () => string;
}

/**
 * Scheduled wakes: an agent with `wake = { interval, message }` is due when `interval` has passed
 * since its last wake or (re)start (`lastWakeAt`).
 *
 * - A live persistent or loop agent is sent its wake message.
 * - A `task` has no conversation to re-prompt — it ends after its run — so a wake re-runs it:
 *   a fresh session with its kickoff, unless its previous run is still going (pane busy). That
 *   is what makes scheduled one-shot work (say, a coverage audit) recur with no operator.
 * - A dead persistent or loop agent is not woken: healing restarts it, and a (re)start counts
 *   as a wake. A wake that cannot happen now stays due and is tried again next tick.
 * - After the phase sequence completes, only persistent agents keep waking (an operator-facing
 *   supervisor may drive follow-on work); loop-tied wakes go quiet.
 */
export function wakeDecision(input: WakeInput): AgentDecision<WakeVerdict> {
  const { agent, state, observation, now } = input;
  const wake = agent.wake;
  if (!wake) return unchanged(state, 'no_wake');
  if (input.sequenceComplete && agent.kind !== 'persistent') return unchanged(state, 'quiet');
  const last = state.lastWakeAt ?? state.startedAt;
  if (last === null) return unchanged(state, 'not_started');
  if (now - last < wake.interval) return unchanged(state, 'not_due');

  const activity = observation.alive ? classifyPane(observation.tail, input.patterns) : 'unknown';
  const limited = state.rateLimitedUntil !== null;
  const blocked = observation.alive && waitsAtPermissionPrompt(state, observation, activity);

  if (agent.kind === 'task') {
    if (observation.alive && activity === 'busy') return unchanged(state, 'busy');
    if (limited || blocked) return unchanged(state, 'held');
    const launch = freshLaunch(
      agent,
      state,
      kickoffFor(agent, null, null),
      {
        type: 'agent_woken',
        agent: agent.name,
        message: `scheduled re-run of task (every ${Math.round(wake.interval / 1000)}s)`,
      },
      now,
      input.newSessionId,
    );
    return { state: launch.state, actions: [launch.planned], events: [], verdict: 'rerun' };
  }

  if (!observation.alive) return unchanged(state, 'dead');
  if (limited || blocked) return unchanged(state, 'held');
  return {
    state: { ...state, lastWakeAt: now, idleSince: now },
    actions: [
      {
        action: { type: 'send', agent: agent.name, text: wake.message },
        event: {
          type: 'agent_woken',
          agent: agent.name,
          message: `scheduled wake (every ${Math.round(wake.interval / 1000)}s)`,
        },
      },
    ],
    events: [],
    verdict: 'woken',
  };
}
