/**
 * One build in full: its row, metrics, phase flow, agent lanes, cost curve and latest events, from
 * one fold of its events. Pure.
 */
import { buildMetrics, inSeqOrder } from '../metrics';
import { isLive } from './alerts';
import { agentLanes } from './agent-lanes';
import { latestEvents } from './latest-events';
import { overviewRowOf } from './overview';
import { phaseFlows } from './phase-flow';
import type { BuildSnapshot, BuildView } from './types';

export const BUILD_VIEW_EVENTS = 200;

export function buildView(snapshot: BuildSnapshot, now: number): BuildView {
  const events = inSeqOrder(snapshot.events);
  const metrics = buildMetrics(events, { now });
  const row = overviewRowOf(snapshot, metrics, now);
  // From its start to its end, or to now while it runs (a build that ended without an end event: its last event).
  const from = row.startedAt ?? now;
  const end = metrics.build.endedAt ?? (isLive(snapshot) ? now : (row.lastEventAt ?? now));
  const to = Math.max(from, end);
  return {
    now,
    row,
    metrics: metrics.build,
    phases: phaseFlows(snapshot.status, metrics, events),
    from,
    to,
    lanes: agentLanes(events, Object.keys(snapshot.status?.agents ?? {}), from, to),
    cost: metrics.costOverTime,
    events: latestEvents(events, BUILD_VIEW_EVENTS),
  };
}
