import { PassThrough } from 'node:stream';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import type { ConnectionSettings } from '../../src/host/temporal-connection';
import {
  HOOK_EXIT,
  hookTarget,
  readStreamCapped,
  registerHookCommand,
  runHook,
  type RunHookDeps,
} from '../../src/client/commands/hook';
import type { AgentHookEvent } from '../../src/core/hook-event';
import { freePort } from '../helpers/free-port';

const fixture = (name: string): string => readFileSync(join(__dirname, '..', 'fixtures', 'hooks', name), 'utf8');
const ENV = { STEWARD_BUILD: 'demo', STEWARD_AGENT: 'builder', STEWARD_SESSION_ID: 'steward-session' };
const NOW = Date.UTC(2026, 6, 4, 20, 0);

interface Sent {
  workflowId: string;
  signal: string;
  event: AgentHookEvent;
}

/** A stand-in for connect(): records signals; `fail` makes the signal throw that error. */
function fakeTemporal(fail?: Error) {
  const sent: Sent[] = [];
  let closed = 0;
  const connect = async () =>
    ({
      connection: { withDeadline: (_d: number, fn: () => Promise<unknown>) => fn(), close: async () => void closed++ },
      client: {
        workflow: {
          getHandle: (workflowId: string) => ({
            signal: async (def: { name: string }, event: AgentHookEvent) => {
              if (fail) throw fail;
              sent.push({ workflowId, signal: def.name, event });
            },
          }),
        },
      },
    }) as never;
  return { sent, connect, closed: () => closed };
}

function deps(input: string, extra: Partial<RunHookDeps> = {}): RunHookDeps & { errors: string[] } {
  const errors: string[] = [];
  return {
    readInput: async () => ({ ok: true, text: input }),
    settings: (): ConnectionSettings => ({ address: '127.0.0.1:7233', namespace: 'default' }),
    env: ENV,
    now: () => NOW,
    timeZone: 'UTC',
    error: (line) => errors.push(line),
    errors,
    ...extra,
  };
}

describe('hookTarget', () => {
  it('takes build, agent and session id from the environment Steward sets', () => {
    expect(hookTarget({}, ENV)).toEqual({
      ok: true,
      target: { build: 'demo', agent: 'builder', sessionId: 'steward-session' },
    });
  });

  it('flags win over the environment', () => {
    expect(hookTarget({ build: 'other.build', agent: 'critic' }, ENV)).toEqual({
      ok: true,
      target: { build: 'other.build', agent: 'critic', sessionId: 'steward-session' },
    });
  });

  it('names what is missing or unsafe', () => {
    expect(hookTarget({}, {})).toEqual({ ok: false, error: 'no build: set STEWARD_BUILD or pass --build' });
    expect(hookTarget({ build: 'demo' }, {})).toEqual({
      ok: false,
      error: 'no agent: set STEWARD_AGENT or pass --agent',
    });
    expect(hookTarget({ build: '../x', agent: 'a' }, {})).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^build: /),
    });
    expect(hookTarget({ build: 'demo', agent: 'a:b' }, {})).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^agent: /),
    });
  });
});

describe('readStreamCapped', () => {
  it('reads to the end', async () => {
    const stream = new PassThrough();
    const result = readStreamCapped(stream, 1000, 1024);
    stream.write('{"hook_event_name":');
    stream.end('"Stop"}');
    expect(await result).toEqual({ ok: true, text: '{"hook_event_name":"Stop"}' });
  });

  it('gives up when the writer never closes', async () => {
    const stream = new PassThrough();
    stream.write('{');
    expect(await readStreamCapped(stream, 50, 1024)).toEqual({
      ok: false,
      error: 'no complete hook payload on stdin within 0.05 s',
    });
    expect(stream.destroyed).toBe(true);
  });

  it('gives up past the size cap', async () => {
    const stream = new PassThrough();
    const result = readStreamCapped(stream, 1000, 8);
    stream.write('0123456789');
    expect(await result).toEqual({ ok: false, error: 'hook payload is larger than 8 bytes' });
  });
});

