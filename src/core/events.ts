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

/**
 * An event before the workflow gives it its sequence number. `at` is when it happened: a decision
 * stamps its events when it is made, an effect's outcome when the effect finished (`stampEvents`);
 * an event without one is stamped when it is recorded.
 */
export type NewEvent = Omit<StewardEvent, 'seq' | 'at'> & { at?: number };

/** `events`, each stamped with `at` unless it already says when it happened. */
export function stampEvents(events: readonly NewEvent[], at: number): NewEvent[] {
  return events.map((e) => (e.at === undefined ? { ...e, at } : e));
}

/**
 * Text made safe for one line of a terminal: newlines shown as `\n` (and `\r`), other control
 * characters and Unicode line breaks as `\xNN` / `\uNNNN`, so they can neither split a line nor
 * drive the terminal. Tabs are kept.
 */
export function escapeLineBreaks(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  return text.replace(/\r\n|[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => {
    if (c === '\r\n' || c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

/** One event on one line, whatever its message holds (a `config_rejected` lists several problems). */
export function describeEvent(e: StewardEvent): string {
  const who = e.agent ? ` ${e.agent}` : '';
  return `${new Date(e.at).toISOString()} #${e.seq} ${e.type}${who}: ${escapeLineBreaks(e.message)}`;
}
