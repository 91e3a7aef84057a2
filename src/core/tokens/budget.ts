/**
 * Budget decisions: warnings and excesses of the build's and the current phase's token and dollar
 * limits, each raised once per crossing. Pure.
 */
import type { BudgetConfig, BudgetLimit } from '../config/types';
import type { NewEvent } from '../events';
import type { Decision } from '../decision';
import type { TokenAccountingState } from '../state/tokens';
import { formatUsd, grouped } from './format';
import { windowUsage } from './window-usage';

/** The accounting with its warnings re-armed or spent; `events` are `budget_warning` / `budget_exceeded`, each once per crossing. */
export interface BudgetDecision extends Decision<TokenAccountingState> {
  /** True on the tick a limit is first exceeded: pause the build and escalate. */
  exceeded: boolean;
  /** True on the tick usage is back under every limit after an excess (a raised budget, a new phase): resume. */
  resumeOk: boolean;
}

interface Check {
  scope: 'build' | 'phase';
  kind: 'tokens' | 'usd';
  used: number;
  limit: number;
}

const DEFAULT_WARN_RATIO = 0.8;

function checks(scope: Check['scope'], limit: BudgetLimit | undefined, tokens: number, cost: number): Check[] {
  const out: Check[] = [];
  if (!limit) return out;
  if (typeof limit.tokens === 'number' && limit.tokens > 0)
    out.push({ scope, kind: 'tokens', used: tokens, limit: limit.tokens });
  if (typeof limit.usd === 'number' && limit.usd > 0) out.push({ scope, kind: 'usd', used: cost, limit: limit.usd });
  return out;
}

function describe(c: Check): string {
  return c.kind === 'tokens'
    ? `${grouped(c.used)} of ${grouped(c.limit)} tokens`
    : `${formatUsd(c.used)} of ${formatUsd(c.limit)}`;
}

/** A dollar figure covers priced models only: say which models it leaves out. */
function excluding(unpriced: string[]): string {
  return unpriced.length ? ` (excludes unpriced models: ${unpriced.join(', ')})` : '';
}

/**
 * Budget checks over the build (since the first tick) and the current phase (since it started).
 * Tokens are all billed tokens (input + output + cache writes + cache reads); dollars cover the
 * priced models only. At `warn_ratio` of a limit: one `budget_warning` per scope (re-armed when a
 * raised budget puts usage back under the ratio, and for each new phase). Over a limit: one
 * `budget_exceeded` and `exceeded` true; back under every limit afterwards: `resumeOk` true.
 */
export function budgetDecision(
  acct: TokenAccountingState,
  budget: BudgetConfig | undefined,
  phaseId: string | null,
): BudgetDecision {
  const build = windowUsage(acct.totals, acct.build?.baseline ?? {});
  const phase =
    acct.phaseStart && phaseId !== null && acct.phaseStart.phase === phaseId
      ? windowUsage(acct.totals, acct.phaseStart.baseline)
      : null;
  const all = [
    ...checks('build', budget?.build, build.tokens, build.costUsd),
    ...(phase ? checks('phase', budget?.phase, phase.tokens, phase.costUsd) : []),
  ];
  const ratio =
    typeof budget?.warn_ratio === 'number' && budget.warn_ratio > 0 && budget.warn_ratio <= 1
      ? budget.warn_ratio
      : DEFAULT_WARN_RATIO;
  const over = all.filter((c) => c.used > c.limit);
  const events: NewEvent[] = [];
  const warned = { ...acct.warned };
  const unpricedIn = (scope: Check['scope']) => (scope === 'build' ? build : phase!).unpriced;

  for (const scope of ['build', 'phase'] as const) {
    const mine = all.filter((c) => c.scope === scope);
    const near = mine.filter((c) => c.used >= c.limit * ratio);
    if (near.length === 0) {
      warned[scope] = false;
      continue;
    }
    if (warned[scope]) continue;
    warned[scope] = true;
    if (over.some((c) => c.scope === scope)) continue; // budget_exceeded says it
    const where = scope === 'build' ? 'build' : `phase ${phaseId}`;
    events.push({
      type: 'budget_warning',
      ...(scope === 'phase' ? { phase: phaseId! } : {}),
      message: `${where} has used ${near.map(describe).join(' and ')}${near.some((c) => c.kind === 'usd') ? excluding(unpricedIn(scope)) : ''} (warn at ${Math.round(ratio * 100)}%)`,
    });
  }

  const next: TokenAccountingState = { ...acct, warned };
  let exceeded = false;
  let resumeOk = false;
  if (over.length > 0 && !acct.exceeded) {
    exceeded = true;
    next.exceeded = true;
    const phaseOver = over.some((c) => c.scope === 'phase');
    const text = over
      .map(
        (c) =>
          `${c.scope === 'build' ? 'build' : `phase ${phaseId}`}: ${describe(c)}${c.kind === 'usd' ? excluding(unpricedIn(c.scope)) : ''}`,
      )
      .join('; ');
    events.push({
      type: 'budget_exceeded',
      ...(phaseOver ? { phase: phaseId! } : {}),
      message: `budget exceeded — ${text}. Raise it with setBudget to resume.`,
    });
  } else if (over.length === 0 && acct.exceeded) {
    next.exceeded = false;
    resumeOk = true;
  }
  return { state: next, actions: [], events, exceeded, resumeOk };
}
