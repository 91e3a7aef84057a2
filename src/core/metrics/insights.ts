/**
 * What stands out in a build, judged against the build's own figures (no fixed thresholds of
 * time or money: a slow gate is slow for this build). Pure.
 */
import { formatUsd } from '../tokens/format';
import { percentile } from './distribution';
import type { BuildMetrics, GateMetrics } from './types';

export interface Insight {
  kind: string;
  message: string;
}

/** A gate is slow when its time to pass is more than this many times the build's median. */
export const SLOW_GATE_FACTOR = 3;
/** Gates that needed more review rounds than this are listed. */
export const MANY_ROUNDS = 2;
/** How many gates one insight names before it says "and N more". */
const NAMED = 10;

function minutes(ms: number): string {
  return ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${Math.round(ms / 1000)} s`;
}

function named(items: string[]): string {
  const shown = items.slice(0, NAMED).join(', ');
  return items.length > NAMED ? `${shown} and ${items.length - NAMED} more` : shown;
}

/**
 * The insights of a build, in this order:
 * - `slow_gate`: each gate whose time to pass is more than 3× the median time to pass of the
 *   build's passed gates;
 * - `costliest_agent`: the agent with the highest cost per gate it claimed;
 * - `many_rounds`: the gates that needed more than 2 review rounds (one insight naming them);
 * - `unanswered_claim` (added here: a reviewer that does not answer stalls the whole loop, and
 *   nothing else in the report says so while it happens): each open gate that no reviewer has
 *   answered for longer than the build's p90 time to review, counted to the build's end (or to the
 *   time its metrics were taken).
 */
export function buildInsights(metrics: BuildMetrics): Insight[] {
  const insights: Insight[] = [];
  const { gates, agents, build } = metrics;

  const passTimes = gates
    .map((g) => g.timeToPassMs)
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
  const medianPass = percentile(passTimes, 50);
  if (medianPass !== null && medianPass > 0) {
    for (const g of gates) {
      if (g.timeToPassMs !== null && g.timeToPassMs > SLOW_GATE_FACTOR * medianPass) {
        const times = (g.timeToPassMs / medianPass).toFixed(1);
        insights.push({
          kind: 'slow_gate',
          message: `gate ${g.gate} took ${minutes(g.timeToPassMs)} to pass, ${times}× the median gate (${minutes(medianPass)})`,
        });
      }
    }
  }

  let costliest: { agent: string; usd: number; gates: number } | null = null;
  for (const a of agents) {
    if (a.costPerGateUsd !== null && (costliest === null || a.costPerGateUsd > costliest.usd)) {
      costliest = { agent: a.agent, usd: a.costPerGateUsd, gates: a.gatesClaimed };
    }
  }
  // A build that spent nothing (unpriced models only) has no costliest agent worth naming.
  if (costliest !== null && costliest.usd > 0) {
    insights.push({
      kind: 'costliest_agent',
      message: `${costliest.agent} has the highest cost per gate: ${formatUsd(costliest.usd)} over ${costliest.gates} gate(s)`,
    });
  }

  const manyRounds = gates.filter((g) => g.rounds > MANY_ROUNDS);
  if (manyRounds.length > 0) {
    insights.push({
      kind: 'many_rounds',
      message: `${manyRounds.length} gate(s) needed more than ${MANY_ROUNDS} review rounds: ${named(manyRounds.map((g) => `${g.gate} (${g.rounds})`))}`,
    });
  }

  const p90Review = build.timeToReview.p90;
  const end = build.startedAt !== null ? build.startedAt + build.durationMs : null;
  if (p90Review !== null && end !== null) {
    const waiting = (g: GateMetrics): number | null =>
      g.status === 'open' && g.verdicts.length === 0 && g.claimedAt !== null ? end - g.claimedAt : null;
    for (const g of gates) {
      const ms = waiting(g);
      if (ms !== null && ms > p90Review) {
        insights.push({
          kind: 'unanswered_claim',
          message: `gate ${g.gate} has waited ${minutes(ms)} for its first review, longer than the build's p90 (${minutes(p90Review)})`,
        });
      }
    }
  }
  return insights;
}
