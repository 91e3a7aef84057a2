import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchRule, parseStandinScript } from '../../src/agent/model-standin/script';
import {
  formatReset,
  isMainConversation,
  lastTurn,
  MessagesRequest,
  replyBlocks,
  sseEvents,
  sseFrame,
  workingDirectory,
} from '../../src/agent/model-standin/protocol';
import { startModelStandin } from '../../src/agent/model-standin';

const SCRIPT = `
[[on]]
match = "claim (?<gate>[a-z0-9-]+)"
once = "{gate}"
reply = [ { text = "Claiming {gate}." }, { bash = "git commit --allow-empty -m 'claim({gate})'" } ]
usage = { input = 1200, output = 80, cache_read = 300, cache_creation = 40 }

[[on]]
tool_result = "claim\\\\((?<gate>[a-z0-9-]+)\\\\)"
reply = [ { text = "Claimed {gate}." } ]
`;

const user = (content: unknown) => ({ role: 'user', content });
const mainRequest = (messages: MessagesRequest['messages'], extra: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: 'claude-opus-5-5',
  stream: true,
  max_tokens: 32000,
  tools: [{ name: 'Bash' }],
  messages,
  ...extra,
});

describe('stand-in script', () => {
  it('parses rules with their defaults', () => {
    const s = parseStandinScript(SCRIPT);
    expect(s.usage).toEqual({ input: 100, output: 20, cache_read: 0, cache_creation: 0 });
    expect(s.on[0].usage).toEqual({ input: 1200, output: 80, cache_read: 300, cache_creation: 40 });
    expect(s.on[1]).toMatchObject({ tool_result: 'claim\\((?<gate>[a-z0-9-]+)\\)', reset_in_s: 3600 });
  });

  it('rejects a rule with both or neither regex, a bad regex, an unknown failure', () => {
    expect(() => parseStandinScript('[[on]]\nmatch = "a"\ntool_result = "b"')).toThrow(
      /exactly one of `match` or `tool_result`/,
    );
    expect(() => parseStandinScript('[[on]]\nreply = []')).toThrow(/exactly one/);
    expect(() => parseStandinScript('[[on]]\nmatch = "("')).toThrow(/Invalid regular expression/);
    expect(() => parseStandinScript('[[on]]\nmatch = "a"\nfail = "500"')).toThrow();
    expect(() => parseStandinScript('[[on]]\nmatch = "a"\nreply = [ { edit = "x" } ]')).toThrow();
  });

  it('matches typed text or tool results, with named groups and once-gates', () => {
    const s = parseStandinScript(SCRIPT);
    const fired = new Set<string>();
    expect(matchRule(s, { kind: 'text', text: 'please claim p1-gate' }, fired)).toMatchObject({
      index: 0,
      vars: { gate: 'p1-gate' },
    });
    expect(matchRule(s, { kind: 'text', text: 'please claim p1-gate' }, fired)).toBeNull();
    expect(matchRule(s, { kind: 'text', text: 'claim p2-gate' }, fired)).toMatchObject({
      index: 0,
      vars: { gate: 'p2-gate' },
    });
    // A tool_result rule never answers typed text, and the other way round.
    expect(matchRule(s, { kind: 'text', text: 'claim(p3-gate)' }, fired)).toBeNull();
    expect(matchRule(s, { kind: 'tool_result', text: '[main 1a2b3c4] claim(p1-gate)' }, fired)).toMatchObject({
      index: 1,
      vars: { gate: 'p1-gate' },
    });
  });

  it('a rule with `cwd` answers only the agent working there: one stand-in plays several roles', () => {
    const s = parseStandinScript(
      '[[on]]\nmatch = "go"\ncwd = "/builder$"\nreply = [ { text = "b" } ]\n[[on]]\nmatch = "go"\nreply = [ { text = "other" } ]',
    );
    expect(matchRule(s, { kind: 'text', text: 'go' }, new Set(), '/tmp/w/builder')?.index).toBe(0);
    expect(matchRule(s, { kind: 'text', text: 'go' }, new Set(), '/tmp/w/adversary')?.index).toBe(1);
    expect(matchRule(s, { kind: 'text', text: 'go' }, new Set(), null)?.index).toBe(1);
  });
});

