/** Every build at a glance: alerts first, then each build (running first) with progress, cost, budget and agents. */
import type { OverviewRow, OverviewView } from '../src/core/dashboard/types';
import { PauseResume } from './actions.js';
import { AgentDot } from './activity.js';
import { AlertList } from './alerts.js';
import { apiPaths } from './api.js';
import { BuildFacts, StatusBadge, TemporalLink } from './build-facts.js';
import { html } from './html.js';
import { pagePaths } from './router.js';
import { useViewData } from './use-view-data.js';
import { Section, ViewFrame } from './view-frame.js';

function BuildCard({ row, now }: { row: OverviewRow; now: number }) {
  const alerts = row.alerts.length;
  return html`<article class=${`build-card status-${row.status}`} data-build=${row.build}>
    <header>
      <a class="build-name" href=${pagePaths.build(row.build)}>${row.build}</a>
      <${StatusBadge} status=${row.status} />
      ${alerts > 0 && html`<span class="badge alert-count">${alerts} alert${alerts > 1 ? 's' : ''}</span>`}
      <span class="spacer"></span>
      <${TemporalLink} url=${row.webUiUrl} />
      <${PauseResume} build=${row.build} status=${row.status} />
    </header>
    <${BuildFacts} row=${row} now=${now} />
    <div class="agent-dots">
      ${row.agents.map((a) => html`<${AgentDot} key=${a.agent} build=${row.build} agent=${a} />`)}
    </div>
  </article>`;
}

function Overview({ view }: { view: OverviewView }) {
  return html`<${Section} title="Alerts">
      <${AlertList} alerts=${view.alerts} now=${view.now} />
    </${Section}>
    <${Section} title="Builds">
      ${
        view.builds.length === 0
          ? html`<p class="muted">No builds.</p>`
          : view.builds.map((row) => html`<${BuildCard} key=${row.build} row=${row} now=${view.now} />`)
      }
    </${Section}>`;
}

export function OverviewPage() {
  const state = useViewData<OverviewView>(apiPaths.overview(), null);
  const render = (view: OverviewView) => html`<${Overview} view=${view} />`;
  return html`<${ViewFrame} view="overview" state=${state} render=${render} />`;
}
