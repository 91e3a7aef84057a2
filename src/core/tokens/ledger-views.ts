/** Read-only views over a ledger: totals overall, per source, per model, per session. Pure. */
import type { LedgerState } from './ledger';
import { addUsageInto, zeroUsage, type TokenUsage } from './usage';

export type LedgerDimension = 'source' | 'model' | 'sessionId';

export function ledgerTotal(state: LedgerState): TokenUsage {
  const total = zeroUsage();
  for (const bucket of state.buckets) addUsageInto(total, bucket.usage);
  return total;
}

/** Totals grouped by one dimension; keys are the source labels, model ids or session ids. */
export function totalsBy(state: LedgerState, dimension: LedgerDimension): Record<string, TokenUsage> {
  const out: Record<string, TokenUsage> = Object.create(null);
  for (const bucket of state.buckets) {
    const name = bucket[dimension];
    addUsageInto((out[name] ??= zeroUsage()), bucket.usage);
  }
  return out;
}

/** Number of distinct messages (dedup keys) counted. */
export function messageCount(state: LedgerState): number {
  return state.stats.counted;
}
