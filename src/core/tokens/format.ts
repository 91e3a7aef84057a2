/**
 * How token figures, dollars and times are written: in records and events (workflow code, so
 * nothing here may depend on the locale or the clock) and by the CLI, which prints the same way.
 */

/** Micro-dollar precision: enough for any bill, and stable in JSON output. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/** ISO 8601 in UTC to the second, e.g. 2026-06-22T07:27:50Z. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** 1234567 → "1,234,567", independent of the locale (workflow code must be deterministic). */
export function grouped(n: number): string {
  const s = String(Math.round(Math.abs(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Dollars to 4 places under $100 (token windows are often cents: $0.0027), and a `+` when models
 * without a price were left out. null is no dollar figure: `unpriced` when that is why, else `-`.
 */
export function formatUsd(usd: number | null, unpriced: readonly string[] = []): string {
  if (usd === null) return unpriced.length > 0 ? 'unpriced' : '-';
  return `$${usd.toFixed(usd >= 100 ? 2 : 4)}${unpriced.length > 0 ? '+' : ''}`;
}
