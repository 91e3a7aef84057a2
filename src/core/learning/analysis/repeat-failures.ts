/**
 * Repeat failures: what went wrong more than once.
 * - a gate that failed review 2 or more times (a gate record with 2+ fail verdicts);
 * - an agent in trouble in 2 or more builds: a record naming it (`agents`) with reboots or
 *   escalations (crash loops escalate). A record does not say which of its agents was rebooted,
 *   so each agent it names counts; the reboots and escalations listed are its phases' sums;
 * - a phase an operator advanced: every phase id advanced at least once is listed with how many
 *   builds it was advanced in (the rule in recommend-reliability.ts fires from 2).
 * Pure.
 */
import type { GateRecord, PhaseRecord } from '../types';
import { failVerdicts } from './groups';
import type { AdvancedPhase, RepeatedAgentTrouble, RepeatedGateFailure, RepeatFailures } from './types';

/** A gate fails "repeatedly" from this many fail verdicts; an agent's trouble from this many builds. */
export const REPEAT = 2;
/** How many record ids an advanced phase lists. */
const IDS_KEPT = 10;

const buildKey = (r: GateRecord | PhaseRecord) => `${r.build}@${r.buildStartedAt}`;

function repeatedGates(gates: readonly GateRecord[], patternOf: (label: string) => string): RepeatedGateFailure[] {
  const out: RepeatedGateFailure[] = [];
  for (const g of gates) {
    const failures = failVerdicts(g);
    if (failures < REPEAT) continue;
    const { id, build, phase, gate, rounds, outcome } = g;
    out.push({ id, build, phase, gate, pattern: patternOf(gate), failures, rounds, outcome });
  }
  return out.sort((a, b) => b.failures - a.failures || a.id.localeCompare(b.id));
}

/** Agents named by a record with reboots or escalations, by build; the sums are the phases' (a gate's are part of its phase's). */
function troubledAgents(phases: readonly PhaseRecord[], gates: readonly GateRecord[]): RepeatedAgentTrouble[] {
  const byAgent = new Map<string, { builds: Set<string>; reboots: number; escalations: number }>();
  const note = (r: GateRecord | PhaseRecord) => {
    if (r.reboots <= 0 && r.escalations <= 0) return;
    for (const agent of new Set(r.agents)) {
      let a = byAgent.get(agent);
      if (!a) byAgent.set(agent, (a = { builds: new Set(), reboots: 0, escalations: 0 }));
      a.builds.add(buildKey(r));
      if (r.kind === 'gate') continue;
      a.reboots += r.reboots;
      a.escalations += r.escalations;
    }
  };
  phases.forEach(note);
  gates.forEach(note);
  return [...byAgent]
    .filter(([, a]) => a.builds.size >= REPEAT)
    .map(([agent, a]) => ({ agent, builds: a.builds.size, reboots: a.reboots, escalations: a.escalations }))
    .sort((a, b) => b.builds - a.builds || a.agent.localeCompare(b.agent));
}

function advancedPhases(phases: readonly PhaseRecord[]): AdvancedPhase[] {
  const byPhase = new Map<string, { builds: Set<string>; ids: string[] }>();
  for (const p of phases) {
    if (p.outcome !== 'advanced') continue;
    let a = byPhase.get(p.phase);
    if (!a) byPhase.set(p.phase, (a = { builds: new Set(), ids: [] }));
    a.builds.add(buildKey(p));
    a.ids.push(p.id);
  }
  return [...byPhase]
    .map(([phase, a]) => ({ phase, builds: a.builds.size, ids: a.ids.slice(-IDS_KEPT) }))
    .sort((a, b) => b.builds - a.builds || a.phase.localeCompare(b.phase));
}

export function repeatFailures(
  gates: readonly GateRecord[],
  phases: readonly PhaseRecord[],
  patternOf: (label: string) => string,
): RepeatFailures {
  return {
    gates: repeatedGates(gates, patternOf),
    agents: troubledAgents(phases, gates),
    advancedPhases: advancedPhases(phases),
  };
}
