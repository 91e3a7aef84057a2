/**
 * Trends: the last window (ending at `now`) against the window before it, measure by measure,
 * each with its change. Pure.
 */
import type { GateRecord, PhaseRecord } from '../types';
import type { WindowRecords } from './groups';
import { median } from './robust';
import type { TrendFigure, Trends } from './types';
import { roundOrNull } from './words';

const DAY_MS = 86_400_000;

type Measures = Record<keyof Trends, number | null>;

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function durations(records: readonly (GateRecord | PhaseRecord)[]): number[] {
  const out: number[] = [];
  for (const r of records) if (r.durationMs !== null) out.push(r.durationMs);
  return out;
}

/** One window's measures (`days`: its length in days, for the velocities). */
export function windowMeasures({ gates, phases }: WindowRecords, days: number): Measures {
  let firstPass = 0;
  let gatesPassed = 0;
  let gateCost = 0;
  const rounds: number[] = [];
  for (const g of gates) {
    if (g.firstPass) firstPass++;
    if (g.outcome === 'passed') gatesPassed++;
    gateCost += g.costUsd;
    rounds.push(g.rounds);
  }
  let phasesUnaided = 0;
  let phasesFinished = 0;
  for (const p of phases) {
    if (p.outcome === 'passed') phasesUnaided++;
    if (p.outcome === 'passed' || p.outcome === 'advanced') phasesFinished++;
  }
  return {
    gates: gates.length,
    phases: phases.length,
    gateSuccessRate: ratio(firstPass, gates.length),
    phaseSuccessRate: ratio(phasesUnaided, phases.length),
    gatesPerDay: gatesPassed / days,
    phasesPerDay: phasesFinished / days,
    medianGateDurationMs: median(durations(gates)),
    medianPhaseDurationMs: median(durations(phases)),
    costPerGateUsd: ratio(gateCost, gates.length),
    medianReviewRounds: median(rounds),
  };
}

/** A measure in both windows and its change (fractions rounded to 6 places: no float noise in JSON). */
export function trendFigure(current: number | null, previous: number | null): TrendFigure {
  const change = current === null || previous === null ? null : current - previous;
  const relative = change === null || previous === null || previous === 0 ? null : change / previous;
  return {
    current: roundOrNull(current, 6),
    previous: roundOrNull(previous, 6),
    change: roundOrNull(change, 6),
    relative: roundOrNull(relative, 6),
  };
}

export function trends(current: WindowRecords, previous: WindowRecords, windowMs: number): Trends {
  const days = windowMs / DAY_MS;
  const now = windowMeasures(current, days);
  const before = windowMeasures(previous, days);
  const out = {} as Trends;
  for (const key of Object.keys(now) as (keyof Trends)[]) out[key] = trendFigure(now[key], before[key]);
  return out;
}
