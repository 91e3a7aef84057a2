/**
 * How the recommendations write their figures in plain words, and round them for JSON. Locale-free
 * (the same text everywhere). Pure.
 */

/** 0.623 → "62%". */
export function pct(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}

/** A duration for a reader: "45 s", "12 min", "2.5 h", "1.5 d". */
export function span(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${trim(ms / 3_600_000)} h`;
  return `${trim(ms / 86_400_000)} d`;
}

/** Dollars: cents from $1, else 4 places ("$0.0123"). */
export function usd(amount: number): string {
  return `$${amount.toFixed(Math.abs(amount) >= 1 ? 2 : 4)}`;
}

/** One decimal place, without a trailing ".0": 2.5 → "2.5", 3 → "3". */
export function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** `n` rounded to `digits` decimal places (figures in JSON: no float noise such as 0.30000000000000004). */
export function round(n: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** `round` that passes null through. */
export function roundOrNull(n: number | null, digits = 4): number | null {
  return n === null ? null : round(n, digits);
}
