/** A build's headline figures (phase progress, gates, cost, budget, times), shared by the overview and the build view. */
import type { OverviewRow } from '../src/core/dashboard/types';
import { ago, clock, isoTime, safeHttpUrl, usd, usdPerHour } from './format.js';
import { Bar, BudgetGauge } from './gauge.js';
import { html } from './html.js';

/** Phase i/n as a bar: `phaseIndex` is 0-based, and equals phaseCount once the sequence completed. */
function PhaseProgress({ row }: { row: OverviewRow }) {
  const done = row.phaseCount > 0 && row.phaseIndex >= row.phaseCount;
  const shown = Math.min(row.phaseIndex + 1, row.phaseCount);
  const label =
    row.phaseCount === 0 ? 'no phases' : done ? `done (${row.phaseCount})` : `phase ${shown}/${row.phaseCount}`;
  const ratio = row.phaseCount === 0 ? 0 : row.phaseIndex / row.phaseCount;
  return html`<${Bar} ratio=${ratio} label=${label} title=${row.phase ?? label} />`;
}

/** The build's page in the Temporal Web UI: only an http(s) URL becomes a link. */
export function TemporalLink({ url }: { url: string | null }) {
  const safe = safeHttpUrl(url);
  if (!safe) return null;
  return html`<a class="external" href=${safe} target="_blank" rel="noopener noreferrer">Temporal UI ↗</a>`;
}

export function StatusBadge({ status }: { status: string }) {
  return html`<span class=${`badge status-${status}`}>${status}</span>`;
}

export function BuildFacts({ row, now }: { row: OverviewRow; now: number }) {
  return html`<div class="build-facts">
    <div><span class="fact-name">phase</span> ${row.phase ?? '—'} <${PhaseProgress} row=${row} /></div>
    <div><span class="fact-name">gates</span> ${row.gatesPassed} passed / ${row.gatesClaimed} claimed</div>
    <div>
      <span class="fact-name">cost</span> ${usd(row.costUsd)}
      <span class="muted">${usdPerHour(row.costPerHourUsd)}</span>
    </div>
    <div><span class="fact-name">budget</span> <${BudgetGauge} budget=${row.budget} /></div>
    <div>
      <span class="fact-name">started</span> <span title=${isoTime(row.startedAt)}>${clock(row.startedAt)}</span>
      <span class="muted"> · last event ${ago(row.lastEventAt, now)}</span>
    </div>
  </div>`;
}
