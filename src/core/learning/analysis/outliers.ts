/**
 * Outliers: gates and phases whose duration or cost stands more than `outlier_z` robust z-scores
 * above their type's median (a gate's type is its pattern, a phase's its id). A type needs
 * `min_samples` values of the measure; a type whose MAD is 0 (half its values or more equal) has
 * none. Only the high side counts: a quick or cheap gate is no trouble. Pure.
 */
import type { GateRecord, PhaseRecord, RetroThresholds } from '../types';
import { medianAndMad, robustZ } from './robust';
import type { Outlier } from './types';

type Measure = Outlier['measure'];

const VALUE_OF: Record<Measure, (r: GateRecord | PhaseRecord) => number | null> = {
  duration: (r) => r.durationMs,
  cost: (r) => r.costUsd,
};

function typeOutliers(
  kind: Outlier['kind'],
  type: string,
  records: readonly (GateRecord | PhaseRecord)[],
  measure: Measure,
  thresholds: Pick<RetroThresholds, 'outlier_z' | 'min_samples'>,
): Outlier[] {
  const valueOf = VALUE_OF[measure];
  const values: number[] = [];
  for (const r of records) {
    const v = valueOf(r);
    if (v !== null) values.push(v);
  }
  if (values.length < thresholds.min_samples) return [];
  const stats = medianAndMad(values);
  if (!stats || stats.mad === 0) return [];
  const out: Outlier[] = [];
  for (const r of records) {
    const value = valueOf(r);
    if (value === null) continue;
    const z = robustZ(value, stats.median, stats.mad);
    if (z === null || z <= thresholds.outlier_z) continue;
    const outlier: Outlier = {
      kind,
      type,
      id: r.id,
      build: r.build,
      phase: r.phase,
      measure,
      value,
      median: stats.median,
      multiple: stats.median > 0 ? value / stats.median : null,
      z,
    };
    if (r.kind === 'gate') outlier.gate = r.gate;
    out.push(outlier);
  }
  return out;
}

/** Every outlier of every type, by both measures, highest z first. */
export function outliers(
  gatesByPattern: ReadonlyMap<string, readonly GateRecord[]>,
  phasesById: ReadonlyMap<string, readonly PhaseRecord[]>,
  thresholds: Pick<RetroThresholds, 'outlier_z' | 'min_samples'>,
): Outlier[] {
  const out: Outlier[] = [];
  const scan = (kind: Outlier['kind'], groups: ReadonlyMap<string, readonly (GateRecord | PhaseRecord)[]>) => {
    for (const [type, records] of groups)
      for (const measure of ['duration', 'cost'] as const)
        out.push(...typeOutliers(kind, type, records, measure, thresholds));
  };
  scan('gate', gatesByPattern);
  scan('phase', phasesById);
  return out.sort((a, b) => b.z - a.z || a.id.localeCompare(b.id) || a.measure.localeCompare(b.measure));
}
