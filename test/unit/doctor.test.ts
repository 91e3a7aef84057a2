import {
  AgentFacts,
  BackendFacts,
  ClaudeFacts,
  compareVersions,
  DoctorFacts,
  DoctorLine,
  doctorChecks,
  doctorExitCode,
  doctorSummary,
  QueueFacts,
  renderDoctor,
  renderDoctorLine,
  TemporalReached,
} from '../../src/core/doctor';
import { bypassSource, redactUrl } from '../../src/client/doctor/probe';
import { parsePaneReport } from '../../src/client/doctor/pane-probe';

const BIN = '/opt/steward/bin';
const TESTED = '2.1.332';
const opts = { binDir: BIN, testedClaude: TESTED };

function claude(over: Partial<ClaudeFacts> = {}): ClaudeFacts {
  return {
    version: TESTED,
    stewardHooks: true,
    pane: {
      env: { STEWARD_BIN: BIN, HOME: '/home/ops' },
      uid: 1000,
      resolved: `${BIN}/steward`,
      runs: 0,
      runError: '',
    },
    configDir: '/home/ops/.claude',
    configFile: '/home/ops/.claude.json',
    onboarded: true,
    bypass: null,
    bypassConsentIn: null,
    acceptBypassMode: false,
    trustWorkdir: false,
    uid: 1000,
    isSandbox: null,
    isSandboxFrom: null,
    bubblewrap: false,
    ...over,
  };
}

function backend(over: Partial<ClaudeFacts> = {}, top: Partial<BackendFacts> = {}): BackendFacts {
  return { name: 'claude', command: 'claude', found: '/usr/bin/claude', isClaude: true, claude: claude(over), ...top };
}

function agent(over: Partial<AgentFacts> = {}): AgentFacts {
  return {
    name: 'builder',
    kind: 'loop',
    backend: 'claude',
    host: 'box-1',
    local: true,
    cwd: '/work/builder',
    cwdIsDir: true,
    gitRoot: '/work/builder',
    origin: 'git@example.com:org/work.git',
    trusted: true,
    configFile: '/home/ops/.claude.json',
    ...over,
  };
}

function queue(over: Partial<QueueFacts> = {}): QueueFacts {
  return {
    queue: 'steward@box-1',
    kind: 'activity',
    host: 'box-1',
    pollers: [{ identity: '4242@box-1', ageSeconds: 12 }],
    ...over,
  };
}

function temporal(over: Partial<TemporalReached> = {}): TemporalReached {
  return {
    address: 'temporal.internal:7233',
    namespace: 'default',
    searchAttributes: { missing: [] },
    queues: [queue({ queue: 'steward', kind: 'workflow', host: undefined }), queue()],
    ...over,
  };
}

function facts(over: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    build: 'demo',
    configFile: '/work/agents.toml',
    host: 'box-1',
    tmux: { socket: null, version: 'tmux 3.3a' },
    backends: [backend()],
    agents: [agent()],
    services: [],
    loopRepo: {
      dir: '/work/supervisor',
      isDir: true,
      gitRoot: '/work/supervisor',
      origin: 'git@example.com:org/work.git',
    },
    origins: [
      {
        url: 'git@example.com:org/work.git',
        dir: '/work/supervisor',
        users: ['loop repo', 'agent builder'],
        error: null,
        heads: ['main'],
        watched: true,
      },
    ],
    temporal: temporal(),
    ...over,
  };
}

