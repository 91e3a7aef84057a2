/**
 * Durations in agents.toml: a bare number is SECONDS (fractions allowed, so tests can tick every
 * 0.2 s), a string is one or more `<amount><unit>` parts such as "250ms", "90s", "1h30m", "2d".
 * Everything downstream works in milliseconds.
 */

export type DurationResult = { ok: true; ms: number } | { ok: false; error: string };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const HINT = 'use a number of seconds or a string like "250ms", "90s", "15m", "1h30m", "2d"';

export function parseDuration(value: number | string): DurationResult {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return { ok: false, error: `invalid duration ${value}: ${HINT}` };
    return { ok: true, ms: Math.round(value * 1_000) };
  }
  const text = value.trim();
  if (!WHOLE.test(text)) return { ok: false, error: `invalid duration "${value}": ${HINT}` };
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * UNIT_MS[unit];
  return { ok: true, ms: Math.round(ms) };
}

/** The shortest exact string form, e.g. 5_400_000 → "1h30m", 200 → "200ms"; `config show` prints these. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms']) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}
