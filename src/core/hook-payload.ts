/**
 * Claude Code hook payloads → {@link AgentHookEvent}s for the build workflow.
 *
 * Pure: no I/O, no clock, no Node built-ins. `steward hook` reads the payload from stdin and passes
 * the time it ran as `now`.
 *
 * What Claude Code sends (Hooks reference, https://code.claude.com/docs/en/hooks):
 * - Every command hook gets one JSON object on stdin with the common fields `session_id`,
 *   `transcript_path`, `cwd`, `hook_event_name` and, for most events, `permission_mode`
 *   ("Common input fields").
 * - `Stop` ("when Claude finishes responding"; not after a user interrupt; "API errors fire
 *   StopFailure instead") adds `stop_hook_active` and `last_assistant_message`.
 * - `StopFailure` ("when the turn ends due to an API error. Output and exit code are ignored") adds
 *   `error` — one of `rate_limit`, `authentication_failed`, `billing_error`, `invalid_request`,
 *   `server_error`, `max_output_tokens`, `unknown` — and optional `error_details` (e.g. "429 Too Many
 *   Requests") and `last_assistant_message` (here the rendered error text, e.g. "API Error: Rate
 *   limit reached"). Subscription usage limits arrive here too as `error: "rate_limit"`
 *   (cheapestinference/claude-auto-retry#50); before StopFailure existed (Claude Code ≤ 2.1.50) they
 *   arrived as a `Stop` whose `last_assistant_message` was the limit banner, e.g. "You've hit your
 *   limit · resets 8pm (America/Los_Angeles)" (Piebald-AI/tweakcc#799), so both are read.
 * - `Notification` adds `message`, optional `title` and `notification_type`: `permission_prompt`,
 *   `idle_prompt`, `auth_success`, `elicitation_dialog`. Some versions left `notification_type` out
 *   (anthropics/claude-code#11964, payload `"message": "Claude needs your permission to use Write"`),
 *   so the message text is the fallback: "Claude needs your permission to use …" and "Claude is
 *   waiting for your input".
 * - `SessionStart` adds `source` (`startup`, `resume`, `clear`, `compact`) and `model`.
 * - `PermissionRequest` adds `tool_name` and `tool_input`; it fires as the dialog is drawn.
 * Any other event (or an unknown notification type) is reported as `other`, named in `message`.
 */
import type { AgentHookEvent, AgentHookKind } from './hook-event';
import { sessionSafeNameError } from './config/names';
import { findLastLimitMessage, resolveTimeZone } from './pane';

export type HookParseResult = { ok: true; event: AgentHookEvent } | { ok: false; error: string };

export interface HookParseOptions {
  /**
   * IANA zone in which a limit message's bare clock time ("resets 3pm") is read: the agent host's
   * own zone, since that is the clock Claude Code printed it for. Default UTC.
   */
  timeZone?: string;
  /** Used when the payload carries no `session_id` (Steward's own id for the agent's session). */
  sessionId?: string;
}

/** Messages are cut to this many characters: they travel in a signal and stay in workflow history. */
export const HOOK_MESSAGE_MAX = 500;

/**
 * A `Stop` whose final message is this short and reads as a usage-limit banner is the older
 * (pre-StopFailure) way a limit ended a turn; a longer message that merely mentions a limit is
 * ordinary output.
 */
const LIMIT_BANNER_MAX = 300;

const PERMISSION_TEXT = /\bneeds? your permission\b/i;
const IDLE_TEXT = /\bwaiting for your (?:input|response)\b/i;

/**
 * Reads one hook payload. `agent` is the Steward agent the hook ran for (from STEWARD_AGENT);
 * `now` is when the hook ran, epoch ms. Errors are one line, naming what was wrong.
 */