const of = (lines: DoctorLine[], check: DoctorLine['check']) => lines.filter((l) => l.check === check);
const only = (lines: DoctorLine[], check: DoctorLine['check']) => {
  const found = of(lines, check);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('doctor verdicts', () => {
  it('a host with everything in place: every line ok, exit 0', () => {
    const lines = doctorChecks(facts(), opts);
    expect(lines.filter((l) => l.level !== 'ok')).toEqual([]);
    expect(lines.map((l) => l.check)).toEqual([
      'tmux',
      'agent-cli',
      'claude-config',
      'hook',
      'bypass',
      'cwd',
      'git',
      'trust',
      'loop-repo',
      'origin',
      'temporal',
      'search-attributes',
      'worker',
      'worker',
    ]);
    expect(doctorExitCode(lines)).toBe(0);
    expect(lines.every((l) => l.fix === undefined)).toBe(true);
  });

  describe('tmux', () => {
    it.each([
      ['tmux 3.2', 'ok'],
      ['tmux 3.3a', 'ok'],
      ['tmux next-3.4', 'ok'],
      ['tmux 4.0', 'ok'],
      ['tmux 3.1c', 'fail'],
      ['tmux 2.9', 'fail'],
      ['tmux master', 'warn'],
    ] as const)('%s → %s', (version, level) => {
      expect(only(doctorChecks(facts({ tmux: { socket: null, version } }), opts), 'tmux').level).toBe(level);
    });

    it('not installed: fail, naming the error', () => {
      const l = only(
        doctorChecks(facts({ tmux: { socket: 'agents', version: null, error: 'spawn tmux ENOENT' } }), opts),
        'tmux',
      );
      expect(l).toMatchObject({ level: 'fail', message: 'tmux does not run: spawn tmux ENOENT' });
      expect(l.fix).toContain('tmux 3.2');
    });
  });

  describe('the agent CLI', () => {
    it('not found: fail, and the Claude-specific checks are left out', () => {
      const lines = doctorChecks(facts({ backends: [backend({}, { found: null, claude: undefined })] }), opts);
      expect(only(lines, 'agent-cli')).toMatchObject({
        level: 'fail',
        message: expect.stringContaining('command not found: claude'),
      });
      expect(only(lines, 'agent-cli').fix).toContain(`@anthropic-ai/claude-code@${TESTED}`);
      expect(of(lines, 'hook')).toEqual([]);
      expect(of(lines, 'bypass')).toEqual([]);
    });

    it('a program that does not answer --version: fail', () => {
      expect(only(doctorChecks(facts({ backends: [backend({ version: null })] }), opts), 'agent-cli').level).toBe(
        'fail',
      );
    });

    it('another release: warn, naming the tested one; before 2.1.19 the hooks are named too', () => {
      const newer = only(doctorChecks(facts({ backends: [backend({ version: '2.1.400' })] }), opts), 'agent-cli');
      expect(newer).toMatchObject({
        level: 'warn',
        message: `Claude Code 2.1.400 at /usr/bin/claude: Steward is tested against ${TESTED}`,
      });
      const old = only(doctorChecks(facts({ backends: [backend({ version: '2.0.77' })] }), opts), 'agent-cli');
      expect(old.message).toContain('before 2.1.19 hooks do not run in the background');
    });

    it('a non-Claude backend: found is all there is to check', () => {
      const scripted: BackendFacts = {
        name: 'scripted',
        command: 'steward-scripted-agent',
        found: `${BIN}/steward-scripted-agent`,
        isClaude: false,
      };
      const lines = doctorChecks(
        facts({ backends: [scripted], agents: [agent({ backend: 'scripted', trusted: undefined })] }),
        opts,
      );
      expect(only(lines, 'agent-cli')).toMatchObject({
        level: 'ok',
        message: `steward-scripted-agent found at ${BIN}/steward-scripted-agent`,
      });
      expect(of(lines, 'hook')).toEqual([]);
      expect(of(lines, 'trust')).toEqual([]);
    });
  });

  it('a Claude config without the first-run setup: fail, naming CLAUDE_CONFIG_DIR when it is set', () => {
    const missing = only(doctorChecks(facts({ backends: [backend({ onboarded: null })] }), opts), 'claude-config');
    expect(missing).toMatchObject({
      level: 'fail',
      message: expect.stringContaining('/home/ops/.claude.json is missing or unreadable'),
    });
    expect(missing.fix).not.toContain('CLAUDE_CONFIG_DIR');
    const notDone = only(
      doctorChecks(
        facts({
          backends: [backend({ onboarded: false, configDir: '/srv/claude', configFile: '/srv/claude/.claude.json' })],
        }),
        opts,
      ),
      'claude-config',
    );
    expect(notDone.fix).toContain('CLAUDE_CONFIG_DIR=/srv/claude');
  });

  describe('the hook command in a fresh pane', () => {
    const hookOf = (pane: Partial<ClaudeFacts['pane']>, over: Partial<ClaudeFacts> = {}) =>
      only(
        doctorChecks(facts({ backends: [backend({ pane: { ...claude().pane, ...pane }, ...over })] }), opts),
        'hook',
      );

    it('resolves and runs: ok, with the path', () => {
      expect(hookOf({})).toMatchObject({
        level: 'ok',
        message: `hook command "$STEWARD_BIN/steward" hook resolves in a fresh tmux pane (${BIN}/steward)`,
      });
    });
    it('no pane: fail, with the tmux error', () => {
      expect(hookOf({ error: 'tmux new-session: no server' })).toMatchObject({
        level: 'fail',
        message: expect.stringContaining('no server'),
      });
    });
    it('STEWARD_BIN lost on the way: fail', () => {
      expect(hookOf({ env: {} })).toMatchObject({
        level: 'fail',
        message: expect.stringContaining('STEWARD_BIN=(unset)'),
      });
    });
    it('no executable steward: fail, pointing at npm ci', () => {
      const l = hookOf({ resolved: null, runs: null });
      expect(l.level).toBe('fail');
      expect(l.fix).toContain('npm ci');
    });
    it('steward found but it does not run (no node on PATH): fail, naming node', () => {
      const l = hookOf({ runs: 127, runError: "/usr/bin/env: 'node': No such file or directory" });
      expect(l).toMatchObject({
        level: 'fail',
        message: expect.stringContaining("exits 127 in a fresh tmux pane: /usr/bin/env: 'node'"),
      });
      expect(l.fix).toContain('node');
    });
    it("the backend's own --settings: warn (Steward adds no hooks)", () => {
      expect(hookOf({}, { stewardHooks: false })).toMatchObject({
        level: 'warn',
        fix: expect.stringContaining('steward hook --print-settings'),
      });
    });
  });

  describe('bypass mode', () => {
    const bypassOf = (over: Partial<ClaudeFacts>) =>
      of(doctorChecks(facts({ backends: [backend(over)] }), opts), 'bypass');
    const skip = '--dangerously-skip-permissions';

    it('off: one ok line', () => {
      expect(bypassOf({}).map((l) => l.level)).toEqual(['ok']);
    });
    it('as root without IS_SANDBOX: fail, naming the backend env to set', () => {
      const [root] = bypassOf({ bypass: skip, uid: 0, bypassConsentIn: '/home/ops/.claude/settings.json' });
      expect(root).toMatchObject({ level: 'fail', message: expect.stringContaining('IS_SANDBOX is unset') });
      expect(root!.fix).toContain('IS_SANDBOX = "1" to [backend.claude] env');
    });
    it('as root with IS_SANDBOX=yes: fail, only "1" counts', () => {
      const [root] = bypassOf({
        bypass: skip,
        uid: 0,
        bypassConsentIn: '/home/ops/.claude/settings.json',
        isSandbox: 'yes',
        isSandboxFrom: 'tmux environment',
      });
      expect(root).toMatchObject({
        level: 'fail',
        message: expect.stringContaining('IS_SANDBOX=yes (only "1" counts)'),
      });
    });
    it('as root with IS_SANDBOX=1 or bubblewrap: ok', () => {
      expect(
        bypassOf({
          bypass: skip,
          uid: 0,
          bypassConsentIn: '/home/ops/.claude/settings.json',
          isSandbox: '1',
          isSandboxFrom: 'backend env',
        }).map((l) => l.level),
      ).toEqual(['ok', 'ok']);
      expect(
        bypassOf({ bypass: skip, uid: 0, bypassConsentIn: '/home/ops/.claude/settings.json', bubblewrap: true }).map(
          (l) => l.level,
        ),
      ).toEqual(['ok', 'ok']);
    });
    it('not root: no root line; the warning is ok when consented, warn with accept_bypass_mode, fail otherwise', () => {
      expect(
        bypassOf({ bypass: skip, bypassConsentIn: '/home/ops/.claude/settings.json' }).map((l) => l.level),
      ).toEqual(['ok']);
      const answered = bypassOf({ bypass: skip, acceptBypassMode: true });
      expect(answered.map((l) => l.level)).toEqual(['warn']);
      expect(answered[0]!.fix).toContain(
        '"skipDangerousModePermissionPrompt": true to /home/ops/.claude/settings.json',
      );
      const open = bypassOf({ bypass: skip });
      expect(open.map((l) => l.level)).toEqual(['fail']);
      expect(open[0]!.fix).toContain('accept_bypass_mode = true');
    });
  });

  describe('each agent', () => {
    const agentLines = (over: Partial<AgentFacts>, claudeOver: Partial<ClaudeFacts> = {}) =>
      doctorChecks(facts({ agents: [agent(over)], backends: [backend(claudeOver)] }), opts).filter(
        (l) => l.subject === 'agent builder',
      );

    it('a missing cwd: one fail line, nothing else about that agent', () => {
      const lines = agentLines({ cwdIsDir: false, gitRoot: null, origin: null, trusted: undefined });
      expect(lines).toEqual([
        expect.objectContaining({ check: 'cwd', level: 'fail', message: 'cwd /work/builder is not a directory' }),
      ]);
    });
    it('not a git work tree: fail for a loop agent, warn for a task', () => {
      expect(agentLines({ gitRoot: null, origin: null }).find((l) => l.check === 'git')?.level).toBe('fail');
      expect(agentLines({ kind: 'task', gitRoot: null, origin: null }).find((l) => l.check === 'git')?.level).toBe(
        'warn',
      );
    });
    it('no origin remote: fail, with the command that adds one', () => {
      const git = agentLines({ origin: null }).find((l) => l.check === 'git');
      expect(git).toMatchObject({
        level: 'fail',
        fix: 'git -C /work/builder remote add origin <url of the work repo>',
      });
    });
    it('untrusted: fail, or warn when trust_workdir answers the dialog', () => {
      const untrusted = agentLines({ trusted: false }).find((l) => l.check === 'trust');
      expect(untrusted).toMatchObject({
        level: 'fail',
        message: expect.stringContaining('/work/builder is not trusted in /home/ops/.claude.json'),
      });
      expect(untrusted!.fix).toContain('trust_workdir = true');
      expect(agentLines({ trusted: false }, { trustWorkdir: true }).find((l) => l.check === 'trust')?.level).toBe(
        'warn',
      );
    });
    it('on another host: a skip line naming the host, none of the local checks', () => {
      const lines = doctorChecks(
        facts({ agents: [agent(), agent({ name: 'auditor', host: 'box-2', local: false, cwdIsDir: false })] }),
        opts,
      );
      expect(lines.filter((l) => l.subject === 'agent auditor')).toEqual([]);
      expect(only(lines, 'remote')).toMatchObject({
        level: 'skip',
        subject: 'host box-2',
        message: 'auditor runs there: not checked from box-1',
      });
    });
  });

  it('services: cwd and command', () => {
    const service = {
      name: 'devserver',
      host: 'box-1',
      local: true,
      cwd: '/work/app',
      cwdIsDir: false,
      command: 'npm',
      found: null,
    };
    const lines = of(doctorChecks(facts({ services: [service] }), opts), 'service');
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['fail', 'cwd /work/app is not a directory'],
      ['fail', 'command not found: npm'],
    ]);
  });

  describe('origin', () => {
    const originOf = (over: Partial<DoctorFacts['origins'][number]>) =>
      only(doctorChecks(facts({ origins: [{ ...facts().origins[0]!, ...over }] }), opts), 'origin');

    it('reachable with main: ok', () => {
      expect(originOf({}).message).toBe('reachable (1 branch, main; used by loop repo, agent builder)');
    });
    it('unreachable: fail, with the ls-remote to try', () => {
      const l = originOf({ error: 'fatal: Could not read from remote repository.' });
      expect(l).toMatchObject({
        level: 'fail',
        message: expect.stringContaining('not reachable from /work/supervisor'),
      });
      expect(l.fix).toContain('ls-remote --heads origin');
    });
    it('no main on the watched remote: warn', () => {
      expect(originOf({ heads: [] }).level).toBe('warn');
      expect(originOf({ heads: [], watched: false }).level).toBe('ok');
    });
  });

  describe('Temporal and the workers', () => {
    it('unreachable: one fail line, no worker lines', () => {
      const lines = doctorChecks(
        facts({ temporal: temporal({ error: 'Failed to connect before the deadline', queues: [] }) }),
        opts,
      );
      expect(only(lines, 'temporal')).toMatchObject({ level: 'fail', subject: 'Temporal temporal.internal:7233' });
      expect(of(lines, 'worker')).toEqual([]);
      expect(doctorExitCode(lines)).toBe(1);
    });
    it('search attributes missing: fail with the command that registers them', () => {
      const l = only(
        doctorChecks(
          facts({ temporal: temporal({ searchAttributes: { missing: ['StewardPhase', 'StewardStatus'] } }) }),
          opts,
        ),
        'search-attributes',
      );
      expect(l.level).toBe('fail');
      expect(l.fix).toBe(
        'temporal operator search-attribute create --namespace default --name StewardPhase --name StewardStatus --type Keyword',
      );
    });
    it('no worker, or only one that stopped polling: fail naming the host', () => {
      const none = doctorChecks(facts({ temporal: temporal({ queues: [queue({ pollers: [] })] }) }), opts);
      expect(only(none, 'worker')).toMatchObject({
        level: 'fail',
        subject: 'worker steward@box-1',
        message: "no worker polls it for host box-1's agents",
      });
      expect(only(none, 'worker').fix).toContain('STEWARD_HOST_ID=box-1');
      const stale = doctorChecks(
        facts({ temporal: temporal({ queues: [queue({ pollers: [{ identity: 'old@box-1', ageSeconds: 200 }] })] }) }),
        opts,
      );
      expect(only(stale, 'worker').message).toContain('the last poll was 200 s ago');
    });
    it('a live poller: ok, naming it', () => {
      expect(of(doctorChecks(facts(), opts), 'worker').map((l) => l.message)).toEqual([
        'polled by 4242@box-1 (for the build workflows (any host))',
        "polled by 4242@box-1 (for host box-1's agents)",
      ]);
    });
    it('--for-up: skipped lines, no failure', () => {
      const lines = doctorChecks(
        facts({
          temporal: {
            skipped: '`steward up` starts its own dev server (TEMPORAL_ADDRESS is unset)',
            address: '127.0.0.1:7233',
          },
        }),
        opts,
      );
      expect(only(lines, 'temporal').level).toBe('skip');
      expect(doctorExitCode(lines)).toBe(0);
    });
  });
});