describe('reading a Claude Code request', () => {
  it('takes the last typed block of the last user message, without system reminders', () => {
    const body = mainRequest([
      user([
        { type: 'text', text: '<system-reminder>\ngitStatus: claim p9-gate\n</system-reminder>' },
        { type: 'text', text: 'first prompt' },
        { type: 'text', text: 'claim p1-gate' },
      ]),
      // 2.1.x puts its environment section in a system message after the prompt.
      {
        role: 'system',
        content: [
          {
            type: 'text',
            text: '# Environment\n - Primary working directory: /work/repo\n - Is a git repository: true',
          },
        ],
      },
    ]);
    expect(lastTurn(body)).toEqual({ kind: 'text', text: 'claim p1-gate' });
    expect(workingDirectory(body)).toBe('/work/repo');
    expect(
      workingDirectory(
        mainRequest([user('hi')], {
          system: 'Here is useful information:\nWorking directory: /srv/x\nIs directory a git repo: Yes',
        }),
      ),
    ).toBe('/srv/x');
  });

  it('reads tool results, whether their content is a string or blocks', () => {
    const body = mainRequest([
      user('go'),
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: {} }] },
      user([
        { type: 'tool_result', tool_use_id: 't1', content: '[main abc] claim(p1-gate)' },
        { type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: 'second' }] },
      ]),
    ]);
    expect(lastTurn(body)).toEqual({ kind: 'tool_result', text: '[main abc] claim(p1-gate)\nsecond' });
  });

  it('a prompt typed after an interrupted tool call (a dialog answered "No") is the turn, not the rejected result', () => {
    const rejected = {
      type: 'tool_result',
      tool_use_id: 't1',
      content: "The user doesn't want to proceed with this tool use.",
      is_error: true,
    };
    const interrupted = mainRequest([
      user([rejected, { type: 'text', text: '[Request interrupted by user for tool use]' }]),
    ]);
    expect(lastTurn(interrupted)?.kind).toBe('tool_result');
    const typedAfter = mainRequest([
      user([
        rejected,
        { type: 'text', text: '[Request interrupted by user for tool use]' },
        { type: 'text', text: 'watchdog ping: review it' },
      ]),
    ]);
    expect(lastTurn(typedAfter)).toEqual({ kind: 'text', text: 'watchdog ping: review it' });
  });

  it('tells the main conversation from side calls', () => {
    expect(isMainConversation(mainRequest([user('claim p1-gate')]))).toBe(true);
    // 2.0.x repeats a failed streamed turn without streaming: still the main conversation.
    expect(isMainConversation(mainRequest([user('claim p1-gate')], { stream: false }))).toBe(true);
    expect(isMainConversation(mainRequest([user('name this session')], { tools: [] }))).toBe(false);
    expect(isMainConversation(mainRequest([user('count')], { max_tokens: 1, stream: false }))).toBe(false);
    expect(
      isMainConversation(mainRequest([user([{ type: 'text', text: 'Warmup', cache_control: { type: 'ephemeral' } }])])),
    ).toBe(false);
  });
});

describe('answers', () => {
  it('turns bash and write into Claude Code tool calls', () => {
    let n = 0;
    const blocks = replyBlocks(
      [{ bash: 'git commit -m "claim({gate})"' }, { write: 'notes/{gate}.md', content: 'done {gate}\n' }],
      { gate: 'p1' },
      '/work/repo',
      () => `toolu_${++n}`,
    );
    expect(blocks).toEqual([
      {
        type: 'tool_use',
        id: 'toolu_1',
        name: 'Bash',
        input: { command: 'git commit -m "claim(p1)"', description: 'git commit -m "claim(p1)"' },
      },
      // Claude Code's Write tool takes an absolute path only.
      {
        type: 'tool_use',
        id: 'toolu_2',
        name: 'Write',
        input: { file_path: '/work/repo/notes/p1.md', content: 'done p1\n' },
      },
    ]);
  });

  it('streams events in the API order with the usage split between start and delta', () => {
    const usage = { input: 1200, output: 80, cache_read: 300, cache_creation: 40 };
    const events = sseEvents(
      'msg_standin_1',
      'claude-opus-5-5',
      [
        { type: 'text', text: 'Claiming.' },
        { type: 'tool_use', id: 'toolu_standin_1', name: 'Bash', input: { command: 'true', description: 'noop' } },
      ],
      usage,
    );
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0].data).toMatchObject({
      type: 'message_start',
      message: {
        id: 'msg_standin_1',
        role: 'assistant',
        content: [],
        stop_reason: null,
        usage: { input_tokens: 1200, cache_read_input_tokens: 300, cache_creation_input_tokens: 40, output_tokens: 1 },
      },
    });
    expect(events[5].data).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'toolu_standin_1', name: 'Bash', input: {} },
    });
    const partial = (events[6].data.delta as { partial_json: string }).partial_json;
    expect(JSON.parse(partial)).toEqual({ command: 'true', description: 'noop' });
    expect(events[8].data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: 80 },
    });
    expect(sseFrame(events[9])).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  });

  it('formats a reset as Claude Code prints it', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    expect(formatReset(Date.parse('2026-03-01T15:00:00Z') / 1000, now, 'UTC')).toBe('3pm (UTC)');
    expect(formatReset(Date.parse('2026-03-01T15:30:00Z') / 1000, now, 'UTC')).toBe('3:30pm (UTC)');
    expect(formatReset(Date.parse('2026-03-05T09:00:00Z') / 1000, now, 'UTC')).toBe('Mar 5, 9am (UTC)');
  });
});