describe('runHook', () => {
  let stdout: jest.SpyInstance;
  beforeEach(() => {
    stdout = jest.spyOn(process.stdout, 'write');
  });
  afterEach(() => {
    expect(stdout).not.toHaveBeenCalled(); // a hook prints nothing on stdout
    stdout.mockRestore();
  });

  it('signals the build workflow with the parsed event, prints nothing, exits 0', async () => {
    const temporal = fakeTemporal();
    const d = deps(fixture('notification-permission-prompt.json'), { connect: temporal.connect });
    expect(await runHook({}, d)).toBe(HOOK_EXIT.ok);
    expect(d.errors).toEqual([]);
    expect(temporal.sent).toEqual([
      {
        workflowId: 'build/demo',
        signal: 'hook',
        event: {
          agent: 'builder',
          kind: 'permission_prompt',
          at: NOW,
          sessionId: '3f6c2a9e-8d41-4b7a-9c2e-5a1d7e0b4c93',
          message: 'Claude needs your permission to use Bash',
        },
      },
    ]);
    expect(temporal.closed()).toBe(1);
  });

  it('uses STEWARD_SESSION_ID when the payload has no session id', async () => {
    const temporal = fakeTemporal();
    expect(await runHook({}, deps('{"hook_event_name":"Stop"}', { connect: temporal.connect }))).toBe(0);
    expect(temporal.sent[0].event.sessionId).toBe('steward-session');
  });

  it('a malformed payload exits 2 with one line, before connecting', async () => {
    const temporal = fakeTemporal();
    const d = deps(fixture('malformed.json'), { connect: temporal.connect });
    expect(await runHook({}, d)).toBe(HOOK_EXIT.badInput);
    expect(d.errors).toHaveLength(1);
    expect(d.errors[0]).toMatch(/^steward hook: hook payload is not valid JSON: /);
    expect(temporal.closed()).toBe(0);
  });

  it('no build exits 2 without reading stdin', async () => {
    const readInput = jest.fn();
    const d = deps('', { env: {}, readInput });
    expect(await runHook({}, d)).toBe(HOOK_EXIT.badInput);
    expect(d.errors).toEqual(['steward hook: no build: set STEWARD_BUILD or pass --build']);
    expect(readInput).not.toHaveBeenCalled();
  });

  it('an unreadable stdin exits 2', async () => {
    const d = deps('', {
      readInput: async () => ({ ok: false, error: 'no complete hook payload on stdin within 5 s' }),
    });
    expect(await runHook({}, d)).toBe(HOOK_EXIT.badInput);
    expect(d.errors).toEqual(['steward hook: no complete hook payload on stdin within 5 s']);
  });

  it('a failed connect exits 1 with the first line of the reason', async () => {
    const d = deps(fixture('stop.json'), {
      connect: async () => {
        throw new Error('Failed to connect before the deadline\n    at Connection.connect (stack…)');
      },
    });
    expect(await runHook({}, d)).toBe(HOOK_EXIT.unreachable);
    expect(d.errors).toEqual([
      'steward hook: cannot reach Temporal at 127.0.0.1:7233: Failed to connect before the deadline',
    ]);
  });

  it('a connect that hangs is cut off at the deadline', async () => {
    const d = deps(fixture('stop.json'), { connect: () => new Promise(() => undefined), sendTimeoutMs: 50 });
    expect(await runHook({}, d)).toBe(HOOK_EXIT.unreachable);
    expect(d.errors).toEqual(['steward hook: no answer from Temporal at 127.0.0.1:7233 within 0.05 s']);
  });

  it('a build that is not running exits 1 and says so', async () => {
    const notFound = Object.assign(new Error('workflow not found for ID: build/demo'), {
      name: 'WorkflowNotFoundError',
    });
    const temporal = fakeTemporal(notFound);
    const d = deps(fixture('stop.json'), { connect: temporal.connect });
    expect(await runHook({}, d)).toBe(HOOK_EXIT.unreachable);
    expect(d.errors).toEqual(['steward hook: no running build demo (workflow build/demo)']);
    expect(temporal.closed()).toBe(1);
  });

  it('any other failed signal is one line, mapped as every CLI command maps it', async () => {
    const temporal = fakeTemporal(new Error('permission denied\n    at stack…'));
    const d = deps(fixture('stop.json'), { connect: temporal.connect });
    expect(await runHook({}, d)).toBe(HOOK_EXIT.unreachable);
    expect(d.errors).toEqual(['steward hook: signal to build/demo failed: permission denied']);
    expect(temporal.closed()).toBe(1);
  });

  it('connection settings that cannot be read exit 1', async () => {
    const d = deps(fixture('stop.json'), {
      settings: () => {
        throw new Error("ENOENT: no such file or directory, open '/nope/cert.pem'");
      },
    });
    expect(await runHook({}, d)).toBe(HOOK_EXIT.unreachable);
    expect(d.errors).toEqual([
      "steward hook: connection settings: ENOENT: no such file or directory, open '/nope/cert.pem'",
    ]);
  });

  it('a real connect to a closed port fails within 10 s, in one line', async () => {
    const port = await freePort();
    const d = deps(fixture('stop.json'), {
      connect: undefined,
      settings: () => ({ address: `127.0.0.1:${port}`, namespace: 'default' }),
    });
    const started = Date.now();
    expect(await runHook({}, d)).toBe(HOOK_EXIT.unreachable);
    expect(Date.now() - started).toBeLessThan(10_500);
    expect(d.errors).toHaveLength(1);
    expect(d.errors[0]).toMatch(
      new RegExp(`^steward hook: (cannot reach|no answer from) Temporal at 127\\.0\\.0\\.1:${port}`),
    );
    expect(d.errors[0]).not.toContain('\n');
  }, 15_000);
});

describe('registerHookCommand', () => {
  it('adds `hook` with --build and --agent', () => {
    const program = new Command('steward');
    registerHookCommand(program);
    const hook = program.commands.find((c) => c.name() === 'hook');
    expect(hook).toBeDefined();
    expect(hook?.options.map((o) => o.long)).toEqual(['--build', '--agent', '--print-settings']);
  });
});
