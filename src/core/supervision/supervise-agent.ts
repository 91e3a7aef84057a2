import type { AgentState } from '../state/build';
import { Decision, DecisionFold } from '../decision';
import type { RateLimitVerdict } from './rate-limit';
import { rateLimitDecision } from './rate-limit';
import type { StallInput, StallVerdict } from './stall';
import { stallDecision } from './stall';
import type { WakeVerdict } from './wake';
import { wakeDecision } from './wake';
import type { HealVerdict } from './heal';
import { healDecision } from './heal';
import type { DialogVerdict } from './permission-block';
import { dialogDecision } from './permission-block';
import { classifyPane } from '../pane';

/** Everything the stall rule reads, plus whether this is a heavy (healing) tick. */
export interface AgentSupervisionInput extends StallInput {
  heavyTick: boolean;
}

export interface AgentSupervision extends Decision<AgentState> {
  /** The branch each rule took; a rule not reached (an earlier one acted) is absent. */
  verdicts: {
    dialog?: DialogVerdict;
    rateLimit?: RateLimitVerdict;
    stall?: StallVerdict;
    wake?: WakeVerdict;
    heal?: HealVerdict;
  };
}

/**
 * The supervision rules for one agent on one tick, in the order that keeps them honest:
 *
 * 0. dialog — a dialog on screen blocks the agent (`agent_blocked` once); the rules below type nothing into it;
 * 1. rate limit — first, so a limited agent is never judged stalled, woken or restarted into its
 *    limit, and a resume restarts the idle clock before the stall rule looks at it;
 * 2. stall — a live agent idle too long: DONE-nudge or reboot;
 * 3. wake — after the stall rule, whose reboot counts as a wake;
 * 4. heal — dead sessions, on the heavy cadence.
 *
 * Each rule sees the state the previous one left, and at most one effect is planned per agent per
 * tick: once a rule plans an action the later rules wait for the next tick, which observes what
 * the action did (events without actions, such as `agent_rate_limited`, do not stop the chain).
 */
export function superviseAgent(input: AgentSupervisionInput): AgentSupervision {
  const fold = new DecisionFold();
  const verdicts: AgentSupervision['verdicts'] = {};
  let state = input.state;
  const done = (): AgentSupervision => ({ ...fold.result(state), verdicts });

  const activity = input.observation.alive ? classifyPane(input.observation.tail, input.patterns) : 'unknown';
  const dialog = dialogDecision({
    agentName: input.agent.name,
    state,
    observation: input.observation,
    activity,
    now: input.now,
  });
  state = fold.take(dialog);
  verdicts.dialog = dialog.verdict;

  const limit = rateLimitDecision({ ...input, state });
  state = fold.take(limit);
  verdicts.rateLimit = limit.verdict;
  if (limit.actions.length) return done();

  const stall = stallDecision({ ...input, state });
  state = fold.take(stall);
  verdicts.stall = stall.verdict;
  if (stall.actions.length) return done();

  const wake = wakeDecision({ ...input, state });
  state = fold.take(wake);
  verdicts.wake = wake.verdict;
  if (wake.actions.length) return done();

  const heal = healDecision({ ...input, state, phase: input.phase?.config ?? null });
  state = fold.take(heal);
  verdicts.heal = heal.verdict;
  return done();
}
