import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentHookEvent } from '../../src/core/hook-event';
import { HOOK_MESSAGE_MAX, parseHookPayload } from '../../src/core/hook-payload';

const FIXTURES = join(__dirname, '..', 'fixtures', 'hooks');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const SESSION = '3f6c2a9e-8d41-4b7a-9c2e-5a1d7e0b4c93';
const NOW = Date.UTC(2026, 6, 4, 20, 0); // 13:00 in Los Angeles (PDT)

function parsed(text: string, agent = 'builder', now = NOW, options = {}): AgentHookEvent {
  const result = parseHookPayload(text, agent, now, options);
  if (!result.ok) throw new Error(`expected a payload, got: ${result.error}`);
  return result.event;
}

function error(text: string, agent = 'builder', now = NOW): string {
  const result = parseHookPayload(text, agent, now);
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.event)}`);
  return result.error;
}

describe('parseHookPayload: recorded payloads', () => {
  const expected: Record<string, AgentHookEvent> = {
    'stop.json': {
      agent: 'builder',
      kind: 'stop',
      at: NOW,
      sessionId: SESSION,
      message: "I've pushed the parser fix (a1b2c3d) and updated the inbox. All 42 unit tests pass.",
    },
    'stop-limit-legacy.json': {
      agent: 'builder',
      kind: 'rate_limit',
      at: NOW,
      sessionId: SESSION,
      message: "You've hit your limit · resets 8pm (America/Los_Angeles)",
      resetAt: Date.UTC(2026, 6, 5, 3, 0), // 20:00 PDT
    },
    'stop-failure-rate-limit.json': {
      agent: 'builder',
      kind: 'rate_limit',
      at: NOW,
      sessionId: SESSION,
      message: 'API Error: Rate limit reached',
    },
    'stop-failure-usage-limit.json': {
      agent: 'builder',
      kind: 'rate_limit',
      at: NOW,
      sessionId: SESSION,
      message: "You've hit your session limit · resets 12:50am (America/Los_Angeles)",
      resetAt: Date.UTC(2026, 6, 5, 7, 50), // 00:50 PDT the next day
    },
    'stop-failure-server-error.json': {
      agent: 'builder',
      kind: 'other',
      at: NOW,
      sessionId: SESSION,
      message: 'StopFailure server_error: API Error: Repeated 529 Overloaded errors',
    },
    'notification-idle-prompt.json': {
      agent: 'builder',
      kind: 'idle_prompt',
      at: NOW,
      sessionId: SESSION,
      message: 'Claude is waiting for your input',
    },
    'notification-permission-prompt.json': {
      agent: 'builder',
      kind: 'permission_prompt',
      at: NOW,
      sessionId: SESSION,
      message: 'Claude needs your permission to use Bash',
    },
    'notification-permission-untyped.json': {
      agent: 'builder',
      kind: 'permission_prompt',
      at: NOW,
      sessionId: SESSION,
      message: 'Claude needs your permission to use Write',
    },
    'notification-auth-success.json': {
      agent: 'builder',
      kind: 'other',
      at: NOW,
      sessionId: SESSION,
      message: 'Notification auth_success: Authentication successful',
    },
    'session-start.json': {
      agent: 'builder',
      kind: 'session_start',
      at: NOW,
      sessionId: SESSION,
      message: 'startup (claude-sonnet-4-6)',
    },
    'pre-tool-use.json': { agent: 'builder', kind: 'other', at: NOW, sessionId: SESSION, message: 'PreToolUse' },
  };

  it.each(Object.entries(expected))('%s', (file, event) => {
    expect(parsed(fixture(file))).toEqual(event);
  });

  it('malformed.json is a one-line JSON error', () => {
    const message = error(fixture('malformed.json'));
    expect(message).toMatch(/^hook payload is not valid JSON: /);
    expect(message).not.toContain('\n');
  });

  it('every fixture in the directory is covered', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual([...Object.keys(expected), 'malformed.json'].sort());
  });

  it('every event is plain JSON (it travels in a Temporal signal)', () => {
    for (const file of Object.keys(expected)) {
      const event = parsed(fixture(file));
      expect(JSON.parse(JSON.stringify(event))).toEqual(event);
    }
  });
});

describe('parseHookPayload: bad input', () => {
  it.each([
    ['', /^hook payload is empty/],
    ['   \n', /^hook payload is empty/],
    ['[1, 2]', /^hook payload is not a JSON object$/],
    ['null', /^hook payload is not a JSON object$/],
    ['"Stop"', /^hook payload is not a JSON object$/],
    ['{}', /^hook payload has no `hook_event_name`$/],
    ['{"hook_event_name": ""}', /^hook payload has no `hook_event_name`$/],
    ['{"hook_event_name": 7}', /^hook payload field `hook_event_name` is not a string$/],
    ['{"hook_event_name": "Stop", "session_id": 12}', /^hook payload field `session_id` is not a string$/],
    ['{"hook_event_name": "Notification", "message": {"text": "x"}}', /^hook payload field `message` is not a string$/],
  ])('%j → error', (text, pattern) => {
    const message = error(text);
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
  });

  it('rejects a missing or unsafe agent name', () => {
    expect(error(fixture('stop.json'), '')).toMatch(/^agent: no agent name/);
    expect(error(fixture('stop.json'), 'a.b')).toMatch(/^agent: `a.b` is not a safe name/);
  });

  it('rejects a non-finite time', () => {
    expect(error(fixture('stop.json'), 'builder', Number.NaN)).toBe('hook time is not a number');
  });
});

describe('parseHookPayload: details', () => {
  it('falls back to the given session id when the payload has none', () => {
    expect(parsed('{"hook_event_name": "Stop"}', 'builder', NOW, { sessionId: 'steward-1' })).toEqual({
      agent: 'builder',
      kind: 'stop',
      at: NOW,
      sessionId: 'steward-1',
    });
    expect(parsed('{"hook_event_name": "Stop"}')).toEqual({ agent: 'builder', kind: 'stop', at: NOW });
  });

  it("prefers the payload's session id (a /clear starts a new session)", () => {
    expect(parsed(fixture('stop.json'), 'builder', NOW, { sessionId: 'other' }).sessionId).toBe(SESSION);
  });

  it('treats null fields as absent', () => {
    expect(parsed('{"hook_event_name": "Stop", "last_assistant_message": null, "session_id": null}')).toEqual({
      agent: 'builder',
      kind: 'stop',
      at: NOW,
    });
  });

  it('reads a bare reset time in the given zone', () => {
    const text = JSON.stringify({
      hook_event_name: 'StopFailure',
      error: 'rate_limit',
      last_assistant_message: "You've hit your limit · resets 3pm",
    });
    // 20:00 UTC is 05:00 on 5 July in Tokyo, so the next 3pm there is 06:00 UTC on 5 July.
    expect(parsed(text, 'builder', NOW, { timeZone: 'Asia/Tokyo' }).resetAt).toBe(Date.UTC(2026, 6, 5, 6, 0));
    expect(parsed(text, 'builder', NOW).resetAt).toBe(Date.UTC(2026, 6, 5, 15, 0)); // UTC: 15:00 has passed today
  });

  it('reads a reset time from error_details too', () => {
    const text = JSON.stringify({
      hook_event_name: 'StopFailure',
      error: 'rate_limit',
      error_details: 'Claude AI usage limit reached|1783285200',
    });
    expect(parsed(text).resetAt).toBe(1783285200 * 1000);
  });

  it('a limit banner under another error type is still a rate limit', () => {
    const text = JSON.stringify({
      hook_event_name: 'StopFailure',
      error: 'unknown',
      last_assistant_message: '5-hour limit reached · resets 2pm (Pacific/Auckland)',
    });
    expect(parsed(text).kind).toBe('rate_limit');
  });

  it('a StopFailure without an error field is reported, not rejected', () => {
    expect(parsed('{"hook_event_name": "StopFailure"}')).toEqual({
      agent: 'builder',
      kind: 'other',
      at: NOW,
      message: 'StopFailure unknown: no details',
    });
  });

  it('a long Stop message that mentions a limit is an ordinary stop', () => {
    const summary = `Done. ${'Refactored the parser and its tests. '.repeat(10)}Note: the 5-hour limit reached earlier did not affect this.`;
    expect(parsed(JSON.stringify({ hook_event_name: 'Stop', last_assistant_message: summary })).kind).toBe('stop');
  });

  it('a PermissionRequest (fired as the dialog is drawn) is a permission prompt naming the tool, never its input', () => {
    const payload = {
      hook_event_name: 'PermissionRequest',
      session_id: SESSION,
      tool_name: 'Bash',
      tool_input: { command: 'curl -H "Authorization: Bearer sk-secret" x', description: 'Touch a file' },
    };
    expect(parsed(JSON.stringify(payload))).toEqual({
      agent: 'builder',
      kind: 'permission_prompt',
      at: NOW,
      sessionId: SESSION,
      message: 'permission dialog for Bash: Touch a file',
    });
  });

  it('reads an untyped idle notification from its text', () => {
    const text = JSON.stringify({ hook_event_name: 'Notification', message: 'Claude is waiting for your input' });
    expect(parsed(text).kind).toBe('idle_prompt');
  });

  it('an untyped notification with other text is other', () => {
    const text = JSON.stringify({ hook_event_name: 'Notification', message: 'Something else' });
    expect(parsed(text)).toMatchObject({ kind: 'other', message: 'Notification untyped: Something else' });
  });

  it('cuts long messages', () => {
    const long = 'x'.repeat(5000);
    const message = parsed(JSON.stringify({ hook_event_name: 'Stop', last_assistant_message: long })).message ?? '';
    expect(message).toHaveLength(HOOK_MESSAGE_MAX);
    expect(message.endsWith('…')).toBe(true);
  });

  it('SessionStart without source or model has no message', () => {
    expect(parsed('{"hook_event_name": "SessionStart"}')).toEqual({ agent: 'builder', kind: 'session_start', at: NOW });
  });
});
