/**
 * How much of its build budget a build has used. Pure.
 *
 * Used is what the budget check itself counts (`budgetDecision`, ../tokens/budget.ts): the build
 * window of the status view's token accounting, i.e. the agents' cumulative totals minus the
 * baseline taken on the build's first tick, all four token counts, dollars of priced models only.
 * Without a status view (no worker answered) the token windows of its events stand in.
 * The phase limit is not on the gauge: a phase over budget shows as a budget alert.
 */
import type { EventTokens } from '../events';
import { tokenTotal } from '../metrics';
import { windowUsage } from '../tokens/window-usage';
import type { BudgetGauge, BuildSnapshot } from './types';

const positive = (n: number | undefined): number | null => (typeof n === 'number' && n > 0 ? n : null);

export function budgetGauge(
  snapshot: BuildSnapshot,
  fromEvents: { tokens: EventTokens; costUsd: number } | null = null,
): BudgetGauge {
  const acct = snapshot.status?.tokens;
  const usage = acct ? windowUsage(acct.totals, acct.build?.baseline ?? {}) : null;
  const usedUsd = usage?.costUsd ?? fromEvents?.costUsd ?? 0;
  const usedTokens = usage?.tokens ?? (fromEvents ? tokenTotal(fromEvents.tokens) : 0);
  // As the budget check: a limit of 0 or less is no limit.
  const limitUsd = positive(snapshot.budget?.build?.usd);
  const limitTokens = positive(snapshot.budget?.build?.tokens);
  const ratios = [
    ...(limitUsd !== null ? [usedUsd / limitUsd] : []),
    ...(limitTokens !== null ? [usedTokens / limitTokens] : []),
  ];
  return {
    usedUsd,
    usedTokens,
    limitUsd,
    limitTokens,
    ratio: ratios.length > 0 ? Math.max(...ratios) : null,
    warnRatio: snapshot.budget?.warn_ratio ?? null,
  };
}
