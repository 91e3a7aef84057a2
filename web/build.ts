/**
 * One build: its status and controls, the phase → gate flow, its agents as lanes on a time axis,
 * its cost over time, and its events (pushed ones on top as they come).
 */
import type { BuildView } from '../src/core/dashboard/types';
import type { BuildMetricsSummary } from '../src/core/metrics/types';
import { BuildActions } from './actions.js';
import { apiPaths } from './api.js';
import { BuildFacts, StatusBadge, TemporalLink } from './build-facts.js';
import { CostChart } from './chart.js';
import { EventList } from './events.js';
import { duration, percent } from './format.js';
import { GateFlow } from './gates.js';
import { html } from './html.js';
import { AgentLanes } from './lanes.js';
import { pagePaths } from './router.js';
import { useLiveEvents } from './use-live-events.js';
import { useViewData } from './use-view-data.js';
import { Section, ViewFrame } from './view-frame.js';

function Metrics({ m }: { m: BuildMetricsSummary }) {
  const review = m.timeToReview;
  return html`<dl class="facts metrics">
    <dt>duration</dt>
    <dd>${duration(m.durationMs)}</dd>
    <dt>gates per hour</dt>
    <dd>${m.gatesPerHour === null ? '—' : m.gatesPerHour.toFixed(2)}</dd>
    <dt>first-pass quality</dt>
    <dd>${percent(m.firstPassQuality)}</dd>
    <dt>time to review</dt>
    <dd>median ${duration(review.median)}, p90 ${duration(review.p90)} (${review.count})</dd>
    <dt>review rounds</dt>
    <dd>median ${m.reviewRounds.median ?? '—'}, p90 ${m.reviewRounds.p90 ?? '—'}</dd>
    <dt>error rate</dt>
    <dd>${percent(m.errorRate)}</dd>
    <dt>escalations</dt>
    <dd>${m.escalations}</dd>
  </dl>`;
}

function Build({ view }: { view: BuildView }) {
  const { row } = view;
  const events = useLiveEvents(view.events, row.build, null);
  return html`<header class="view-header">
      <h1>${row.build}</h1>
      <${StatusBadge} status=${row.status} />
      <${TemporalLink} url=${row.webUiUrl} />
      <a href=${pagePaths.feed(new URLSearchParams({ build: row.build }).toString())}>full feed</a>
    </header>
    <${BuildActions} build=${row.build} status=${row.status} />
    <${BuildFacts} row=${row} now=${view.now} />
    <${Metrics} m=${view.metrics} />
    <${Section} title="Phases and gates">
      <${GateFlow} phases=${view.phases} />
    </${Section}>
    <${Section} title="Agents">
      <${AgentLanes} lanes=${view.lanes} agents=${row.agents} from=${view.from} to=${view.to} build=${row.build} />
    </${Section}>
    <${Section} title="Cost over time">
      <${CostChart} points=${view.cost} />
    </${Section}>
    <${Section} title="Events">
      <${EventList} events=${events} build=${row.build} />
    </${Section}>`;
}

export function BuildPage({ build }: { build: string }) {
  const state = useViewData<BuildView>(apiPaths.build(build), build);
  const render = (view: BuildView) => html`<${Build} view=${view} />`;
  return html`<${ViewFrame} view="build" state=${state} render=${render} />`;
}
