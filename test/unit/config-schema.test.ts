import { classifyPane } from '../../src/core/pane';
import { panePatternsOf } from '../../src/core/supervision/backend-patterns';
import { LIMIT_PROBE_INTERVAL_MS, LIMIT_RESET_SLACK_MS } from '../../src/core/supervision/rate-limit';
import { formatDuration, parseDuration } from '../../src/core/config/durations';
import { renderConfigToml } from '../../src/core/config/render';
import type { ConfigResult } from '../../src/core/config/schema';
import { kickoffFilesToRead, parseConfigText, validateConfig } from '../../src/core/config/schema';
import type { StewardConfig } from '../../src/core/config/types';

const CTX = { source: '/cfg/demo.toml', baseDir: '/cfg', homeDir: '/home/op' };

function load(text: string, kickoffFiles: Record<string, string> = {}): ConfigResult {
  return parseConfigText(text, { ...CTX, kickoffFiles });
}

function valid(text: string, kickoffFiles?: Record<string, string>): StewardConfig {
  const result = load(text, kickoffFiles);
  if (!result.ok)
    throw new Error(`expected a valid config, got:\n${result.issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
  return result.config;
}

/** The issues of an invalid config, as "path: message". */
function problems(text: string, kickoffFiles?: Record<string, string>): string[] {
  const result = load(text, kickoffFiles);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

function pathsOf(text: string): string[] {
  return problems(text).map((problem) => problem.slice(0, problem.indexOf(': ')));
}

const PAIR = `
[[agent]]
name = "builder"

[[agent]]
name = "adversary"
`;

const LOOP = `${PAIR}
[loop]
repo = "work"
phases = [{ id = "p1" }, { id = "p2" }]
`;

describe('durations', () => {
  it.each([
    [90, 90_000],
    [0.2, 200],
    [0, 0],
    ['250ms', 250],
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    ['1m30s500ms', 90_500],
  ])('%p is %p ms', (value, ms) => {
    expect(parseDuration(value)).toEqual({ ok: true, ms });
  });

  it.each(['90x', '', 'h', '1h 30m', '-5s', 'forever'])('rejects %p with a hint', (value) => {
    const result = parseDuration(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('"90s"');
  });

  it('rejects negative and non-finite seconds', () => {
    expect(parseDuration(-1).ok).toBe(false);
    expect(parseDuration(Infinity).ok).toBe(false);
  });

  it.each([
    [0, '0s'],
    [200, '200ms'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [86_400_000, '1d'],
  ])('formats %p ms as %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });
});

describe('defaults', () => {
  it('fills every default from a one-agent file', () => {
    const config = valid('[[agent]]\nname = "builder"\n');
    expect(config).toMatchObject({
      name: 'demo',
      source: '/cfg/demo.toml',
      state_dir: '/cfg/.steward/demo',
      session_prefix: 'demo-',
      watchdog: {
        signal_interval: 15_000,
        heavy_interval: 120_000,
        stall_grace: 180_000,
        stall_idle: 600_000,
        token_granularity: 'gate',
        log_tokens: true,
        reboot_backoff: 60_000,
        crash_loop_reboots: 3,
        crash_loop_window: 3_600_000,
        limit_reset_slack: LIMIT_RESET_SLACK_MS,
        limit_probe_fallback: LIMIT_PROBE_INTERVAL_MS,
      },
      services: [],
    });
    expect(config.agents).toEqual([
      {
        name: 'builder',
        kind: 'loop',
        session: 'demo-builder',
        backend: 'claude',
        cwd: '/cfg',
        kickoff: '',
        watch: 'heal+stall',
      },
    ]);
    expect(config.backends.claude).toEqual({
      name: 'claude',
      command: 'claude',
      args: [],
      submit_key: 'Enter',
      busy_patterns: ['esc to interrupt'],
      idle_patterns: expect.arrayContaining(['\\? for shortcuts']),
      // The pane reader knows Claude Code's limit notices (src/core/pane/limit-message.ts): no pattern needed.
      limit_patterns: [],
      env: {},
      transcripts: '/home/op/.claude/projects',
      session_id_flag: '--session-id',
    });
    expect(config.backends.scripted).toMatchObject({ command: 'steward-scripted-agent', submit_key: 'Enter' });
    expect(config.loop).toBeUndefined();
    expect(config.budget).toBeUndefined();
  });

  it('watches non-loop agents with heal only, and gives a wake a message and the driver interval', () => {
    const config = valid(`
[[agent]]
name = "boss"
kind = "persistent"
wake = { interval = "30m" }

[[agent]]
name = "audit"
kind = "task"
wake = { message = "audit again" }
`);
    expect(config.agents.map((a) => a.watch)).toEqual(['heal', 'heal']);
    expect(config.agents[0].wake).toEqual({ interval: 1_800_000, message: expect.stringContaining('Scheduled wake') });
    expect(config.agents[1].wake).toEqual({ interval: 3_600_000, message: 'audit again' });
  });

  it('applies [defaults] to every agent unless the agent sets the key', () => {
    const config = valid(`
[defaults]
backend = "scripted"
kind = "persistent"
watch = "none"
cwd = "agents"
host = "box-1"

[[agent]]
name = "a"

[[agent]]
name = "b"
watch = "heal"
dir = "/abs/b"
`);
    expect(config.agents.map(({ backend, kind, watch, cwd, host }) => ({ backend, kind, watch, cwd, host }))).toEqual([
      { backend: 'scripted', kind: 'persistent', watch: 'none', cwd: '/cfg/agents', host: 'box-1' },
      { backend: 'scripted', kind: 'persistent', watch: 'heal', cwd: '/abs/b', host: 'box-1' },
    ]);
  });

  it('fills loop and handoff defaults, pinging adversary on claims and builder on reviews', () => {
    const config = valid(`${LOOP}handoff = {}\n`);
    expect(config.loop).toEqual({
      repo: '/cfg/work',
      state_subdir: '.steward-state',
      done_marker: '## DONE',
      done_nudge: true,
      phases: [
        { id: 'p1', status: 'STATUS-p1.md', kickoff: expect.stringContaining('Phase p1 starts now') },
        { id: 'p2', status: 'STATUS-p2.md', kickoff: expect.stringContaining('.steward-state/STATUS-p2.md') },
      ],
      handoff: {
        repo: '/cfg/work',
        claim_pattern: '^claim',
        review_pattern: '^review',
        claim_pings: ['adversary'],
        review_pings: ['builder'],
        inboxes: [],
        pass_words: ['PASS', 'approve', 'approved', 'LGTM'],
        fail_words: ['FAIL', 'reject', 'rejected', 'veto'],
      },
    });
  });

  it('pings nobody by default when there is no agent called adversary or builder', () => {
    const config = valid('[[agent]]\nname = "solo"\n[loop]\nrepo = "w"\nhandoff = {}\n');
    expect(config.loop?.handoff).toMatchObject({ claim_pings: [], review_pings: [] });
  });

  it('takes the verdict words as written; a blank word or one in both lists is refused at its path', () => {
    const config = valid(
      `${PAIR}[loop]\nrepo = "w"\n[loop.handoff]\npass_words = ["ship it"]\nfail_words = ["nope"]\n`,
    );
    expect(config.loop?.handoff).toMatchObject({ pass_words: ['ship it'], fail_words: ['nope'] });
    expect(
      problems(`${PAIR}[loop]\nrepo = "w"\n[loop.handoff]\npass_words = ["ok", " "]\nfail_words = ["OK"]\n`),
    ).toEqual([
      'loop.handoff.pass_words[1]: expected a word, not a blank string',
      'loop.handoff.fail_words[0]: `OK` is a pass word too: a word means pass or fail, not both',
    ]);
    // Against the other list's defaults, the list written is the one blamed.
    expect(problems(`${PAIR}[loop]\nrepo = "w"\n[loop.handoff]\npass_words = ["lgtm", "veto"]\n`)).toEqual([
      'loop.handoff.pass_words[1]: `veto` is a fail word too: a word means pass or fail, not both',
    ]);
  });

  it('takes the repo from handoff.repo alone', () => {
    const config = valid(`${PAIR}[loop]\nhandoff = { repo = "/srv/work" }\n`);
    expect(config.loop?.repo).toBe('/srv/work');
    expect(config.loop?.handoff?.repo).toBe('/srv/work');
  });

  it('merges a [backend.claude] table over the built-in, key by key', () => {
    const config = valid('[backend.claude]\nsubmit_key = "C-m"\nenv = { CLAUDE_X = "1" }\n');
    expect(config.backends.claude).toMatchObject({
      command: 'claude',
      submit_key: 'C-m',
      busy_patterns: ['esc to interrupt'],
      env: { CLAUDE_X: '1' },
    });
  });

  it('splits a command list into program and arguments, before any `args`', () => {
    const config = valid(`
[backend.aider]
command = ["aider", "--yes"]
args = ["--no-git"]

[[service]]
name = "web"
command = ["python3", "-m", "http.server"]
args = ["8080"]
`);
    expect(config.backends.aider).toMatchObject({ command: 'aider', args: ['--yes', '--no-git'], submit_key: 'Enter' });
    expect(config.services).toEqual([
      {
        name: 'web',
        session: 'demo-web',
        command: 'python3',
        args: ['-m', 'http.server', '8080'],
        cwd: '/cfg',
        env: {},
        watch: 'heal',
      },
    ]);
  });

  it('splits a command string of plain words, and rejects one that needs a shell', () => {
    expect(valid('[backend.claude]\ncommand = "claude  --verbose"\n').backends.claude).toMatchObject({
      command: 'claude',
      args: ['--verbose'],
    });
    expect(
      problems('[backend.x]\ncommand = "sh -c \'echo hi\'"\n[[service]]\nname = "s"\ncommand = "run > log"\n'),
    ).toEqual([
      'backend.x.command: `sh -c \'echo hi\'` needs a shell to mean what it says; write it as a list, e.g. ["sh", "-c", "…"]',
      'service[0].command: `run > log` needs a shell to mean what it says; write it as a list, e.g. ["sh", "-c", "…"]',
    ]);
  });

  it('reads budgets as tables or as flat build keys', () => {
    expect(valid('[budget]\ntokens = 1000000\nusd = 25\n').budget).toEqual({
      build: { tokens: 1_000_000, usd: 25 },
      warn_ratio: 0.8,
    });
    expect(valid('[budget]\nbuild = { usd = 50 }\nphase = { tokens = 10 }\nwarn_ratio = 0.9\n').budget).toEqual({
      build: { usd: 50 },
      phase: { tokens: 10 },
      warn_ratio: 0.9,
    });
  });

  it('resolves paths against the config dir and ~ against the home dir', () => {
    const config = valid(`
state_dir = "../state"
[backend.claude]
transcripts = "~/elsewhere"
[[agent]]
name = "a"
cwd = "./x/../y"
`);
    expect(config.state_dir).toBe('/state');
    expect(config.backends.claude.transcripts).toBe('/home/op/elsewhere');
    expect(config.agents[0].cwd).toBe('/cfg/y');
  });
});

