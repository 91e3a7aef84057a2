/**
 * All the rules, in order, and `healthy`: the recommendations of one analysis, most severe first
 * (rules of equal severity in the order they run). Pure.
 */
import type { Recommendation, Severity } from '../types';
import { configRules } from './recommend-config';
import { reliabilityRules } from './recommend-reliability';
import { trendRules } from './recommend-trends';
import { typeRules } from './recommend-types';
import { recommend, type Rule, type RuleContext } from './rule-kit';

const RULES: Rule[] = [trendRules, ...typeRules, ...reliabilityRules, ...configRules];

const SEVERITY_RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };

/**
 * `healthy` (info) when records were counted and no rule found a problem: the calibrations
 * (category `config`: a budget, a stall_idle) tune settings and do not count as problems.
 */
function healthy(ctx: RuleContext, fired: readonly Recommendation[]): Recommendation[] {
  const { gates, phases } = ctx.groups;
  if (gates.length + phases.length === 0 || fired.some((r) => r.category !== 'config')) return [];
  return [
    recommend({
      rule: 'healthy',
      severity: 'info',
      category: 'health',
      finding: `No rule found a problem in ${gates.length} gates and ${phases.length} phases of ${ctx.groups.builds} builds.`,
      recommendation: 'Nothing to change: keep the config as it is.',
      figures: { gates: gates.length, phases: phases.length, builds: ctx.groups.builds },
    }),
  ];
}

export function recommendations(ctx: RuleContext): Recommendation[] {
  const fired = RULES.flatMap((rule) => rule(ctx));
  return [...fired, ...healthy(ctx, fired)]
    .map((r, i) => ({ r, i }))
    .sort((a, b) => SEVERITY_RANK[a.r.severity] - SEVERITY_RANK[b.r.severity] || a.i - b.i)
    .map(({ r }) => r);
}