export function parseHookPayload(
  text: string,
  agent: string,
  now: number,
  options: HookParseOptions = {},
): HookParseResult {
  const nameError = agent === '' ? 'no agent name (set STEWARD_AGENT or pass --agent)' : sessionSafeNameError(agent);
  if (nameError) return fail(`agent: ${nameError}`);
  if (!Number.isFinite(now)) return fail('hook time is not a number');
  if (text.trim() === '') return fail('hook payload is empty: Claude Code sends a JSON object on stdin');

  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (err) {
    return fail(`hook payload is not valid JSON: ${oneLine((err as Error).message)}`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return fail('hook payload is not a JSON object');
  }
  const fields = payload as Record<string, unknown>;

  const stringFields = [
    'hook_event_name',
    'session_id',
    'message',
    'notification_type',
    'last_assistant_message',
    'error',
    'error_details',
    'source',
    'model',
    'tool_name',
  ];
  for (const key of stringFields) {
    if (key in fields && fields[key] !== null && typeof fields[key] !== 'string') {
      return fail(`hook payload field \`${key}\` is not a string`);
    }
  }
  const str = (key: string): string | undefined => {
    const value = fields[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };

  const eventName = str('hook_event_name');
  if (eventName === undefined) return fail('hook payload has no `hook_event_name`');

  const sessionId = str('session_id') ?? (options.sessionId || undefined);
  const zone = resolveTimeZone(options.timeZone);
  const event = (kind: AgentHookKind, message?: string, resetAt?: number | null): HookParseResult => ({
    ok: true,
    event: {
      agent,
      kind,
      at: now,
      ...(message !== undefined && message.trim() !== '' ? { message: clip(message) } : {}),
      ...(sessionId !== undefined ? { sessionId } : {}),
      ...(resetAt !== undefined && resetAt !== null ? { resetAt } : {}),
    },
  });

  switch (eventName) {
    case 'Stop': {
      const last = str('last_assistant_message');
      if (last !== undefined && last.length <= LIMIT_BANNER_MAX) {
        const limit = findLastLimitMessage(last, now, zone, 'message');
        if (limit) return event('rate_limit', last, limit.resetAt);
      }
      return event('stop', last);
    }
    case 'StopFailure': {
      const error = str('error') ?? 'unknown';
      const details = str('error_details');
      const last = str('last_assistant_message');
      // The reset time may sit in either text; the message shown is the rendered error itself.
      const limit = findLastLimitMessage([last, details].filter(Boolean).join('\n'), now, zone, 'message');
      if (error === 'rate_limit' || limit) {
        return event('rate_limit', last ?? limit?.text ?? details ?? 'rate_limit', limit?.resetAt);
      }
      return event('other', `StopFailure ${error}: ${last ?? details ?? 'no details'}`);
    }
    case 'Notification': {
      const type = str('notification_type');
      const message = str('message');
      if (type === 'idle_prompt' || type === 'permission_prompt') return event(type, message);
      if (type === undefined && message !== undefined) {
        if (PERMISSION_TEXT.test(message)) return event('permission_prompt', message);
        if (IDLE_TEXT.test(message)) return event('idle_prompt', message);
      }
      return event('other', `Notification ${type ?? 'untyped'}: ${message ?? 'no message'}`);
    }
    case 'PermissionRequest': {
      // The tool's input (a Bash command, a file's content) may hold secrets and would stay in the
      // build's history and event log: only the tool and the agent's own one-line description go.
      const tool = str('tool_name') ?? 'a tool';
      const input = fields.tool_input as Record<string, unknown> | undefined;
      const description =
        input && typeof input.description === 'string' ? oneLine(input.description).slice(0, 120) : '';
      return event('permission_prompt', `permission dialog for ${tool}${description ? `: ${description}` : ''}`);
    }
    case 'SessionStart': {
      const source = str('source');
      const model = str('model');
      return event('session_start', [source, model && `(${model})`].filter(Boolean).join(' '));
    }
    default:
      return event('other', eventName);
  }
}

function fail(error: string): HookParseResult {
  return { ok: false, error };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string): string {
  const flat = text.trim();
  return flat.length <= HOOK_MESSAGE_MAX ? flat : `${flat.slice(0, HOOK_MESSAGE_MAX - 1)}…`;
}
