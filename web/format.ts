/** Numbers, times and durations as a person reads them at a glance. */
import type { EventTokens } from '../src/core/events';

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value !== 0 && Math.abs(value) < 0.01) return `$${value.toFixed(4)}`;
  return `$${value.toFixed(2)}`;
}

export function usdPerHour(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${usd(value)}/h`;
}

/** 999 → 999, 1234 → 1.2k, 3400000 → 3.4M. */
export function count(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(value);
}

export function percent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '—' : `${Math.round(ratio * 100)}%`;
}

/** 45s, 12m 03s, 3h 20m, 2d 4h. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** How long before `now` `at` was: "3m 05s ago". */
export function ago(at: number | null | undefined, now: number): string {
  return at === null || at === undefined ? '—' : `${duration(now - at)} ago`;
}

/** Local wall-clock time; the date too when it is not today. */
export function clock(at: number | null | undefined): string {
  if (at === null || at === undefined) return '—';
  const d = new Date(at);
  const time = d.toLocaleTimeString(undefined, { hour12: false });
  return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString()} ${time}`;
}

/** The full timestamp, for a title. */
export function isoTime(at: number | null | undefined): string {
  return at === null || at === undefined ? '' : new Date(at).toISOString();
}

export function totalTokens(t: EventTokens): number {
  return t.input_tokens + t.output_tokens + t.cache_creation_input_tokens + t.cache_read_input_tokens;
}

/** A URL safe to link to: http(s) only, so a `javascript:` one from a config is never a link. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}