describe('doctor output', () => {
  it('one line per check, a fix on every line that is not ok, then the counts', () => {
    const f = facts({ agents: [agent({ trusted: false })], temporal: temporal({ queues: [queue({ pollers: [] })] }) });
    const lines = doctorChecks(f, opts);
    expect(doctorSummary(lines)).toEqual({ ok: 11, warn: 0, fail: 2, skip: 0 });
    const text = renderDoctor(f, lines);
    expect(text[0]).toBe('steward doctor: build demo (/work/agents.toml) on host box-1');
    expect(text).toContain('ok   tmux: tmux 3.3a (3.2 or later needed)');
    expect(text.filter((l) => l.startsWith('FAIL '))).toEqual([
      expect.stringMatching(
        /^FAIL agent builder: \/work\/builder is not trusted in .* — fix: start `claude` in \/work\/builder once/,
      ),
      expect.stringMatching(
        /^FAIL worker steward@box-1: no worker polls it for host box-1's agents — fix: start `steward worker` with STEWARD_HOST_ID=box-1/,
      ),
    ]);
    expect(text.at(-1)).toBe('11 ok, 0 warnings, 2 failed: not ready: fix the FAIL lines above');
  });

  it('labels: ok, warn, FAIL, skip', () => {
    const base = { check: 'tmux' as const, subject: 's', message: 'm' };
    expect(renderDoctorLine({ ...base, level: 'ok' })).toBe('ok   s: m');
    expect(renderDoctorLine({ ...base, level: 'warn', fix: 'f' })).toBe('warn s: m — fix: f');
    expect(renderDoctorLine({ ...base, level: 'fail', fix: 'f' })).toBe('FAIL s: m — fix: f');
    expect(renderDoctorLine({ ...base, level: 'skip' })).toBe('skip s: m');
  });

  it('without a config: the host alone', () => {
    const f = facts({ build: null, configFile: null, agents: [], loopRepo: undefined, origins: [] });
    const text = renderDoctor(f, doctorChecks(f, opts));
    expect(text[0]).toBe('steward doctor: no config, the host alone on host box-1');
    expect(text.at(-1)).toBe('9 ok, 0 warnings, 0 failed: ready for a build');
  });
});

