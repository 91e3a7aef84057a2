/**
 * Robust statistics: the median and the median absolute deviation (MAD) stand where the mean and
 * the standard deviation would, so a few wild values do not hide themselves by inflating the
 * spread. Percentiles are nearest-rank (`percentile`, ../../metrics/distribution.ts): always a
 * value that occurred. Pure.
 */
import { percentile } from '../../metrics/distribution';

/** Scales a MAD to a normal distribution's standard deviation (1 / 0.6745 ≈ 1.4826). */
export const MAD_SCALE = 0.6745;

/** `values` sorted ascending, as a typed array (numeric sort, no comparator calls). */
export function sortedOf(values: readonly number[] | ArrayLike<number>): Float64Array {
  return Float64Array.from(values as ArrayLike<number>).sort();
}

/** The nearest-rank percentile `p` (0–100) of `values` in any order; null for none. */
export function percentileOf(values: readonly number[], p: number): number | null {
  return percentile(sortedOf(values), p);
}

/**
 * The median of values sorted ascending: the mean of the two middle values of an even count (the
 * textbook median, so the MAD of a symmetric sample is symmetric); null for none.
 */
export function sortedMedian(sorted: ArrayLike<number>): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function median(values: readonly number[]): number | null {
  return sortedMedian(sortedOf(values));
}

/** The median absolute deviation from `center` (default: the median); null for no values. */
export function mad(values: readonly number[], center?: number): number | null {
  const mid = center ?? median(values);
  if (mid === null) return null;
  const deviations = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) deviations[i] = Math.abs(values[i] - mid);
  return sortedMedian(deviations.sort());
}

/**
 * The robust z-score of `x`: 0.6745 × (x − median) / MAD. null when the MAD is 0 (half the values
 * or more are equal: no spread to measure against, so nothing stands out by it).
 */
export function robustZ(x: number, med: number, madValue: number): number | null {
  return madValue > 0 ? (MAD_SCALE * (x - med)) / madValue : null;
}

/** Median and MAD of `values` in one go (one sort each). */
export function medianAndMad(values: readonly number[]): { median: number; mad: number } | null {
  const mid = median(values);
  if (mid === null) return null;
  return { median: mid, mad: mad(values, mid) ?? 0 };
}