describe('each rule names the exact TOML path', () => {
  it('unknown keys, with a suggestion when one is close', () => {
    expect(
      problems(`
agnet = 1
[watchdog]
stall_idel = 5
[backend.claude]
submit_kye = "Enter"
[[agent]]
name = "a"
[[agent]]
name = "b"
kickof = "hi"
zzzzzz = 1
[loop]
repo = "w"
phases = [{ id = "p1", statu = "S.md" }]
handoff = { claim_ping = "a" }
`),
    ).toEqual([
      'agnet: unknown key `agnet` (did you mean `agent`?)',
      'watchdog.stall_idel: unknown key `stall_idel` (did you mean `stall_idle`?)',
      'backend.claude.submit_kye: unknown key `submit_kye` (did you mean `submit_key`?)',
      'agent[1].kickof: unknown key `kickof` (did you mean `kickoff`?)',
      'agent[1].zzzzzz: unknown key `zzzzzz`',
      'loop.phases[0].statu: unknown key `statu` (did you mean `status`?)',
      'loop.handoff.claim_ping: unknown key `claim_ping` (did you mean `claim_pings`?)',
    ]);
  });

  it('wrong types', () => {
    expect(
      problems(`
[watchdog]
heavy_interval = 0
token_granularity = "turn"
log_tokens = "yes"
signal_interval = true
crash_loop_reboots = 2.5
[[agent]]
name = "a"
kind = 5
watch = "forever"
wake = { interval = "soon" }
[loop]
repo = "w"
handoff = { claim_pings = 5 }
`),
    ).toEqual([
      'watchdog.heavy_interval: must be longer than 0',
      'watchdog.token_granularity: expected one of "gate", "phase", got "turn"',
      'watchdog.log_tokens: expected true or false, got "yes"',
      'watchdog.signal_interval: expected a duration: seconds, or a string like "90s" or "1h30m"',
      'watchdog.crash_loop_reboots: expected a whole number, got 2.5',
      'agent[0].kind: expected one of "loop", "persistent", "task", got 5',
      'agent[0].watch: expected one of "heal", "heal+stall", "none", got "forever"',
      expect.stringMatching(/^agent\[0\]\.wake\.interval: invalid duration "soon"/),
      'loop.handoff.claim_pings: expected an agent name or a list of agent names',
    ]);
  });

  it('a single [agent] table where [[agent]] entries belong', () => {
    expect(problems('[agent]\nname = "a"\n')).toEqual(['agent: expected a list, got a table']);
  });

  it('pings and inbox targets naming an agent that does not exist', () => {
    expect(
      problems(`${PAIR}
[loop]
repo = "w"
[loop.handoff]
claim_pings = "advesary"
review_pings = ["builder", "ghost"]
inboxes = [{ file = "INBOX.md", agent = "ghost" }, ["INBOX-2.md", "nobody"], ["INBOX-3.md", ["builder", "bulder"]]]
`),
    ).toEqual([
      'loop.handoff.claim_pings: no agent named `advesary` (did you mean `adversary`?)',
      'loop.handoff.review_pings[1]: no agent named `ghost`',
      'loop.handoff.inboxes[0].agent: no agent named `ghost`',
      'loop.handoff.inboxes[1][1]: no agent named `nobody`',
      'loop.handoff.inboxes[2][1][1]: no agent named `bulder` (did you mean `builder`?)',
    ]);
  });

  it('an agent backend that is not defined (built-ins and [backend.*] tables are)', () => {
    expect(
      problems(`
[defaults]
backend = "gpt"
[backend.mine]
command = "mine"
[[agent]]
name = "a"
backend = "codex"
[[agent]]
name = "b"
backend = "scripted"
[[agent]]
name = "c"
backend = "mine"
`),
    ).toEqual([
      'defaults.backend: no backend named `gpt`: define [backend.gpt] or use one of claude, scripted, mine',
      'agent[0].backend: no backend named `codex`: define [backend.codex] or use one of claude, scripted, mine',
    ]);
  });

  it('a new backend without a command', () => {
    expect(problems('[backend.mine]\nsubmit_key = "Enter"\n')).toEqual([
      'backend.mine.command: required: `mine` is not a built-in backend (claude, scripted)',
    ]);
  });

  it('duplicate agent names and duplicate tmux sessions across agents and services', () => {
    expect(
      problems(`
[[agent]]
name = "a"
[[agent]]
name = "a"
[[agent]]
name = "b"
session = "demo-web"
[[service]]
name = "web"
command = "serve"
`),
    ).toEqual([
      'agent[1].name: duplicate agent name `a` (also agent[0])',
      'service[0].session: tmux session `demo-web` is already used by agent[2]',
    ]);
  });

  it('a phase status file (or inbox) outside the state dir', () => {
    expect(
      problems(`
[loop]
repo = "w"
phases = [{ id = "p1", status = "/etc/STATUS.md" }, { id = "p2", status = "../../STATUS.md" }, { id = "p3", status = "a/../STATUS.md" }]
handoff = { inboxes = [["../INBOX.md", "x"]] }
[[agent]]
name = "x"
`),
    ).toEqual([
      'loop.phases[0].status: `/etc/STATUS.md` must be a relative path inside the state subdir',
      'loop.phases[1].status: `../../STATUS.md` must be a relative path inside the state subdir',
      'loop.handoff.inboxes[0][0]: `../INBOX.md` must be a relative path inside the state subdir',
    ]);
  });

  it('duplicate phase ids', () => {
    expect(problems('[loop]\nrepo = "w"\nphases = [{ id = "p1" }, { id = "p2" }, { id = "p1" }]\n')).toEqual([
      'loop.phases[2].id: duplicate phase id `p1` (also loop.phases[0])',
    ]);
  });

  it('invalid regexes, with the regex engine message', () => {
    const found = problems(`
[backend.claude]
busy_patterns = ["ok", "(unclosed"]
limit_patterns = ["[z-a]"]
[loop]
repo = "w"
handoff = { claim_pattern = "^claim(", review_pattern = "*review" }
`);
    expect(found).toHaveLength(4);
    expect(found[0]).toMatch(/^backend\.claude\.busy_patterns\[1\]: invalid regex: .*Unterminated group/);
    expect(found[1]).toMatch(/^backend\.claude\.limit_patterns\[0\]: invalid regex: .*Range out of order/);
    expect(found[2]).toMatch(/^loop\.handoff\.claim_pattern: invalid regex: /);
    expect(found[3]).toMatch(/^loop\.handoff\.review_pattern: invalid regex: .*Nothing to repeat/);
  });

  it('unsafe agent, session, service and build names and phase ids', () => {
    expect(
      pathsOf(`
name = "my build"
session_prefix = "x:"
[[agent]]
name = "bad name"
[[agent]]
name = "ok"
session = "has.dot"
[[service]]
name = "-web"
command = "x"
[loop]
repo = "w"
phases = [{ id = "../up" }]
`),
    ).toEqual(['name', 'session_prefix', 'agent[0].name', 'agent[1].session', 'service[0].name', 'loop.phases[0].id']);
    expect(problems('[[agent]]\nname = "bad name"\n')).toEqual([
      'agent[0].name: `bad name` is not a safe name: use 1-64 letters, digits, `_` or `-`, starting with a letter or digit',
    ]);
  });

  it('a build name derived from an unsafe file name', () => {
    const result = parseConfigText('', { source: '/cfg/my config.toml', baseDir: '/cfg' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path)).toEqual(['name']);
  });

  it('missing required keys', () => {
    expect(
      problems(`
[[agent]]
kind = "loop"
[[service]]
name = "web"
[loop]
phases = [{ status = "S.md" }]
`),
    ).toEqual([
      'agent[0].name: required key is missing',
      'service[0].command: required key is missing',
      'loop.repo: required: the path of the work repo whose origin/main the loop watches (or set loop.handoff.repo); ' +
        'the config file is not inside a git repository that could stand in for it',
      'loop.phases[0].id: required key is missing',
    ]);
  });

  it('kickoff: inline, from a file relative to the config dir, missing, or both', () => {
    const text = '[[agent]]\nname = "a"\nkickoff_file = "prompts/a.md"\n[[agent]]\nname = "b"\nkickoff = "inline"\n';
    expect(kickoffFilesToRead(text, CTX)).toEqual(['/cfg/prompts/a.md']);
    expect(valid(text, { '/cfg/prompts/a.md': 'from the file' }).agents.map((a) => a.kickoff)).toEqual([
      'from the file',
      'inline',
    ]);
    expect(problems(text)).toEqual(['agent[0].kickoff_file: kickoff file not found: /cfg/prompts/a.md']);
    expect(problems('[[agent]]\nname = "a"\nkickoff = "x"\nkickoff_file = "a.md"\n', { '/cfg/a.md': 'y' })).toEqual([
      'agent[0].kickoff_file: sets the same thing as `agent[0].kickoff`; keep one',
    ]);
  });

  it('a setting spelt both the driver way and the Steward way', () => {
    expect(
      problems(`
state_dir = "s"
log_dir = "l"
session_prefix = "a-"
[defaults]
session_prefix = "b-"
[[agent]]
name = "a"
cwd = "x"
dir = "y"
[watchdog]
token_granularity = "gate"
[loop]
repo = "w"
token_granularity = "phase"
[budget]
tokens = 5
build = { tokens = 6 }
`),
    ).toEqual([
      'log_dir: sets the same thing as `state_dir`; keep one',
      'defaults.session_prefix: sets the same thing as `session_prefix`; keep one',
      'agent[0].dir: sets the same thing as `agent[0].cwd`; keep one',
      'loop.token_granularity: conflicts with watchdog.token_granularity = "gate"; keep one',
      'budget.tokens: sets the same thing as `budget.build.tokens`; keep one',
    ]);
  });

  it('a service cannot be stall-watched', () => {
    expect(problems('[[service]]\nname = "web"\ncommand = "x"\nwatch = "heal+stall"\n')).toEqual([
      'service[0].watch: expected one of "heal", "none", got "heal+stall"',
    ]);
  });
});

