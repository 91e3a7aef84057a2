/**
 * One agent of a build: its state and idle time, the last lines of its pane (as text), its tokens
 * and cost per gate, the gates it claimed and reviewed, its reboots and rate-limit waits, its
 * latest events, and the nudge / restart controls.
 */
import type { AgentView } from '../src/core/dashboard/types';
import { AgentActions } from './actions.js';
import { Dot, stateWords } from './activity.js';
import { apiPaths } from './api.js';
import { EventList } from './events.js';
import { clock, count, duration, percent, totalTokens, usd } from './format.js';
import { html } from './html.js';
import { pagePaths } from './router.js';
import { TokenTable } from './token-table.js';
import { useLiveEvents } from './use-live-events.js';
import { useViewData } from './use-view-data.js';
import { Section, ViewFrame } from './view-frame.js';

/** The pane as plain text in a <pre>: Preact sets it as a text node, so escapes and markup stay inert. */
function Pane({ lines }: { lines: string[] | null }) {
  if (lines === null) return html`<p class="muted">pane not readable from this host</p>`;
  return html`<pre class="pane">${lines.join('\n')}</pre>`;
}

function GateTokens({ view }: { view: AgentView }) {
  if (view.byGate.length === 0) return html`<p class="muted">No gate windows recorded.</p>`;
  const lines = view.byGate.map((g, i) => ({
    key: `${g.gate}#${i}`,
    labels: [g.gate, g.phase ?? '—'],
    tokens: g.tokens,
    total: totalTokens(g.tokens),
    costUsd: g.costUsd,
  }));
  return html`<${TokenTable} heads=${['gate', 'phase']} lines=${lines} />`;
}

function Labels({ labels }: { labels: string[] }) {
  return labels.length === 0 ? '—' : labels.join(', ');
}

function Agent({ view }: { view: AgentView }) {
  const events = useLiveEvents(view.events, view.build, view.agent);
  return html`<header class="view-header" data-agent=${view.agent}>
      <h1><a href=${pagePaths.build(view.build)}>${view.build}</a> / ${view.agent}</h1>
      <span class=${`agent-state colour-${view.colour}`}>
        <${Dot} colour=${view.colour} /> ${stateWords(view.state)}, idle ${duration(view.idleSeconds * 1000)}
      </span>
      ${!view.alive && html`<span class="badge status-stopped">not alive</span>`}
    </header>
    <${AgentActions} build=${view.build} agent=${view.agent} />
    <dl class="facts">
      <dt>started</dt>
      <dd>${clock(view.startedAt)}</dd>
      <dt>busy share</dt>
      <dd>${percent(view.busyShare)}</dd>
      <dt>tokens</dt>
      <dd>${count(totalTokens(view.tokens))}</dd>
      <dt>cost</dt>
      <dd>${usd(view.costUsd)}</dd>
      <dt>gates claimed</dt>
      <dd><${Labels} labels=${view.gatesClaimed} /></dd>
      <dt>gates reviewed</dt>
      <dd><${Labels} labels=${view.gatesReviewed} /></dd>
      <dt>reboots</dt>
      <dd>${view.reboots}</dd>
      <dt>rate-limit waits</dt>
      <dd>${view.rateLimitWaits} (${duration(view.rateLimitedMs)})</dd>
    </dl>
    <${Section} title="Pane">
      <${Pane} lines=${view.pane} />
    </${Section}>
    <${Section} title="Tokens per gate">
      <${GateTokens} view=${view} />
    </${Section}>
    <${Section} title="Recent events">
      <${EventList} events=${events} build=${view.build} />
    </${Section}>`;
}

export function AgentPage({ build, agent }: { build: string; agent: string }) {
  const state = useViewData<AgentView>(apiPaths.agent(build, agent), build);
  const render = (view: AgentView) => html`<${Agent} view=${view} />`;
  return html`<${ViewFrame} view="agent" state=${state} render=${render} />`;
}
