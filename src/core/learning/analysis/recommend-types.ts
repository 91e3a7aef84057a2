/**
 * The rules over types (phase ids, gate patterns), reviewers and agents. A type, reviewer or agent
 * needs `min_samples` records (first claims for a reviewer) before a rule fires on it.
 * - `type-failing` (high): a gate pattern with a fail verdict on more than `type_failure_rate` of
 *   its gates; a phase id not finished by its done marker in more than that share of its runs;
 * - `long-type` (low): a type whose median duration is `long_type_multiple` times the median of
 *   all gates (phases) or more;
 * - `outlier-cluster` (medium): `outlier_cluster` or more records of one type are outliers;
 * - `harsh-reviewer` (medium): a reviewer that failed more than `reviewer_rejection` of the first
 *   claims it reviewed;
 * - `costly-agent` (medium): an agent whose cost per gate it built is `agent_cost_multiple` times
 *   the median of the other builders' or more (needs two builders with enough gates).
 * Pure.
 */
import type { Recommendation } from '../types';
import { median } from './robust';
import { EPSILON, recommend, type Rule, type RuleContext } from './rule-kit';
import type { TypeStats } from './types';
import { pct, span, trim, usd } from './words';

const kindWords = (kind: 'gate' | 'phase', key: string) => (kind === 'gate' ? `Gates \`${key}\`` : `Phase ${key}`);
const subjectOf = (kind: 'gate' | 'phase', key: string) => (kind === 'gate' ? { gate: key } : { phase: key });

function typeFailing(ctx: RuleContext, kind: 'gate' | 'phase', types: readonly TypeStats[]): Recommendation[] {
  const limit = ctx.thresholds.type_failure_rate;
  return types
    .filter((t) => t.count >= ctx.thresholds.min_samples && (t.failureRate ?? 0) > limit + EPSILON)
    .map((t) =>
      recommend({
        rule: 'type-failing',
        severity: 'high',
        category: 'failure',
        finding:
          kind === 'gate'
            ? `${kindWords(kind, t.key)} failed review in ${pct(t.failureRate!)} of their runs (${Math.round(t.failureRate! * t.count)} of ${t.count}).`
            : `${kindWords(kind, t.key)} did not finish by its done marker in ${pct(t.failureRate!)} of its runs (${Math.round(t.failureRate! * t.count)} of ${t.count}).`,
        recommendation:
          kind === 'gate'
            ? `Make \`${t.key}\` gates smaller or spell out their Definition of Done in the plans; record what the reviewers reject them for as a lesson for this pattern.`
            : `Rework phase ${t.key}'s plan: fewer or clearer gates, and a done condition the builder can reach without an operator.`,
        figures: { kind, type: t.key, failureRate: t.failureRate, runs: t.count, threshold: limit },
        subject: subjectOf(kind, t.key),
      }),
    );
}

function longType(ctx: RuleContext, kind: 'gate' | 'phase', types: readonly TypeStats[]): Recommendation[] {
  const overall = median(
    (kind === 'gate' ? ctx.groups.gates : ctx.groups.phases).flatMap((r) =>
      r.durationMs === null ? [] : [r.durationMs],
    ),
  );
  if (overall === null || overall <= 0) return [];
  const multiple = ctx.thresholds.long_type_multiple;
  return types
    .filter(
      (t) =>
        t.count >= ctx.thresholds.min_samples &&
        t.medianDurationMs !== null &&
        t.medianDurationMs >= multiple * overall - EPSILON,
    )
    .map((t) =>
      recommend({
        rule: 'long-type',
        severity: 'low',
        category: 'duration',
        finding: `${kindWords(kind, t.key)} take ${span(t.medianDurationMs!)} at the median, ${trim(t.medianDurationMs! / overall)}× the median ${kind} (${span(overall)}).`,
        recommendation:
          kind === 'gate'
            ? `Split \`${t.key}\` gates into smaller ones, so each review covers less and a failure costs less.`
            : `Split phase ${t.key} into smaller phases, or move some of its gates elsewhere.`,
        figures: {
          kind,
          type: t.key,
          medianMs: t.medianDurationMs,
          overallMedianMs: overall,
          multiple: t.medianDurationMs! / overall,
        },
        subject: subjectOf(kind, t.key),
      }),
    );
}

