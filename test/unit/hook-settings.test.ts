import { execFileSync } from 'node:child_process';
import {
  DEFAULT_HOOK_TIMEOUT_SECONDS,
  HOOK_EVENTS,
  NOTIFICATION_MATCHERS,
  hookCommand,
  hookSettings,
  shellCommand,
  shellQuote,
} from '../../src/core/hook-settings';

describe('hookSettings', () => {
  const settings = hookSettings('steward');

  it('hooks Stop, StopFailure, Notification and SessionStart, in the Claude Code settings shape', () => {
    expect(Object.keys(settings)).toEqual(['hooks']);
    expect(Object.keys(settings.hooks).sort()).toEqual([...HOOK_EVENTS].sort());
    expect(settings.hooks.Stop).toEqual([
      {
        hooks: [
          { type: 'command', command: 'steward hook || exit 1', timeout: DEFAULT_HOOK_TIMEOUT_SECONDS, async: true },
        ],
      },
    ]);
  });

  it('matches the idle_prompt and permission_prompt notifications, one group each', () => {
    expect(settings.hooks.Notification.map((g) => g.matcher)).toEqual([...NOTIFICATION_MATCHERS]);
    expect(NOTIFICATION_MATCHERS).toEqual(['idle_prompt', 'permission_prompt']);
  });

  it('puts no matcher on Stop, StopFailure, SessionStart or PermissionRequest: every occurrence reports', () => {
    for (const event of ['Stop', 'StopFailure', 'SessionStart', 'PermissionRequest'] as const) {
      expect(settings.hooks[event]).toHaveLength(1);
      expect(settings.hooks[event][0]).not.toHaveProperty('matcher');
    }
  });

  it('every handler is the same background command hook with no arguments for the agent', () => {
    const handlers = Object.values(settings.hooks).flatMap((groups) => groups.flatMap((g) => g.hooks));
    expect(handlers).toHaveLength(6);
    for (const handler of handlers) {
      expect(handler).toEqual({ type: 'command', command: 'steward hook || exit 1', timeout: 30, async: true });
    }
  });

  it('handlers are separate objects (editing one does not change the others)', () => {
    const fresh = hookSettings('steward');
    fresh.hooks.Stop[0].hooks[0].timeout = 99;
    expect(fresh.hooks.SessionStart[0].hooks[0].timeout).toBe(30);
  });

  it('is plain JSON', () => {
    const fresh = hookSettings('steward');
    expect(JSON.parse(JSON.stringify(fresh))).toEqual(fresh);
  });

  it('can run in the foreground with another timeout (Claude Code before 2.1.19)', () => {
    const sync = hookSettings('steward', { async: false, timeoutSeconds: 15 });
    expect(sync.hooks.Stop[0].hooks[0]).toEqual({ type: 'command', command: 'steward hook || exit 1', timeout: 15 });
  });

  it('can set connection variables on the command line', () => {
    const withEnv = hookSettings('/opt/steward/bin/steward', {
      env: { TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'steward prod' },
    });
    expect(withEnv.hooks.Stop[0].hooks[0].command).toBe(
      "TEMPORAL_ADDRESS=temporal:7233 TEMPORAL_NAMESPACE='steward prod' /opt/steward/bin/steward hook || exit 1",
    );
  });

  it('rejects an empty or multi-line command, a bad variable name and a bad timeout', () => {
    expect(() => hookSettings('  ')).toThrow(/empty/);
    expect(() => hookSettings('steward\nrm -rf /')).toThrow(/spans lines/);
    expect(() => hookSettings('steward', { env: { 'A-B': 'x' } })).toThrow(/not an environment variable name/);
    expect(() => hookSettings('steward', { timeoutSeconds: 0 })).toThrow(/timeout/);
    expect(() => hookSettings('steward', { timeoutSeconds: 1.5 })).toThrow(/timeout/);
  });
});

describe('shell quoting', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    expect(shellQuote('/usr/bin/node')).toBe('/usr/bin/node');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
    expect(shellCommand(['/usr/bin/node', '/opt/my steward/bin/steward'])).toBe(
      "/usr/bin/node '/opt/my steward/bin/steward'",
    );
    expect(() => shellCommand([])).toThrow(/empty/);
  });

  it('bash reads the quoted words back unchanged', () => {
    const words = ['plain', 'with space', "quote's", '$HOME', '`date`', 'semi;colon', 'back\\slash', '*'];
    const out = execFileSync('bash', ['-c', `printf '%s\\n' ${words.map(shellQuote).join(' ')}`], { encoding: 'utf8' });
    expect(out.split('\n').slice(0, -1)).toEqual(words);
  });

  it('the generated command turns exit 2 into exit 1 (exit 2 would keep a Stop hook going)', () => {
    const run = (prefix: string): number => {
      try {
        execFileSync('bash', ['-c', hookCommand(prefix)], { stdio: 'ignore' });
        return 0;
      } catch (err) {
        return (err as { status: number }).status;
      }
    };
    // Stand-ins for steward: `sh -c 'exit N' hook` exits N.
    expect(run("sh -c 'exit 2'")).toBe(1);
    expect(run("sh -c 'exit 1'")).toBe(1);
    expect(run('true')).toBe(0);
  });
});
