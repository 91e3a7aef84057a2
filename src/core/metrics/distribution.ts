import type { Distribution } from './types';

/**
 * The nearest-rank percentile of values sorted ascending: the value at rank ceil(p/100 × n),
 * 1-based (so p50 of an even count is the lower middle value). null for no values.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Count, median and p90 of `values` (any order; not modified). */
export function distribution(values: readonly number[]): Distribution {
  // A typed array sorts numerically without a comparator call per comparison.
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, median: percentile(sorted, 50), p90: percentile(sorted, 90) };
}