/** The server over loopback HTTP: framing, modes and the log, without Claude Code. */
describe('stand-in server', () => {
  const post = (url: string, body: object) =>
    fetch(`${url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers rules, side calls, token counts and unknown paths, and logs each', async () => {
    const logFile = join(await mkdtemp(join(tmpdir(), 'standin-')), 'log.jsonl');
    const standin = await startModelStandin({ script: SCRIPT, logFile });
    try {
      const streamed = await post(standin.url, mainRequest([user('claim p1-gate')]));
      expect(streamed.headers.get('content-type')).toBe('text/event-stream');
      const text = await streamed.text();
      expect(text.startsWith('event: message_start\ndata: {"type":"message_start"')).toBe(true);
      expect(text).toContain('"partial_json":"{\\"command\\":\\"git commit --allow-empty -m \'claim(p1-gate)\'\\"');

      const plain = await post(standin.url, { model: 'claude-haiku-5-5', max_tokens: 100, messages: [user('title?')] });
      expect(await plain.json()).toMatchObject({
        id: 'msg_standin_2',
        content: [{ type: 'text', text: 'OK.' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 10, output_tokens: 2 },
      });

      const count = await fetch(`${standin.url}/v1/messages/count_tokens?beta=true`, {
        method: 'POST',
        body: '{"messages":[]}',
      });
      expect(await count.json()).toEqual({ input_tokens: 4 });
      const missing = await fetch(`${standin.url}/api/hello`, { method: 'HEAD' });
      expect(missing.status).toBe(404);

      expect(standin.requests().map((r) => [r.path, r.main, r.rule, r.status, r.id])).toEqual([
        ['/v1/messages', true, 0, 200, 'msg_standin_1'],
        ['/v1/messages', false, null, 200, 'msg_standin_2'],
        ['/v1/messages/count_tokens', false, null, 200, null],
        ['/api/hello', false, null, 404, null],
      ]);
      expect(standin.requests()[0]).toMatchObject({
        model: 'claude-opus-5-5',
        usage: { input: 1200, output: 80, cache_read: 300, cache_creation: 40 },
      });
      const lines = (await readFile(logFile, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
      expect(lines).toEqual(standin.requests());
    } finally {
      await standin.close();
    }
  });

  it('fails as set at runtime, without using up a rule', async () => {
    const standin = await startModelStandin({ script: SCRIPT });
    try {
      const ask = () => post(standin.url, mainRequest([user('claim p1-gate')], { stream: false }));
      standin.setMode({ fail: '429' });
      const limited = await ask();
      expect([limited.status, await limited.json()]).toEqual([
        429,
        { type: 'error', error: { type: 'rate_limit_error', message: expect.any(String) } },
      ]);

      standin.setMode({ fail: '429-subscription', reset_in_s: 7200 });
      const before = Math.floor(Date.now() / 1000);
      const sub = await ask();
      const reset = Number(sub.headers.get('anthropic-ratelimit-unified-reset'));
      expect(reset - before).toBeGreaterThanOrEqual(7200);
      expect(reset - before).toBeLessThanOrEqual(7201);
      expect(sub.headers.get('anthropic-ratelimit-unified-status')).toBe('rejected');
      expect(((await sub.json()) as { error: { message: string } }).error.message).toBe(
        `You've hit your 5-hour limit · resets ${formatReset(reset)}`,
      );

      standin.setMode({ fail: '529' });
      const overloaded = await ask();
      expect([overloaded.status, await overloaded.json()]).toEqual([
        529,
        { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      ]);

      standin.setMode({ fail: 'broken' });
      const broken = await post(standin.url, mainRequest([user('claim p1-gate')]));
      await expect(broken.text()).rejects.toThrow();

      standin.setMode({ delay_ms: 300 });
      const started = Date.now();
      const slow = await ask();
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      // The once-gated rule still answers: the failures above did not use it up.
      expect(await slow.json()).toMatchObject({ stop_reason: 'tool_use' });

      standin.setMode(null);
      expect(standin.requests().map((r) => [r.status, r.fail, r.rule])).toEqual([
        [429, '429', null],
        [429, '429-subscription', null],
        [529, '529', null],
        [200, 'broken', null],
        [200, null, 0],
      ]);
    } finally {
      await standin.close();
    }
  });
});
