/**
 * The event vocabulary: every effect the supervisor has, and every problem it meets, is one.
 * docs/operations.md (Event types) says what each means; a unit test keeps the two in step.
 */
export const EVENT_TYPES = [
  'build_started',
  'agent_started',
  'agent_healed',
  'agent_rebooted',
  'agent_nudged',
  'agent_woken',
  'agent_rate_limited',
  'agent_resumed',
  'agent_blocked',
  'message_held',
  'crash_loop',
  'ping_sent',
  'phase_started',
  'phase_completed',
  'sequence_completed',
  'phases_appended',
  'config_reloaded',
  'config_rejected',
  'git_fetch_failed',
  'git_fetch_recovered',
  'action_failed',
  'tokens_recorded',
  'budget_warning',
  'budget_exceeded',
  'paused',
  'resumed',
  'agent_restarted',
  'service_started',
  'host_unreachable',
  'host_recovered',
  'service_healed',
  'budget_updated',
  'stopped',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface StewardEvent {
  seq: number;
  /** Epoch ms (workflow time). */
  at: number;
  type: EventType;
  agent?: string;
  phase?: string;
  message: string;
}

/** An event before the workflow stamps it with a sequence number and time. */
export type NewEvent = Omit<StewardEvent, 'seq' | 'at'>;

export function describeEvent(e: StewardEvent): string {
  const who = e.agent ? ` ${e.agent}` : '';
  return `${new Date(e.at).toISOString()} #${e.seq} ${e.type}${who}: ${e.message}`;
}