describe('reporting', () => {
  it('reports every problem of a file at once, each with its line', () => {
    const result = load(`name = "demo"
[watchdog]
stall_idel = "10m"
token_granularity = "turn"

[[agent]]
name = "builder"
backend = "codex"

[[agent]]
name = "builder"
kind = 5

[loop]
repo = "work"
phases = [
  { id = "p1", status = "/abs" },
]
[loop.handoff]
claim_pings = ["ghost"]
claim_pattern = "("
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map(({ line, path }) => `${line} ${path}`)).toEqual([
      '3 watchdog.stall_idel',
      '4 watchdog.token_granularity',
      '8 agent[0].backend',
      '11 agent[1].name',
      '12 agent[1].kind',
      '17 loop.phases[0].status',
      '20 loop.handoff.claim_pings[0]',
      '21 loop.handoff.claim_pattern',
    ]);
  });

  it('finds lines past multi-line strings, dotted keys and quoted keys in inline tables', () => {
    const result = load(`[[agent]]
name = "a"
kickoff = """
[loop]
bogus = 1
"""
wake.intervall = 5
[[agent]]
name = "b"
[backend.claude]
env = { "A.B" = 1 }
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map(({ line, path }) => `${line} ${path}`)).toEqual([
      '7 agent[0].wake.intervall',
      '11 backend.claude.env."A.B"',
    ]);
  });

  it('maps a TOML syntax error to its line', () => {
    const result = load('name = "x"\n[watchdog]\nstall_idle = = 5\n');
    expect(result).toEqual({
      ok: false,
      issues: [{ path: '', message: 'not valid TOML at line 3, column 14: invalid value', line: 3 }],
      warnings: [],
    });
  });

  it('rejects a document that is not a table', () => {
    expect(validateConfig([1], CTX)).toEqual({
      ok: false,
      issues: [{ path: '', message: 'expected a TOML document' }],
      warnings: [],
    });
  });
});

