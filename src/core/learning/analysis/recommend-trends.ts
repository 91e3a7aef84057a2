/**
 * The trend rules: the last window against the one before it. Each needs `min_samples` records of
 * its kind in both windows.
 * - `falling-success-rate` (high): a success rate `success_drop_points` points or more below the
 *   previous window's (gates passing on their first claim; phases finished without operator help);
 * - `falling-velocity` (medium): gates passed (phases finished) per day down by `velocity_drop`
 *   or more (0.3: to 70 % or less of the previous window's);
 * - `duration-creep` (medium): the median gate (phase) duration up by `duration_creep` or more
 *   (0.5: to 150 % or more).
 * Pure.
 */
import type { Recommendation, RecommendationCategory, RetroThresholds, Severity } from '../types';
import { EPSILON, recommend, type Rule, type RuleContext } from './rule-kit';
import type { Trends } from './types';
import { pct, span, trim } from './words';

type Side = 'gate' | 'phase';

/** One trend rule, for gates and for phases alike. */
interface TrendRule {
  rule: string;
  severity: Severity;
  category: RecommendationCategory;
  /** The measure in `Trends`, per side. */
  key: Record<Side, keyof Trends>;
  /** What is measured, in words (the `measure` figure), per side. */
  measure: Record<Side, string>;
  fires(current: number, previous: number, thresholds: RetroThresholds): boolean;
  finding(side: Side, current: number, previous: number, window: string): string;
  recommendation: Record<Side, string>;
}

/** Records behind a side's figures in each window. */
const SAMPLES: Record<Side, keyof Trends> = { gate: 'gates', phase: 'phases' };

const TREND_RULES: TrendRule[] = [
  {
    rule: 'falling-success-rate',
    severity: 'high',
    category: 'trend',
    key: { gate: 'gateSuccessRate', phase: 'phaseSuccessRate' },
    measure: { gate: 'gate first-pass rate', phase: 'phases finished unaided' },
    fires: (cur, prev, th) => (prev - cur) * 100 >= th.success_drop_points - EPSILON,
    finding: (side, cur, prev, window) =>
      `${side === 'gate' ? 'Gates passing review on their first claim' : 'Phases finished without operator help'} fell from ${pct(prev)} to ${pct(cur)} in the last ${window} (${trim((prev - cur) * 100)} points down).`,
    recommendation: {
      gate: 'Read the reviews that failed first claims in the last window: find what builders now miss (a config or plan change? compare the records’ configHash) and write it down as a lesson.',
      phase:
        'Look at the phases an operator advanced or that were abandoned in the last window: whether their plans ask for too much, or the agents stall; write what you find down as a lesson.',
    },
  },
  {
    rule: 'falling-velocity',
    severity: 'medium',
    category: 'trend',
    key: { gate: 'gatesPerDay', phase: 'phasesPerDay' },
    measure: { gate: 'gates passed per day', phase: 'phases finished per day' },
    fires: (cur, prev, th) => prev > 0 && cur <= prev * (1 - th.velocity_drop) + EPSILON,
    finding: (side, cur, prev, window) =>
      `${side === 'gate' ? 'Gates passed' : 'Phases finished'} per day fell from ${trim(prev)} to ${trim(cur)} in the last ${window} (${pct((prev - cur) / prev)} down).`,
    recommendation: {
      gate: 'Check whether the builds had less to do, or the agents waited more: rate limits, stalls, slow reviews (see the durations and the rate-limit share).',
      phase:
        'Check whether there were fewer builds, or phases took longer: more gates, more review rounds, more waiting (see the durations).',
    },
  },
  {
    rule: 'duration-creep',
    severity: 'medium',
    category: 'duration',
    key: { gate: 'medianGateDurationMs', phase: 'medianPhaseDurationMs' },
    measure: { gate: 'median gate duration (ms)', phase: 'median phase duration (ms)' },
    fires: (cur, prev, th) => prev > 0 && cur >= prev * (1 + th.duration_creep) - EPSILON,
    finding: (side, cur, prev, window) =>
      `The median ${side} took ${span(cur)} in the last ${window}, against ${span(prev)} before (${pct((cur - prev) / prev)} longer).`,
    recommendation: {
      gate: 'Find the gate patterns that got slower (by-type table) and split them, or make their Definition of Done more precise.',
      phase:
        'Find the phases that got slower (by-type table): more gates in their plans, more review rounds, or more waiting.',
    },
  },
];

function trendCheck(r: TrendRule, side: Side, ctx: RuleContext): Recommendation[] {
  const { current, previous } = ctx.trends[r.key[side]];
  const samples = ctx.trends[SAMPLES[side]];
  const min = ctx.thresholds.min_samples;
  if (current === null || previous === null) return [];
  if ((samples.current ?? 0) < min || (samples.previous ?? 0) < min) return [];
  if (!r.fires(current, previous, ctx.thresholds)) return [];
  return [
    recommend({
      rule: r.rule,
      severity: r.severity,
      category: r.category,
      finding: r.finding(side, current, previous, span(ctx.options.windowMs)),
      recommendation: r.recommendation[side],
      figures: {
        measure: r.measure[side],
        current,
        previous,
        change: current - previous,
        samplesCurrent: samples.current,
        samplesPrevious: samples.previous,
      },
    }),
  ];
}

export const trendRules: Rule = (ctx) =>
  TREND_RULES.flatMap((r) => (['gate', 'phase'] as const).flatMap((side) => trendCheck(r, side, ctx)));
