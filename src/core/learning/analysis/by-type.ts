/**
 * Figures by type: per phase id, per gate pattern (gate-pattern.ts), per agent (over the gates it
 * built), per model (over the gates whose builder used it), and per reviewer (how many first
 * claims it rejected). Pure.
 */
import type { GateRecord, PhaseRecord } from '../types';
import { failVerdicts, type RecordGroups } from './groups';
import { median } from './robust';
import type { ByType, ReviewerStats, TypeStats } from './types';
import { round } from './words';

/** part / whole to 6 places (no float noise in JSON); null for no whole. */
const ratio = (part: number, whole: number): number | null => (whole > 0 ? round(part / whole, 6) : null);

/** Counts shared by gate and phase types; `gates` is the number the cost per gate divides by. */
function typeStats(
  key: string,
  records: readonly (GateRecord | PhaseRecord)[],
  succeeded: (r: GateRecord | PhaseRecord) => boolean,
  failed: (r: GateRecord | PhaseRecord) => boolean,
  gates: number,
  passedGates: number,
): TypeStats {
  let passed = 0;
  let successes = 0;
  let failures = 0;
  let costUsd = 0;
  let maxDurationMs: number | null = null;
  const durations: number[] = [];
  for (const r of records) {
    if (r.outcome === 'passed') passed++;
    if (succeeded(r)) successes++;
    if (failed(r)) failures++;
    costUsd += r.costUsd;
    if (r.durationMs !== null) {
      durations.push(r.durationMs);
      if (maxDurationMs === null || r.durationMs > maxDurationMs) maxDurationMs = r.durationMs;
    }
  }
  return {
    key,
    count: records.length,
    passed,
    successRate: ratio(successes, records.length),
    failureRate: ratio(failures, records.length),
    medianDurationMs: median(durations),
    maxDurationMs,
    costUsd: round(costUsd, 6),
    gates,
    costPerGateUsd: ratio(costUsd, gates),
    costPerPassedGateUsd: ratio(costUsd, passedGates),
  };
}

const firstPassed = (r: GateRecord | PhaseRecord) => (r as GateRecord).firstPass;
const hadFail = (r: GateRecord | PhaseRecord) => failVerdicts(r as GateRecord) > 0;

/** A gate type's figures: success is a first claim that passed; failure, any fail verdict. */
export function gateTypeStats(key: string, gates: readonly GateRecord[]): TypeStats {
  let passed = 0;
  for (const g of gates) if (g.outcome === 'passed') passed++;
  return typeStats(key, gates, firstPassed, hadFail, gates.length, passed);
}

const unaided = (r: GateRecord | PhaseRecord) => r.outcome === 'passed';
const notUnaided = (r: GateRecord | PhaseRecord) => r.outcome !== 'passed';

/** A phase id's figures: success is a phase finished by its done marker; its cost per gate is over the gate records of its phases. */
export function phaseTypeStats(key: string, phases: readonly PhaseRecord[], gates: number): TypeStats {
  let passedGates = 0;
  for (const p of phases) passedGates += p.gatesPassed;
  return typeStats(key, phases, unaided, notUnaided, gates, passedGates);
}

/** Each reviewer's first-claim verdicts (attempt 1, pass or fail; unknown verdicts are not counted). */
export function reviewerStats(gates: readonly GateRecord[]): ReviewerStats[] {
  const counts = new Map<string, { firstClaims: number; rejected: number }>();
  for (const g of gates) {
    for (const v of g.verdicts) {
      if (v.attempt !== 1 || v.verdict === 'unknown') continue;
      let c = counts.get(v.reviewer);
      if (!c) counts.set(v.reviewer, (c = { firstClaims: 0, rejected: 0 }));
      c.firstClaims++;
      if (v.verdict === 'fail') c.rejected++;
    }
  }
  return [...counts]
    .map(([reviewer, c]) => ({ reviewer, ...c, rejectionRate: ratio(c.rejected, c.firstClaims) }))
    .sort((a, b) => b.firstClaims - a.firstClaims || a.reviewer.localeCompare(b.reviewer));
}

/** Most records first, then by key. */
function ordered(stats: TypeStats[]): TypeStats[] {
  return stats.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

function gateTypes(groups: ReadonlyMap<string, readonly GateRecord[]>): TypeStats[] {
  return ordered([...groups].map(([key, gates]) => gateTypeStats(key, gates)));
}

export function byType(groups: RecordGroups): ByType {
  return {
    phases: ordered(
      [...groups.phasesById].map(([id, phases]) => phaseTypeStats(id, phases, groups.gatesPerPhase.get(id) ?? 0)),
    ),
    gates: gateTypes(groups.gatesByPattern),
    agents: gateTypes(groups.gatesByBuilder),
    models: gateTypes(groups.gatesByModel),
    reviewers: reviewerStats(groups.gates),
  };
}
