import type { StewardEvent } from '../events';
import { buildInsights, buildMetrics } from '../metrics';
import { reportIncidents } from './incidents';
import type { ReportInput } from './types';

/** What a report shows of a build's events, as of `now`: its metrics, what stands out, its incidents. */
export function reportInput(build: string, events: readonly StewardEvent[], now: number): ReportInput {
  const metrics = buildMetrics(events, { now });
  return { build, generatedAt: now, metrics, insights: buildInsights(metrics), incidents: reportIncidents(events) };
}
