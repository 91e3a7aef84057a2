/**
 * Token use across builds, grouped by build, phase, gate, agent and model. Pure.
 *
 * Builds, phases, gates and agents come from each build's metrics (its token windows), so the
 * rows of a build add up to its row; models come from the transcripts (`BuildSnapshot.models`),
 * which count every token, also those of windows not closed yet.
 */
import type { EventTokens } from '../events';
import { buildMetrics, tokenTotal, zeroTokens } from '../metrics';
import { roundUsd } from '../tokens/format';
import { addTokens } from './token-sum';
import type { BuildSnapshot, TokenRow, TokensView } from './types';

/** Most dollars first (no price counts as none), then most tokens, then by key. */
export function compareTokenRows(a: TokenRow, b: TokenRow): number {
  return (b.costUsd ?? 0) - (a.costUsd ?? 0) || b.total - a.total || a.key.localeCompare(b.key);
}

/** Rows by key: what is added under one key adds up; one unpriced part makes the row's dollars null. */
class TokenRows {
  private readonly rows = new Map<string, TokenRow>();

  add(key: string, build: string | null, tokens: EventTokens, costUsd: number | null): void {
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = { key, build, tokens: zeroTokens(), total: 0, costUsd: 0 }));
    addTokens(row.tokens, tokens);
    row.total = tokenTotal(row.tokens);
    row.costUsd = row.costUsd === null || costUsd === null ? null : roundUsd(row.costUsd + costUsd);
  }

  /** Sorted; a row of no tokens and no dollars (an agent that only reviewed for free) left out unless `all`. */
  sorted(all = false): TokenRow[] {
    const rows = [...this.rows.values()];
    return (all ? rows : rows.filter((r) => r.total > 0 || r.costUsd !== 0)).sort(compareTokenRows);
  }
}

export function tokensView(snapshots: readonly BuildSnapshot[], now: number): TokensView {
  const byBuild = new TokenRows();
  const byPhase = new TokenRows();
  const byGate = new TokenRows();
  const byAgent = new TokenRows();
  const byModel = new TokenRows();
  const total = { tokens: zeroTokens(), total: 0, costUsd: 0 };
  const unpriced = new Set<string>();
  for (const s of snapshots) {
    const b = s.name;
    const metrics = buildMetrics(s.events, { now });
    byBuild.add(b, b, metrics.build.tokens, metrics.build.costUsd);
    addTokens(total.tokens, metrics.build.tokens);
    total.costUsd += metrics.build.costUsd;
    for (const p of metrics.phases) byPhase.add(`${b}/${p.phase}`, b, p.tokens, p.costUsd);
    for (const g of metrics.gates) byGate.add(`${b}/${g.phase ?? ''}/${g.gate}`, b, g.tokens, g.costUsd);
    for (const a of metrics.agents) byAgent.add(`${b}/${a.agent}`, b, a.tokens, a.costUsd);
    for (const m of s.models ?? []) {
      byModel.add(m.model, null, m.tokens, m.costUsd);
      if (m.costUsd === null) unpriced.add(m.model);
    }
    for (const agent of Object.values(s.status?.tokens.totals ?? {})) for (const m of agent.unpriced) unpriced.add(m);
  }
  total.total = tokenTotal(total.tokens);
  total.costUsd = roundUsd(total.costUsd);
  return {
    now,
    total,
    byBuild: byBuild.sorted(true),
    byPhase: byPhase.sorted(),
    byGate: byGate.sorted(),
    byAgent: byAgent.sorted(),
    byModel: byModel.sorted(),
    unpriced: [...unpriced].sort(),
  };
}
