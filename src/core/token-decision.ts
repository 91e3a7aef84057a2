import { BuildState, currentPhaseId } from './state/build';
import type { PlannedAction } from './state/actions';
import type { Decision } from './decision';
import type { Snapshot } from './state/snapshot';
import type { TokenRecord } from './state/tokens';
import { budgetDecision } from './tokens/budget';
import { tokenTick } from './tokens/windows';

export const BUDGET_STOP_MESSAGE =
  'watchdog: the build is over its token budget. Stop now: finish the sentence you are writing, commit nothing new, and wait until you are told to continue.';
export const BUDGET_CONTINUE_MESSAGE = 'watchdog: the budget was raised. Continue where you left off.';
export const OPERATOR_CONTINUE_MESSAGE = 'watchdog: the operator resumed the build. Continue where you left off.';

function tellAll(state: BuildState, text: string, why: string): PlannedAction[] {
  return state.config.agents
    .filter((a) => state.agents[a.name]?.alive)
    .map((a) => ({
      action: { type: 'send', agent: a.name, text },
      event: { type: 'agent_nudged', agent: a.name, message: why },
    }));
}

export interface TokenDecision extends Decision<BuildState> {
  /** Finished token windows for token-log.jsonl. */
  records: TokenRecord[];
}

/**
 * Token windows for the phase and the claimed gate, then the budget: over it, the build pauses
 * and the agents are told to stop and wait; back under it (the operator raised it), it resumes.
 * `before` is the state at the start of the tick, to see a phase that ended in it.
 */
export function tokenDecision(
  before: BuildState,
  state: BuildState,
  snap: Snapshot,
  now: number,
  handoffRan: boolean,
): TokenDecision {
  const phaseBefore = currentPhaseId(before);
  const phaseAfter = currentPhaseId(state);
  const tick = tokenTick(state.tokens, {
    now,
    phaseId: phaseAfter,
    totals: snap.tokens,
    newClaimSubjects: handoffRan && snap.repo ? snap.repo.commits.map((c) => c.subject) : [],
    phaseEnded: phaseBefore && phaseBefore !== phaseAfter ? { phase: phaseBefore } : null,
    granularity: state.config.watchdog.token_granularity,
    logTokens: state.config.watchdog.log_tokens,
    sessions: Object.fromEntries(Object.entries(state.agents).map(([n, a]) => [n, a.sessionId])),
  });
  const budget = budgetDecision(tick.state, state.config.budget, phaseAfter);
  let next: BuildState = { ...state, tokens: budget.state };
  const actions: PlannedAction[] = [];
  const events = [...tick.events, ...budget.events];
  // An operator `resume` of a budget pause overrides the budget until usage is back under it: the
  // agents were told to wait for a "continue", and the flag must not outlive the pause (it is the
  // 'budget' escalation, and a stale one would let a budget raise lift a later operator pause).
  if (next.budgetPaused && next.status === 'running') {
    next = { ...next, budgetPaused: false };
    actions.push(
      ...tellAll(next, OPERATOR_CONTINUE_MESSAGE, 'told to continue: the operator resumed the build over budget'),
    );
  }
  // The agents keep working through an operator's pause, so crossing the budget then stops them too.
  if (budget.exceeded && (next.status === 'running' || (next.status === 'paused' && !next.budgetPaused))) {
    const during = next.status === 'paused' ? " during the operator's pause (it holds after their resume)" : '';
    next = { ...next, status: 'paused', budgetPaused: true };
    events.push({
      type: 'paused',
      message: `over budget${during}: the agents were told to stop and wait; raise the budget to resume`,
    });
    actions.push(...tellAll(next, BUDGET_STOP_MESSAGE, 'told to stop: over budget'));
  } else if (budget.resumeOk && next.status === 'paused' && next.budgetPaused) {
    const operatorPause = next.operatorPaused === true;
    next = { ...next, status: operatorPause ? 'paused' : 'running', budgetPaused: false };
    events.push(
      operatorPause
        ? { type: 'paused', message: 'back under budget; still paused by the operator' }
        : { type: 'resumed', message: 'back under budget' },
    );
    actions.push(...tellAll(next, BUDGET_CONTINUE_MESSAGE, 'told to continue: back under budget'));
  }
  return { state: next, actions, events, records: tick.records };
}
