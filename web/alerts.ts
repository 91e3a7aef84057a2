/** What needs a person now, worst first: crash loops, lost hosts, budgets, rate limits, prompts, stalls. */
import type { Alert } from '../src/core/dashboard/types';
import { ago, isoTime } from './format.js';
import { html } from './html.js';
import { pagePaths } from './router.js';

const SEVERE = new Set<Alert['kind']>(['crash_loop', 'host_lost', 'budget_exceeded', 'no_worker']);

function AlertRow({ alert, now }: { alert: Alert; now: number }) {
  return html`<li class=${`alert ${SEVERE.has(alert.kind) ? 'severe' : 'warning'}`} data-alert=${alert.kind}>
    <span class="alert-kind">${alert.kind.replace(/_/g, ' ')}</span>
    <a href=${pagePaths.build(alert.build)}>${alert.build}</a>
    ${
      alert.agent &&
      html`<a href=${pagePaths.agent(alert.build, alert.agent)} data-agent=${alert.agent}>${alert.agent}</a>`
    }
    <span class="alert-message">${alert.message}</span>
    ${alert.since !== null && html`<span class="muted" title=${isoTime(alert.since)}>${ago(alert.since, now)}</span>`}
  </li>`;
}

export function AlertList({ alerts, now }: { alerts: Alert[]; now: number }) {
  if (alerts.length === 0) return html`<p class="all-clear">No alerts.</p>`;
  return html`<ul class="alerts">
    ${alerts.map((a, i) => html`<${AlertRow} key=${`${i}/${a.kind}/${a.build}`} alert=${a} now=${now} />`)}
  </ul>`;
}
