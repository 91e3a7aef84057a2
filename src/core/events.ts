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
  'agent_moved',
  'service_started',
  'host_unreachable',
  'host_recovered',
  'service_healed',
  'budget_updated',
  'stopped',
  'gate_claimed',
  'gate_reviewed',
  'gate_passed',
  'gate_failed',
  'agent_busy',
  'agent_idle',
  'lessons_injected',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The four usage counts of a token window (the cache write split is only for pricing). */
export interface EventTokens {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/**
 * The structured figures an event carries where they apply (docs/operations.md, Event fields,
 * lists them per type). All optional: events written before they existed read as events without them.
 */
export interface EventData {
  /** The gate: the label of its claim commit, `claim(<gate>)`. */
  gate?: string;
  /** The commit the event is about. */
  sha?: string;
  /** The agent that claimed the gate. */
  builder?: string;
  /** The agent whose review the event is about. */
  reviewer?: string;
  /** A review's verdict, read from its commit subject or review file. */
  verdict?: 'pass' | 'fail' | 'unknown';
  /** How long what the event closes took: a review since its claim, a gate since its first claim, a phase, a token window, a rate-limit wait. */
  durationMs?: number;
  /** Tokens of the window the event closes (`tokens_recorded`). */
  tokens?: EventTokens;
  /** The same per agent. */
  byAgent?: Record<string, { tokens: EventTokens; costUsd: number }>;
  /** Dollars of the priced models only. */
  costUsd?: number;
  /** The review round of a gate: 1 for its first claim, one more for each re-claim after a fail. */
  attempt?: number;
}

export interface StewardEvent extends EventData {
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
