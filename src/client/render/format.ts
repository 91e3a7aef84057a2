/** Small, pure formatting helpers shared by the operator CLI's renderers. */
import { isoSeconds } from '../../core/tokens/format';

/** Epoch ms (or a Date) as `2025-10-01T10:00:05Z`: UTC, to the second, greppable. */
export function formatTime(at: number | Date | null | undefined): string {
  if (at === null || at === undefined) return '-';
  const ms = at instanceof Date ? at.getTime() : at;
  if (!Number.isFinite(ms)) return '-';
  return isoSeconds(ms);
}

/** Seconds as `45s`, `12m05s`, `3h07m`, `2d04h`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** A wall time in ms: `7.1s` under a minute, else as `formatSeconds`. */
export function formatWallTime(ms: number): string {
  return ms < 60_000 ? `${(Math.max(0, ms) / 1000).toFixed(1)}s` : formatSeconds(ms / 1000);
}

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A left-aligned text table; column widths fit the widest cell. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Text on one line: newlines shown as `⏎`, runs of blanks collapsed, cut to `max` with `…`. */
export function oneLine(text: string, max = Infinity): string {
  const flat = text
    .replace(/\r?\n/g, ' ⏎ ')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}

/** The first non-empty line of an error message, trimmed. */
export function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).trim();
}
