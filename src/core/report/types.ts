import type { EventType } from '../events';
import type { BuildMetrics, Insight } from '../metrics';

/** What an incident is, in a word the report shows. */
export type IncidentKind =
  | 'nudge'
  | 'reboot'
  | 'heal'
  | 'crash loop'
  | 'rate limit'
  | 'budget warning'
  | 'budget exceeded'
  | 'host unreachable'
  | 'blocked'
  | 'action failed'
  | 'config rejected'
  | 'fetch failed';

/** An event an operator should read: a stall, a recovery, a limit, a budget, an escalation, a failure. */
export interface Incident {
  seq: number;
  at: number;
  type: EventType;
  kind: IncidentKind;
  agent: string | null;
  phase: string | null;
  /** The event's message, as recorded: it may come from an agent's commit, so renderers escape it. */
  message: string;
}

export interface ReportInput {
  build: string;
  /** Epoch ms. */
  generatedAt: number;
  metrics: BuildMetrics;
  insights: Insight[];
  incidents: Incident[];
}
