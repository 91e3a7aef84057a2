/**
 * The build report as ONE self-contained HTML file: inline styles, inline SVG charts, no script
 * and no URL of any kind (nothing is fetched when it is opened). Every text is escaped: gate
 * labels and messages come from agents' commits and are treated as hostile.
 */
import type { CostPoint, GateMetrics } from '../metrics';
import { formatUsd } from '../tokens/format';
import { formatDuration, formatTime, reportModel, type Table } from './model';
import type { ReportInput } from './types';

/** Text safe in HTML element content and in quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;margin:24px auto;max-width:1200px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.msg{word-break:break-word;max-width:640px}.muted{color:#656d76}.charts{display:flex;flex-wrap:wrap;gap:24px}
figure{margin:0}figcaption{font-size:12px;color:#656d76}svg text{font-size:11px;fill:#656d76}
`;

const W = 640;
const H = 180;
const PAD = 34;
/** The most points or bars a chart draws; longer series are thinned evenly (the last kept). */
const MAX_MARKS = 500;

function thinned<T>(items: readonly T[]): T[] {
  if (items.length <= MAX_MARKS) return [...items];
  const stride = Math.ceil(items.length / MAX_MARKS);
  const kept = items.filter((_, i) => i % stride === 0);
  if ((items.length - 1) % stride !== 0) kept.push(items[items.length - 1]);
  return kept;
}

const fixed = (n: number): string => n.toFixed(1);

function svg(label: string, body: string): string {
  return `<svg role="img" aria-label="${escapeHtml(label)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${body}</svg>`;
}

function axes(top: string, left: string, right: string): string {
  const base = H - PAD;
  return (
    `<line x1="${PAD}" y1="${base}" x2="${W - 8}" y2="${base}" stroke="#d0d7de"/>` +
    `<line x1="${PAD}" y1="8" x2="${PAD}" y2="${base}" stroke="#d0d7de"/>` +
    `<text x="${PAD + 4}" y="16">${escapeHtml(top)}</text>` +
    `<text x="${PAD}" y="${H - 12}">${escapeHtml(left)}</text>` +
    `<text x="${W - 8}" y="${H - 12}" text-anchor="end">${escapeHtml(right)}</text>`
  );
}

/** Cumulative cost as a line from the build's start to its end (or to when the metrics were taken). */
export function costChart(points: readonly CostPoint[], startedAt: number | null, endAt: number | null): string {
  if (points.length === 0) return '<p class="muted">No token windows recorded yet.</p>';
  const shown = thinned(points);
  const last = shown[shown.length - 1];
  const t0 = Math.min(startedAt ?? shown[0].at, shown[0].at);
  const t1 = Math.max(endAt ?? last.at, last.at, t0 + 1);
  const top = Math.max(...shown.map((p) => p.costUsd), 1e-6);
  const x = (at: number) => PAD + ((at - t0) / (t1 - t0)) * (W - 8 - PAD);
  const y = (usd: number) => H - PAD - (Math.max(0, usd) / top) * (H - PAD - 20);
  const line = [
    `${fixed(x(t0))},${fixed(y(0))}`,
    ...shown.map((p) => `${fixed(x(p.at))},${fixed(y(p.costUsd))}`),
    `${fixed(x(t1))},${fixed(y(last.costUsd))}`,
  ];
  const body =
    axes(formatUsd(top), formatTime(t0), formatTime(t1)) +
    `<polyline fill="none" stroke="#0969da" stroke-width="2" points="${line.join(' ')}"/>`;
  return svg('cumulative cost over time', body);
}

/** Each passed gate's time to pass, as a bar, in the order the gates were first claimed. */
export function gateDurationChart(gates: readonly GateMetrics[]): string {
  const passed = gates.filter((g) => g.timeToPassMs !== null);
  if (passed.length === 0) return '<p class="muted">No gate has passed yet.</p>';
  const shown = thinned(passed);
  const top = Math.max(...shown.map((g) => g.timeToPassMs!), 1);
  const step = (W - 8 - PAD) / shown.length;
  const width = step > 3 ? step - 1 : step;
  const bars = shown.map((g, i) => {
    const h = (g.timeToPassMs! / top) * (H - PAD - 20);
    const tip = `${g.gate}: ${formatDuration(g.timeToPassMs)} in ${g.rounds} round(s)`;
    return (
      `<rect x="${fixed(PAD + i * step)}" y="${fixed(H - PAD - h)}" width="${fixed(width)}" height="${fixed(h)}" fill="#8250df">` +
      `<title>${escapeHtml(tip)}</title></rect>`
    );
  });
  const caption = shown.length < passed.length ? `every ${Math.ceil(passed.length / MAX_MARKS)}th gate` : '';
  return svg('time to pass per gate', axes(formatDuration(top), caption, `${passed.length} gates`) + bars.join(''));
}

function htmlTable(t: Table, empty: string, wide = -1): string {
  if (t.rows.length === 0) return `<p class="muted">${escapeHtml(empty)}</p>`;
  const cls = (i: number) => (t.numeric[i] ? ' class="n"' : i === wide ? ' class="msg"' : '');
  const head = t.head.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`);
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** The build report as one HTML document that needs nothing else. */
export function reportHtml(input: ReportInput): string {
  const m = reportModel(input);
  const overview = `<table><tbody>${m.overview
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('')}</tbody></table>`;
  const insights = m.insights.length
    ? `<ul>${m.insights.map(([k, v]) => `<li><strong>${escapeHtml(k)}</strong>: ${escapeHtml(v)}</li>`).join('')}</ul>`
    : '<p class="muted">Nothing stands out.</p>';
  const { build } = input.metrics;
  const end = build.startedAt !== null ? build.startedAt + build.durationMs : null;
  const charts =
    `<div class="charts"><figure>${costChart(input.metrics.costOverTime, build.startedAt, end)}` +
    `<figcaption>Cumulative cost</figcaption></figure>` +
    `<figure>${gateDurationChart(input.metrics.gates)}<figcaption>Time to pass per gate</figcaption></figure></div>`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(m.title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(m.title)}</h1>`,
    `<p class="muted">Generated ${escapeHtml(m.generated)}.</p>`,
    '<h2>Overview</h2>',
    overview,
    charts,
    ...m.tables.flatMap((t) => [`<h2>${escapeHtml(t.heading)}</h2>`, htmlTable(t.table, t.empty)]),
    '<h2>Incidents</h2>',
    m.incidentCounts ? `<p>${escapeHtml(m.incidentCounts)}</p>` : '',
    htmlTable(m.incidents, 'No incidents.', 4),
    '<h2>Insights</h2>',
    insights,
    '</body></html>',
    '',
  ].join('\n');
}
