/**
 * What every recommendation rule reads (`RuleContext`) and how it writes its recommendation. Pure.
 */
import type { Recommendation, RetroThresholds } from '../types';
import type { RecordGroups } from './groups';
import type { ByType, Outlier, RepeatFailures, RetroAnalysisOptions, Trends } from './types';
import { round } from './words';

export interface RuleContext {
  groups: RecordGroups;
  trends: Trends;
  byType: ByType;
  repeatFailures: RepeatFailures;
  outliers: readonly Outlier[];
  thresholds: RetroThresholds;
  options: RetroAnalysisOptions;
}

export type Rule = (ctx: RuleContext) => Recommendation[];

/** Figures rounded for JSON (4 places: rates to a hundredth of a point, dollars to a hundredth of a cent). */
export function figures(values: Record<string, number | string | null>): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {};
  for (const [key, value] of Object.entries(values)) out[key] = typeof value === 'number' ? round(value) : value;
  return out;
}

/** A recommendation, its figures rounded, optional parts only when given. */
export function recommend(r: Recommendation): Recommendation {
  const out: Recommendation = { ...r, figures: figures(r.figures) };
  if (out.subject === undefined) delete out.subject;
  if (out.edit === undefined) delete out.edit;
  return out;
}

/** A little slack for comparisons of computed fractions with thresholds (0.1 + 0.2 > 0.3 in floats). */
export const EPSILON = 1e-9;
