/**
 * One agent of a build in full: its state now, its tokens (in all and per gate), its gates, its
 * restarts and limits, and its latest events. Pure.
 */
import type { StewardEvent } from '../events';
import { buildMetrics, inSeqOrder, zeroTokens, type GateMetrics } from '../metrics';
import { roundUsd } from '../tokens/format';
import { agentSummary } from './agent-display';
import { latestEvents } from './latest-events';
import { addTokens } from './token-sum';
import type { AgentGateTokens, AgentView, BuildSnapshot } from './types';

export const AGENT_VIEW_EVENTS = 100;

/** Its share of every gate's token windows, one row a gate (a gate closed twice adds up), in order of first window. */
export function agentGateTokens(events: readonly StewardEvent[], agent: string): AgentGateTokens[] {
  const rows = new Map<string, AgentGateTokens>();
  for (const e of events) {
    if (e.type !== 'tokens_recorded' || !e.gate || !e.byAgent || !Object.hasOwn(e.byAgent, agent)) continue;
    const share = e.byAgent[agent];
    const phase = e.phase ?? null;
    const key = `${phase ?? ''}\u0000${e.gate}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { gate: e.gate, phase, tokens: zeroTokens(), costUsd: 0 }));
    addTokens(row.tokens, share.tokens);
    row.costUsd = roundUsd(row.costUsd + share.costUsd);
  }
  return [...rows.values()];
}

/** The labels of `gates` that `mine` accepts, each once, in order. */
const labels = (gates: readonly GateMetrics[], mine: (g: GateMetrics) => boolean): string[] => [
  ...new Set(gates.filter(mine).map((g) => g.gate)),
];

/** null when neither the status view nor the events know the agent. */
export function agentView(
  snapshot: BuildSnapshot,
  agent: string,
  pane: string[] | null,
  now: number,
): AgentView | null {
  const state = snapshot.status && Object.hasOwn(snapshot.status.agents, agent) ? snapshot.status.agents[agent] : null;
  const events = inSeqOrder(snapshot.events);
  const metrics = buildMetrics(events, { now });
  const figures = metrics.agents.find((a) => a.agent === agent);
  if (!state && !figures) return null;
  const summary = state
    ? agentSummary(agent, state, now)
    : { state: 'down' as const, colour: 'grey' as const, idleSeconds: 0 };
  let rateLimitWaits = 0;
  for (const e of events) if (e.type === 'agent_rate_limited' && e.agent === agent) rateLimitWaits++;
  return {
    now,
    build: snapshot.name,
    agent,
    state: summary.state,
    colour: summary.colour,
    idleSeconds: summary.idleSeconds,
    alive: state?.alive ?? false,
    startedAt: state?.startedAt ?? null,
    pane,
    tokens: figures?.tokens ?? zeroTokens(),
    costUsd: figures?.costUsd ?? 0,
    byGate: agentGateTokens(events, agent),
    gatesClaimed: labels(metrics.gates, (g) => g.builder === agent && g.claimedAt !== null),
    gatesReviewed: labels(metrics.gates, (g) => g.reviewers.includes(agent)),
    reboots: figures?.reboots ?? 0,
    rateLimitWaits,
    rateLimitedMs: figures?.rateLimitedMs ?? 0,
    busyShare: figures?.busyShare ?? null,
    events: latestEvents(events, AGENT_VIEW_EVENTS, (e) => e.agent === agent),
  };
}
