/** The event vocabulary: every effect the supervisor has, and every problem it meets, is one. */
export type EventType =
  | 'build_started'
  | 'agent_started'
  | 'agent_healed'
  | 'agent_rebooted'
  | 'agent_nudged'
  | 'agent_woken'
  | 'agent_rate_limited'
  | 'agent_resumed'
  /** The agent waits at a permission prompt (reported by its hook): an operator must answer. */
  | 'agent_blocked'
  /** A message for an agent at a permission prompt is held until the prompt is answered. */
  | 'message_held'
  | 'crash_loop'
  | 'ping_sent'
  | 'phase_started'
  | 'phase_completed'
  | 'sequence_completed'
  | 'phases_appended'
  | 'config_reloaded'
  | 'config_rejected'
  | 'git_fetch_failed'
  | 'git_fetch_recovered'
  | 'action_failed'
  | 'tokens_recorded'
  | 'budget_warning'
  | 'budget_exceeded'
  | 'paused'
  | 'resumed'
  | 'agent_restarted'
  | 'service_started'
  | 'host_unreachable'
  | 'host_recovered'
  | 'service_healed'
  | 'budget_updated'
  | 'stopped';

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
