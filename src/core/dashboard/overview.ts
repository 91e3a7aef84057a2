/**
 * The overview: one row a build, and every build's alerts. Pure.
 */
import { buildMetrics, type BuildMetrics } from '../metrics';
import { agentSummaries } from './agent-display';
import { buildAlerts, isLive, sortAlerts } from './alerts';
import { budgetGauge } from './budget-gauge';
import type { BuildSnapshot, OverviewRow, OverviewView } from './types';

/** Where the build stands in its phases: the status view's, else the phases its events closed. */
function phasePosition(
  snapshot: BuildSnapshot,
  metrics: BuildMetrics,
): Pick<OverviewRow, 'phase' | 'phaseIndex' | 'phaseCount'> {
  const status = snapshot.status;
  if (status) return { phase: status.phase, phaseIndex: status.phaseIndex, phaseCount: status.phaseCount };
  const open = metrics.phases.findIndex((p) => p.endedAt === null);
  const phaseIndex = open === -1 ? metrics.phases.length : open;
  return { phase: metrics.phases[phaseIndex]?.phase ?? null, phaseIndex, phaseCount: metrics.phases.length };
}

/**
 * The build's own status, unless the workflow is gone while its last state still says it runs
 * (terminated, timed out): then, as without a status answer, Temporal's in lower case.
 */
function rowStatus(snapshot: BuildSnapshot): string {
  const own = snapshot.status?.status;
  return own !== undefined && (isLive(snapshot) || (own !== 'running' && own !== 'paused'))
    ? own
    : snapshot.workflowStatus.toLowerCase();
}

/** The row of a build whose metrics are already folded (the build view folds them once for all its parts). */
export function overviewRowOf(snapshot: BuildSnapshot, metrics: BuildMetrics, now: number): OverviewRow {
  const events = snapshot.events;
  return {
    build: snapshot.name,
    workflowId: snapshot.workflowId,
    status: rowStatus(snapshot),
    ...phasePosition(snapshot, metrics),
    gatesPassed: metrics.build.gatesPassed,
    gatesClaimed: metrics.gates.filter((g) => g.claimedAt !== null).length,
    costUsd: metrics.build.costUsd,
    costPerHourUsd: metrics.build.costPerHourUsd,
    budget: budgetGauge(snapshot, metrics.build),
    agents: agentSummaries(snapshot, now),
    alerts: buildAlerts(snapshot, now),
    startedAt: snapshot.status?.startedAt ?? metrics.build.startedAt,
    lastEventAt: events.length > 0 ? events[events.length - 1].at : null,
    webUiUrl: snapshot.webUiUrl,
  };
}

export function overviewRow(snapshot: BuildSnapshot, now: number): OverviewRow {
  return overviewRowOf(snapshot, buildMetrics(snapshot.events, { now }), now);
}

const active = (row: OverviewRow): boolean => row.status === 'running' || row.status === 'paused';

/** Running and paused first, then the rest; newest start first within each (unknown starts last), then by name. */
export function compareOverviewRows(a: OverviewRow, b: OverviewRow): number {
  return (
    Number(active(b)) - Number(active(a)) ||
    (b.startedAt ?? -Infinity) - (a.startedAt ?? -Infinity) ||
    a.build.localeCompare(b.build)
  );
}

export function overviewView(
  snapshots: readonly BuildSnapshot[],
  now: number,
  rowOf: (snapshot: BuildSnapshot, now: number) => OverviewRow = overviewRow,
): OverviewView {
  const builds = snapshots.map((s) => rowOf(s, now)).sort(compareOverviewRows);
  return { now, alerts: sortAlerts(builds.flatMap((row) => row.alerts)), builds };
}