describe('a config in the original driver style', () => {
  const DRIVER_STYLE = `
# agents.toml as agents.py read it
[watchdog]
signal_interval = 30
heavy_interval = 300
limit_probe_fallback = 300
limit_reset_slack = 45
stall_grace = 180
stall_idle = 900
log_tokens = true

[defaults]
session_prefix = "ao-wc-"
log_dir = ".ao-state"
backend = "claude"
model = ""
watch = "none"

[backend.claude]
command = "claude"
submit_key = "Enter"
prompt_delivery = "arg"

[[agent]]
name = "builder"
kind = "loop"
watch = "heal+stall"
dir = "work/builder"

[[agent]]
name = "correctness-adversary"
kind = "loop"
watch = "heal+stall"
model = "opus"

[[agent]]
name = "readability-adversary"
kind = "loop"
watch = "heal+stall"

[[agent]]
name = "orchestrator"
kind = "persistent"
watch = "heal"
wake = { interval = 3600, message = "hourly check: read the status files and unblock the loops" }

[[agent]]
name = "auditor"
kind = "task"
wake = { interval = 7200 }

[[service]]
name = "cleanlogs"
command = "sh"
args = ["-c", "sleep 1000"]

[loop]
repo = "work/supervisor"
done_marker = "## DONE"
done_nudge = true
token_granularity = "phase"
phases = [
  { id = "wc", status = "STATUS-wc.md", model = "sonnet" },
  { id = "json", status = "STATUS-json.md" },
]

[loop.handoff]
claim_pattern = "^claim"
review_pattern = "^review"
claim_pings = ["correctness-adversary", "readability-adversary"]
review_pings = "builder"
inboxes = [["INBOX-builder.md", "builder"], ["INBOX-adversary.md", ["correctness-adversary", "readability-adversary"]]]
`;

  it('loads without edits', () => {
    const result = load(DRIVER_STYLE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { config } = result;
    expect(config.session_prefix).toBe('ao-wc-');
    expect(config.state_dir).toBe('/cfg/.ao-state');
    expect(config.watchdog).toMatchObject({
      signal_interval: 30_000,
      heavy_interval: 300_000,
      stall_idle: 900_000,
      token_granularity: 'phase',
    });
    // The driver's limit timing, in seconds, is honoured.
    expect(config.watchdog).toMatchObject({ limit_probe_fallback: 300_000, limit_reset_slack: 45_000 });
    expect(config.agents.map((a) => [a.name, a.kind, a.watch, a.session])).toEqual([
      ['builder', 'loop', 'heal+stall', 'ao-wc-builder'],
      ['correctness-adversary', 'loop', 'heal+stall', 'ao-wc-correctness-adversary'],
      ['readability-adversary', 'loop', 'heal+stall', 'ao-wc-readability-adversary'],
      ['orchestrator', 'persistent', 'heal', 'ao-wc-orchestrator'],
      ['auditor', 'task', 'none', 'ao-wc-auditor'],
    ]);
    expect(config.agents[0].cwd).toBe('/cfg/work/builder');
    expect(config.agents[4].wake?.interval).toBe(7_200_000);
    expect(config.loop?.handoff).toMatchObject({
      claim_pings: ['correctness-adversary', 'readability-adversary'],
      review_pings: ['builder'],
      inboxes: [
        { file: 'INBOX-builder.md', agent: 'builder' },
        { file: 'INBOX-adversary.md', agent: 'correctness-adversary' },
        { file: 'INBOX-adversary.md', agent: 'readability-adversary' },
      ],
    });
  });

  it('warns about the driver keys Steward ignores', () => {
    const result = load(DRIVER_STYLE);
    expect(result.warnings.map((w) => `${w.line} ${w.path}`)).toEqual([
      '16 defaults.model',
      '22 backend.claude.prompt_delivery',
      '34 agent[1].model',
      '63 loop.phases[0].model',
    ]);
    expect(result.warnings[0].message).toBe('`model` is an agents.py setting that Steward does not use; it is ignored');
  });
});

describe('a driver-style [loop] that names no repo', () => {
  // The driver ran inside the work repo, so its files have no `repo`: drop it from the driver-style file.
  const loopWithoutRepo = (handoff = '') =>
    `[[agent]]\nname = "builder"\n[[agent]]\nname = "adversary"\n[loop]\ndone_marker = "## DONE"\nphases = [{ id = "wc" }]\n${handoff}`;

  it('works on the git repo that contains the config file, and says so', () => {
    const result = parseConfigText(loopWithoutRepo('[loop.handoff]\nclaim_pattern = "^claim"\n'), {
      ...CTX,
      gitRoot: '/work',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.loop).toMatchObject({ repo: '/work', handoff: { repo: '/work', claim_pings: ['adversary'] } });
    expect(result.warnings).toEqual([
      {
        path: 'loop.repo',
        line: 5,
        message:
          'not set: the loop watches /work, the git repository that contains the config file; set `repo` to watch another',
      },
    ]);
    // `config show` writes the choice out, and its output loads back the same without a warning.
    const again = parseConfigText(renderConfigToml(result.config), CTX);
    expect(again).toMatchObject({ ok: true, warnings: [] });
    if (again.ok) expect(again.config.loop).toEqual(result.config.loop);
  });

  it('a repo set either way needs no default and no warning', () => {
    const named = parseConfigText(loopWithoutRepo('[loop.handoff]\nrepo = "clone"\n'), { ...CTX, gitRoot: '/work' });
    expect(named).toMatchObject({ ok: true, warnings: [] });
    if (named.ok) expect(named.config.loop?.repo).toBe('/cfg/clone');
  });

  it('is still an error outside a git repository', () => {
    expect(problems(loopWithoutRepo())).toEqual([
      'loop.repo: required: the path of the work repo whose origin/main the loop watches (or set loop.handoff.repo); ' +
        'the config file is not inside a git repository that could stand in for it',
    ]);
  });
});

describe('built-in backend patterns', () => {
  const { claude } = valid('').backends;
  // As src/core/pane/activity.ts compiles them: multiline, case as written.
  const matches = (sources: string[], line: string) => sources.some((source) => new RegExp(source, 'm').test(line));

  it.each(['✻ Working… (esc to interrupt)', '· Thinking… (12s · esc to interrupt)'])('busy: %p', (line) => {
    expect(matches(claude.busy_patterns, line)).toBe(true);
  });

  it.each(['> ', '  >   ', '❯ ', '  ? for shortcuts'])('idle: %p', (line) => {
    expect(matches(claude.idle_patterns, line)).toBe(true);
  });

  it.each([
    "You've hit your session limit · resets 12:50am (America/Los_Angeles)",
    "You've hit your limit · resets 10pm (America/New_York)",
    '5-hour limit reached ∙ resets 2pm',
    'Claude usage limit reached. Your limit will reset at 1pm (Etc/GMT+5).',
  ])('limit, read by the pane reader without a pattern: %p', (line) => {
    expect(claude.limit_patterns).toEqual([]);
    expect(classifyPane(`${line}\n> `, panePatternsOf(claude))).toBe('limited');
  });

  it('a usage warning is not a limit', () => {
    expect(classifyPane('Approaching usage limit · resets at 2am\n> ', panePatternsOf(claude))).toBe('idle');
  });
});

describe('config show output', () => {
  it('loads back to the same config', () => {
    const config = valid(
      `${LOOP}
[watchdog]
signal_interval = 0.2
[budget]
usd = 10
[[service]]
name = "web"
command = ["serve", "--port", "1"]
[loop.handoff]
inboxes = [["IN.md", "builder"]]
`.replace(
        '[[agent]]\nname = "builder"',
        '[[agent]]\nname = "builder"\nwake = { interval = "90m" }\nkickoff = """two\nlines"""',
      ),
    );
    const again = valid(renderConfigToml(config));
    expect(again).toEqual(config);
  });
});