describe('doctor helpers', () => {
  it('compareVersions', () => {
    expect(compareVersions('2.1.19', '2.1.332')).toBeLessThan(0);
    expect(compareVersions('2.1.332', '2.1.332')).toBe(0);
    expect(compareVersions('2.2.0', '2.1.332')).toBeGreaterThan(0);
  });

  it('bypassSource: each way of switching bypass mode on', () => {
    expect(bypassSource(['--dangerously-skip-permissions'], null)).toBe('--dangerously-skip-permissions');
    expect(bypassSource(['--allow-dangerously-skip-permissions'], null)).toBe('--allow-dangerously-skip-permissions');
    expect(bypassSource(['--permission-mode', 'bypassPermissions'], null)).toBe('--permission-mode bypassPermissions');
    expect(bypassSource(['--permission-mode=bypassPermissions'], null)).toBe('--permission-mode bypassPermissions');
    expect(bypassSource(['--permission-mode', 'plan'], null)).toBeNull();
    expect(bypassSource([], { permissions: { defaultMode: 'bypassPermissions' } })).toContain('settings.json');
    expect(bypassSource([], { permissions: { defaultMode: 'acceptEdits' } })).toBeNull();
  });

  it('redactUrl hides a password in a remote URL', () => {
    expect(redactUrl('https://ci:ghp_secret@github.com/org/work.git')).toBe('https://ci:***@github.com/org/work.git');
    expect(redactUrl('https://github.com/org/work.git')).toBe('https://github.com/org/work.git');
    expect(redactUrl('git@github.com:org/work.git')).toBe('git@github.com:org/work.git');
  });

  it('parsePaneReport reads what the pane wrote', () => {
    const report = `uid 0\nenv STEWARD_BIN=${BIN}\nenv IS_SANDBOX=1\nenv HOME=/root\nresolved ${BIN}/steward\nruns 0\n`;
    expect(parsePaneReport(report, '')).toEqual({
      env: { STEWARD_BIN: BIN, IS_SANDBOX: '1', HOME: '/root' },
      uid: 0,
      resolved: `${BIN}/steward`,
      runs: 0,
      runError: '',
    });
    expect(
      parsePaneReport('uid 1000\nenv STEWARD_BIN=\n', "\n/usr/bin/env: 'node': No such file or directory\n"),
    ).toEqual({
      env: { STEWARD_BIN: '' },
      uid: 1000,
      resolved: null,
      runs: null,
      runError: "/usr/bin/env: 'node': No such file or directory",
    });
  });
});
