/**
 * The usage of a window (the build, a phase, a gate): the agents' cumulative totals now minus the
 * baseline taken when the window opened, per agent and overall. Pure.
 */
import type { PerAgentUsage, TokenFigures } from '../state/tokens';
import { roundUsd } from './format';
import { addUsageInto, tokenFigures, totalTokens, usageSince, zeroUsage } from './usage';

export interface WindowUsage {
  agents: Record<string, TokenFigures>;
  total: TokenFigures;
  tokens: number;
  costUsd: number;
  /** Dollars per agent (priced models only). */
  agentCostUsd: Record<string, number>;
  /** Models without a price used by agents that spent tokens in the window. */
  unpriced: string[];
}

export function windowUsage(totals: PerAgentUsage, baseline: PerAgentUsage): WindowUsage {
  const agents: Record<string, TokenFigures> = {};
  const agentCostUsd: Record<string, number> = {};
  const sum = zeroUsage();
  let cost = 0;
  const unpriced: string[] = [];
  for (const name of Object.keys(totals).sort()) {
    const cur = totals[name];
    const base = Object.hasOwn(baseline, name) ? baseline[name] : undefined;
    const d = usageSince(cur.usage, base?.usage);
    agents[name] = tokenFigures(d);
    addUsageInto(sum, d);
    // Never negative, as the counts (a rebuilt ledger may briefly report less).
    const spent = Math.max(0, cur.costUsd - (base?.costUsd ?? 0));
    agentCostUsd[name] = roundUsd(spent);
    cost += spent;
    if (totalTokens(d) > 0) for (const m of cur.unpriced) if (!unpriced.includes(m)) unpriced.push(m);
  }
  const total = tokenFigures(sum);
  return { agents, total, tokens: total.total, costUsd: roundUsd(cost), agentCostUsd, unpriced: unpriced.sort() };
}
