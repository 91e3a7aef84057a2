/**
 * A build's phases in order, each with its gates as cards. Pure.
 *
 * The phases are the status view's (the config's sequence), then any phase only the events know (one
 * a config edit dropped), then, when a gate has no phase, one flow with the id '' for those. Without
 * a status view the events' phases are the sequence.
 */
import type { BuildMetrics, PhaseMetrics } from '../metrics';
import type { StewardEvent } from '../events';
import type { BuildStatusView } from '../status-view';
import { gateCard, gateTimes } from './gate-cards';
import type { GateCard, PhaseFlow } from './types';

type PhaseTimes = Pick<PhaseFlow, 'status' | 'startedAt' | 'endedAt'>;

/**
 * Its place in the status view's sequence (the view's `phases[].status` is the phase's status
 * file, not a state), with the times the state kept: completed phases' records, the current
 * phase's start. Times the state does not have come from the events.
 */
function fromStatus(status: BuildStatusView, index: number, metrics: PhaseMetrics | undefined): PhaseTimes {
  const id = status.phases[index].id;
  const record = status.completedPhases.find((r) => r.id === id);
  if (index < status.phaseIndex) {
    return {
      status: 'completed',
      startedAt: record?.startedAt ?? metrics?.startedAt ?? null,
      endedAt: record?.endedAt ?? metrics?.endedAt ?? null,
    };
  }
  if (index === status.phaseIndex) return { status: 'running', startedAt: status.phaseStartedAt, endedAt: null };
  return { status: 'pending', startedAt: null, endedAt: null };
}

function fromEvents(metrics: PhaseMetrics | undefined): PhaseTimes {
  if (!metrics) return { status: 'pending', startedAt: null, endedAt: null };
  const status = metrics.endedAt !== null ? 'completed' : metrics.startedAt !== null ? 'running' : 'pending';
  return { status, startedAt: metrics.startedAt, endedAt: metrics.endedAt };
}

export function phaseFlows(
  status: BuildStatusView | null,
  metrics: BuildMetrics,
  events: readonly StewardEvent[],
): PhaseFlow[] {
  const times = gateTimes(events);
  const byPhase = new Map<string, GateCard[]>();
  for (const gate of metrics.gates) {
    const key = gate.phase ?? '';
    const cards = byPhase.get(key) ?? [];
    cards.push(gateCard(gate, times));
    byPhase.set(key, cards);
  }
  const phaseMetrics = new Map(metrics.phases.map((p) => [p.phase, p]));
  const ids = status ? status.phases.map((p) => p.id) : [];
  for (const id of [...phaseMetrics.keys(), ...byPhase.keys()]) if (!ids.includes(id)) ids.push(id);
  return ids.map((id, index) => ({
    id,
    ...(status && index < status.phases.length
      ? fromStatus(status, index, phaseMetrics.get(id))
      : fromEvents(phaseMetrics.get(id))),
    gates: byPhase.get(id) ?? [],
  }));
}