const typeFailingRule: Rule = (ctx) => [
  ...typeFailing(ctx, 'gate', ctx.byType.gates),
  ...typeFailing(ctx, 'phase', ctx.byType.phases),
];

const longTypeRule: Rule = (ctx) => [
  ...longType(ctx, 'gate', ctx.byType.gates),
  ...longType(ctx, 'phase', ctx.byType.phases),
];

const outlierCluster: Rule = (ctx) => {
  const byType = new Map<string, { kind: 'gate' | 'phase'; type: string; ids: Set<string>; measures: Set<string> }>();
  for (const o of ctx.outliers) {
    const key = `${o.kind}\u0000${o.type}`;
    let entry = byType.get(key);
    if (!entry) byType.set(key, (entry = { kind: o.kind, type: o.type, ids: new Set(), measures: new Set() }));
    entry.ids.add(o.id);
    entry.measures.add(o.measure);
  }
  return [...byType.values()]
    .filter((e) => e.ids.size >= ctx.thresholds.outlier_cluster)
    .map((e) =>
      recommend({
        rule: 'outlier-cluster',
        severity: 'medium',
        category: e.measures.has('duration') ? 'duration' : 'cost',
        finding: `${e.ids.size} ${e.kind === 'gate' ? `\`${e.type}\` gates` : `runs of phase ${e.type}`} took far more ${[...e.measures].sort().reverse().join(' and ')} than is usual for them (over ${ctx.thresholds.outlier_z} robust z-scores).`,
        recommendation: `Open the outliers listed for ${e.kind === 'gate' ? `\`${e.type}\`` : `phase ${e.type}`}: something recurs (a flaky step, a hard case, an agent going in circles) that a lesson or a smaller gate could prevent.`,
        figures: { kind: e.kind, type: e.type, outliers: e.ids.size, threshold: ctx.thresholds.outlier_cluster },
        subject: subjectOf(e.kind, e.type),
      }),
    );
};

const harshReviewer: Rule = (ctx) =>
  ctx.byType.reviewers
    .filter(
      (r) =>
        r.firstClaims >= ctx.thresholds.min_samples &&
        (r.rejectionRate ?? 0) > ctx.thresholds.reviewer_rejection + EPSILON,
    )
    .map((r) =>
      recommend({
        rule: 'harsh-reviewer',
        severity: 'medium',
        category: 'review',
        finding: `${r.reviewer} failed ${pct(r.rejectionRate!)} of the first claims it reviewed (${r.rejected} of ${r.firstClaims}).`,
        recommendation: `Compare ${r.reviewer}'s fail reasons with the plans' Definitions of Done: either the builders skip something it rightly wants (make it a lesson for them), or its kickoff asks for more than the plans do (align the two).`,
        figures: {
          reviewer: r.reviewer,
          rejectionRate: r.rejectionRate,
          rejected: r.rejected,
          firstClaims: r.firstClaims,
          threshold: ctx.thresholds.reviewer_rejection,
        },
        subject: { agent: r.reviewer },
      }),
    );

const costlyAgent: Rule = (ctx) => {
  const agents = ctx.byType.agents.filter((a) => a.count >= ctx.thresholds.min_samples && a.costPerGateUsd !== null);
  if (agents.length < 2) return [];
  const multiple = ctx.thresholds.agent_cost_multiple;
  return agents.flatMap((a) => {
    const peers = median(agents.filter((p) => p !== a).map((p) => p.costPerGateUsd!));
    if (peers === null || peers <= 0 || a.costPerGateUsd! < multiple * peers - EPSILON) return [];
    return [
      recommend({
        rule: 'costly-agent',
        severity: 'medium',
        category: 'cost',
        finding: `${a.key} spent ${usd(a.costPerGateUsd!)} per gate it built, ${trim(a.costPerGateUsd! / peers)}× the other builders' median (${usd(peers)}).`,
        recommendation: `See what ${a.key} spends on: a larger model than its role needs, long transcripts (a fresh session per gate), or rework after failed reviews.`,
        figures: {
          agent: a.key,
          costPerGateUsd: a.costPerGateUsd,
          peersMedianUsd: peers,
          multiple: a.costPerGateUsd! / peers,
          gates: a.count,
        },
        subject: { agent: a.key },
      }),
    ];
  });
};

export const typeRules: Rule[] = [typeFailingRule, longTypeRule, outlierCluster, harshReviewer, costlyAgent];
