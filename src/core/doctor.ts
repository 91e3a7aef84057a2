/**
 * `steward doctor`: what a host must have before a real build, as verdicts over probed facts.
 *
 * Pure. The CLI (src/client/doctor/) probes the host — the agent CLIs, a throwaway tmux pane, the
 * agents' folders, git remotes, Temporal — and hands the facts here; each fact becomes one line,
 * `ok`, `warn`, `fail` or `skip`, with a fix for anything that is not ok.
 */
import type { AgentKind } from './config/types';
import { parseTmuxVersion, TMUX_MINIMUM, versionAtLeast, versionText } from './tmux-version';

export type DoctorLevel = 'ok' | 'warn' | 'fail' | 'skip';

export type DoctorCheck =
  | 'tmux'
  | 'agent-cli'
  | 'claude-config'
  | 'hook'
  | 'bypass'
  | 'cwd'
  | 'git'
  | 'trust'
  | 'service'
  | 'loop-repo'
  | 'origin'
  | 'temporal'
  | 'search-attributes'
  | 'worker'
  | 'remote';

export interface DoctorLine {
  check: DoctorCheck;
  /** What the line is about: `tmux`, `backend claude`, `agent builder`, `worker steward@box-1`, … */
  subject: string;
  level: DoctorLevel;
  message: string;
  /** What to do about it; set on every line that is not ok. */
  fix?: string;
}

/**
 * A live worker long-polls its queue, and the server records each poll when it starts. A poll
 * lasts up to a minute, so a worker idle for a while was last seen up to about 60 s ago; a stopped
 * worker stays listed, with its age growing, for minutes. Anything older than this is gone.
 */
export const RECENT_POLL_SECONDS = 75;
/** `async: true` hooks (src/core/hook-settings.ts) run in the background from this release on. */
export const CLAUDE_ASYNC_HOOKS_SINCE = '2.1.19';

/** What `sh -c` in a fresh pane on the agents' tmux server saw, started the way an agent is. */
export interface PaneProbe {
  /** Why no pane could be started or read; absent when it was. */
  error?: string;
  /** The pane's value of the variables that matter here (STEWARD_BIN, IS_SANDBOX, CLAUDE_CONFIG_DIR, HOME). */
  env: Record<string, string>;
  uid: number | null;
  /** `command -v "$STEWARD_BIN/steward"` when that is an executable file, else null. */
  resolved: string | null;
  /** Exit code of `"$STEWARD_BIN/steward" hook --help` in the pane; null when it was not run. */
  runs: number | null;
  /** First line of what that run wrote on stderr. */
  runError: string;
}

export interface ClaudeFacts {
  /** `claude --version`, or null when it did not run. */
  version: string | null;
  /** Steward adds its hooks (the backend passes no `--settings` of its own). */
  stewardHooks: boolean;
  pane: PaneProbe;
  /** `$CLAUDE_CONFIG_DIR`, or `~/.claude` (settings.json lives here). */
  configDir: string;
  /** `$CLAUDE_CONFIG_DIR/.claude.json`, or `~/.claude.json`. */
  configFile: string;
  /** `hasCompletedOnboarding` in the config file; null when the file is missing or unreadable. */
  onboarded: boolean | null;
  /** How bypass mode is switched on (`--dangerously-skip-permissions`, …), or null when it is not. */
  bypass: string | null;
  /**
   * Where the bypass warning is already accepted: `skipDangerousModePermissionPrompt` in
   * settings.json, or the older `bypassPermissionsModeAccepted` in .claude.json; null when nowhere.
   */
  bypassConsentIn: string | null;
  acceptBypassMode: boolean;
  trustWorkdir: boolean;
  /** The agent's user id (the pane's; else this process's). */
  uid: number | null;
  /** IS_SANDBOX as the agent gets it, and from where. */
  isSandbox: string | null;
  isSandboxFrom: 'backend env' | 'tmux environment' | null;
  /** CLAUDE_CODE_BUBBLEWRAP set: Claude Code allows bypass mode as root then too. */
  bubblewrap: boolean;
}

export interface BackendFacts {
  name: string;
  command: string;
  /** The executable a launch would run (looked up as the launch does), or null. */
  found: string | null;
  /** The command is Claude Code (`claude`, by name or path). */
  isClaude: boolean;
  /** Present for Claude Code backends that were found. */
  claude?: ClaudeFacts;
}

export interface AgentFacts {
  name: string;
  kind: AgentKind;
  backend: string;
  host: string;
  /** Runs on this host: only then are its folder and its CLI checked here. */
  local: boolean;
  cwd: string;
  cwdIsDir: boolean;
  /** `git rev-parse --show-toplevel`, or null outside a git work tree. */
  gitRoot: string | null;
  /** `git remote get-url origin`, or null. */
  origin: string | null;
  /** Claude Code agents: whether the backend's Claude config trusts the cwd. */
  trusted?: boolean;
  /** That config file. */
  configFile?: string;
}

export interface ServiceFacts {
  name: string;
  host: string;
  local: boolean;
  cwd: string;
  cwdIsDir: boolean;
  command: string;
  found: string | null;
}

export interface RepoFacts {
  dir: string;
  isDir: boolean;
  gitRoot: string | null;
  origin: string | null;
}

export interface OriginFacts {
  url: string;
  /** The clone `git ls-remote` ran in (its remote config and credentials apply). */
  dir: string;
  /** Who pushes to or fetches from it: `loop repo`, `agent builder`, … */
  users: string[];
  /** Null when reachable; else why not (the first line git wrote, or the timeout). */
  error: string | null;
  /** Branch names on the remote. */
  heads: string[];
  /** Whether the loop repo (whose origin/main Steward watches) uses this remote. */
  watched: boolean;
}

export interface PollerFacts {
  identity: string;
  /** Seconds since its last poll started. */
  ageSeconds: number;
}

export interface QueueFacts {
  queue: string;
  kind: 'workflow' | 'activity';
  /** Activity queues: the host whose worker serves it. */
  host?: string;
  /** Why the queue was not asked about. */
  skipped?: string;
  error?: string;
  pollers: PollerFacts[];
}

export interface TemporalReached {
  address: string;
  namespace: string;
  /** Why the server could not be reached, or the namespace described; absent when it could. */
  error?: string;
  /** Steward's search attribute names the namespace lacks, or why they could not be listed. */
  searchAttributes?: { missing: string[] } | { error: string };
  queues: QueueFacts[];
}

export type TemporalFacts = TemporalReached | { skipped: string; address: string };

export interface DoctorFacts {
  /** Null when no config was given: the host alone is checked. */
  build: string | null;
  configFile: string | null;
  /** This host's id (STEWARD_HOST_ID, else the hostname). */
  host: string;
  tmux: { socket: string | null; version: string | null; error?: string };
  backends: BackendFacts[];
  agents: AgentFacts[];
  services: ServiceFacts[];
  loopRepo?: RepoFacts;
  origins: OriginFacts[];
  temporal: TemporalFacts;
}

export interface DoctorSummary {
  ok: number;
  warn: number;
  fail: number;
  skip: number;
}

/** Compares dotted versions numerically: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const line = (check: DoctorCheck, subject: string, level: DoctorLevel, message: string, fix?: string): DoctorLine =>
  fix === undefined ? { check, subject, level, message } : { check, subject, level, message, fix };

function tmuxLines(facts: DoctorFacts): DoctorLine[] {
  const { tmux } = facts;
  const on = tmux.socket ? ` (socket ${tmux.socket}, STEWARD_TMUX_SOCKET)` : '';
  if (tmux.version === null) {
    return [
      line(
        'tmux',
        'tmux',
        'fail',
        `tmux does not run: ${tmux.error ?? 'no output from tmux -V'}`,
        'install tmux 3.2 or later on this host',
      ),
    ];
  }
  const parsed = parseTmuxVersion(tmux.version);
  const min = versionText(TMUX_MINIMUM);
  if (parsed === null) {
    return [
      line(
        'tmux',
        'tmux',
        'warn',
        `${tmux.version}: cannot tell whether it is ${min} or later${on}`,
        `make sure it is tmux ${min} or later (Steward starts sessions with new-session -e)`,
      ),
    ];
  }
  if (!versionAtLeast(parsed, TMUX_MINIMUM)) {
    return [
      line(
        'tmux',
        'tmux',
        'fail',
        `${tmux.version} is older than ${min}${on}`,
        `install tmux ${min} or later (Steward starts sessions with new-session -e, new in 3.2)`,
      ),
    ];
  }
  return [line('tmux', 'tmux', 'ok', `${tmux.version} (${min} or later needed)${on}`)];
}

function cliLine(b: BackendFacts, configFile: string, tested: string): DoctorLine {
  const subject = `backend ${b.name}`;
  if (b.found === null) {
    const install = b.isClaude ? `install Claude Code (npm install -g @anthropic-ai/claude-code@${tested}), or ` : '';
    return line(
      'agent-cli',
      subject,
      'fail',
      `command not found: ${b.command} (looked up on Steward's bin dir and PATH, as a launch does)`,
      `${install}set [backend.${b.name}] command in ${configFile} to the program's path`,
    );
  }
  if (!b.claude) return line('agent-cli', subject, 'ok', `${b.command} found at ${b.found}`);
  const { version } = b.claude;
  if (version === null) {
    return line(
      'agent-cli',
      subject,
      'fail',
      `${b.found} does not answer --version like Claude Code`,
      `check that ${b.found} is Claude Code and runs as this user`,
    );
  }
  if (version === tested)
    return line(
      'agent-cli',
      subject,
      'ok',
      `Claude Code ${version} at ${b.found} (the release Steward is tested against)`,
    );
  const old =
    compareVersions(version, CLAUDE_ASYNC_HOOKS_SINCE) < 0
      ? `; before ${CLAUDE_ASYNC_HOOKS_SINCE} hooks do not run in the background, so each one holds the agent up`
      : '';
  return line(
    'agent-cli',
    subject,
    'warn',
    `Claude Code ${version} at ${b.found}: Steward is tested against ${tested}${old}`,
    `install ${tested} (npm install -g @anthropic-ai/claude-code@${tested}) or point [backend.${b.name}] command at it; another release may draw its screens differently`,
  );
}

function claudeConfigLine(b: BackendFacts, c: ClaudeFacts): DoctorLine {
  const subject = `backend ${b.name}`;
  if (c.onboarded === true)
    return line('claude-config', subject, 'ok', `Claude config ${c.configFile}: first-run setup done`);
  const why =
    c.onboarded === null
      ? `Claude config ${c.configFile} is missing or unreadable`
      : `Claude config ${c.configFile}: first-run setup not done`;
  // The config file sits in CLAUDE_CONFIG_DIR when that is set, else in the home directory beside ~/.claude.
  const withDir = c.configFile === `${c.configDir}/.claude.json` ? ` with CLAUDE_CONFIG_DIR=${c.configDir}` : '';
  return line(
    'claude-config',
    subject,
    'fail',
    `${why}: Claude Code would open its first-run screens, which Steward does not answer`,
    `run \`claude\` once as this user${withDir} and finish the setup (sign in or approve the API key)`,
  );
}

function hookLine(b: BackendFacts, c: ClaudeFacts, binDir: string): DoctorLine {
  const subject = `backend ${b.name}`;
  const { pane } = c;
  if (pane.error !== undefined) {
    return line(
      'hook',
      subject,
      'fail',
      `could not run the hook command in a fresh tmux pane: ${pane.error}`,
      'fix tmux first (see the tmux line), then run steward doctor again',
    );
  }
  const seen = pane.env.STEWARD_BIN;
  if (seen !== binDir) {
    return line(
      'hook',
      subject,
      'fail',
      `a fresh tmux pane has STEWARD_BIN=${seen ?? '(unset)'}, not ${binDir}: hooks would run "${seen ?? ''}/steward"`,
      'use tmux 3.2 or later, and do not reset STEWARD_BIN in a shell profile or the tmux configuration',
    );
  }
  if (pane.resolved === null) {
    return line(
      'hook',
      subject,
      'fail',
      `"$STEWARD_BIN/steward" (${binDir}/steward) is not an executable file in a fresh tmux pane`,
      `run \`npm ci\` in Steward's checkout (it builds dist/), and keep ${binDir}/steward executable for the worker's user`,
    );
  }
  if (pane.runs !== 0) {
    const err = pane.runError ? `: ${pane.runError}` : '';
    return line(
      'hook',
      subject,
      'fail',
      `"$STEWARD_BIN/steward" hook exits ${pane.runs ?? '?'} in a fresh tmux pane${err}`,
      `put \`node\` (20 or later) on the worker's PATH (bin/steward runs \`/usr/bin/env node\`) and run \`npm ci\` in Steward's checkout`,
    );
  }
  if (!c.stewardHooks) {
    return line(
      'hook',
      subject,
      'warn',
      `"$STEWARD_BIN/steward" runs in a fresh tmux pane, but the backend passes its own --settings, so Steward adds no hooks`,
      '`steward hook --print-settings` prints the hooks to put in that settings file',
    );
  }
  return line(
    'hook',
    subject,
    'ok',
    `hook command "$STEWARD_BIN/steward" hook resolves in a fresh tmux pane (${pane.resolved})`,
  );
}

function bypassLines(b: BackendFacts, c: ClaudeFacts): DoctorLine[] {
  const subject = `backend ${b.name}`;
  if (c.bypass === null) return [line('bypass', subject, 'ok', 'bypass mode is off: no root or warning checks needed')];
  const lines: DoctorLine[] = [];
  if (c.uid === 0) {
    if (c.isSandbox === '1') {
      lines.push(line('bypass', subject, 'ok', `root with ${c.bypass}: IS_SANDBOX=1 (from the ${c.isSandboxFrom})`));
    } else if (c.bubblewrap) {
      lines.push(line('bypass', subject, 'ok', `root with ${c.bypass}: CLAUDE_CODE_BUBBLEWRAP is set`));
    } else {
      const now = c.isSandbox === null ? 'IS_SANDBOX is unset' : `IS_SANDBOX=${c.isSandbox} (only "1" counts)`;
      lines.push(
        line(
          'bypass',
          subject,
          'fail',
          `agents run as root with ${c.bypass} and ${now}: Claude Code exits with "cannot be used with root/sudo privileges"`,
          `add IS_SANDBOX = "1" to [backend.${b.name}] env (on a machine that is a sandbox), or run the worker as another user`,
        ),
      );
    }
  }
  if (c.bypassConsentIn !== null) {
    lines.push(line('bypass', subject, 'ok', `${c.bypass}: the bypass warning is accepted in ${c.bypassConsentIn}`));
  } else if (c.acceptBypassMode) {
    lines.push(
      line(
        'bypass',
        subject,
        'warn',
        `${c.bypass}: Claude Code shows its bypass warning at every start; accept_bypass_mode answers it`,
        `add "skipDangerousModePermissionPrompt": true to ${c.configDir}/settings.json to skip it`,
      ),
    );
  } else {
    lines.push(
      line(
        'bypass',
        subject,
        'fail',
        `${c.bypass}: Claude Code shows its bypass warning at start, and nothing answers it`,
        `add "skipDangerousModePermissionPrompt": true to ${c.configDir}/settings.json, or set [backend.${b.name}] accept_bypass_mode = true`,
      ),
    );
  }
  return lines;
}

function agentLines(a: AgentFacts, backends: Map<string, BackendFacts>, configFile: string): DoctorLine[] {
  const subject = `agent ${a.name}`;
  if (!a.cwdIsDir) {
    return [
      line(
        'cwd',
        subject,
        'fail',
        `cwd ${a.cwd} is not a directory`,
        `clone the work repo there (git clone <origin> ${a.cwd}), or fix the agent's cwd in ${configFile}`,
      ),
    ];
  }
  const lines = [line('cwd', subject, 'ok', `cwd ${a.cwd} is a directory`)];
  // Loop agents claim and review through commits pushed to origin; other kinds may work anywhere.
  const needsGit = a.kind === 'loop';
  if (a.gitRoot === null) {
    lines.push(
      line(
        'git',
        subject,
        needsGit ? 'fail' : 'warn',
        `${a.cwd} is not in a git work tree${needsGit ? ': a loop agent claims and reviews through commits' : ''}`,
        `clone the work repo there: git clone <origin> ${a.cwd}`,
      ),
    );
  } else if (a.origin === null) {
    lines.push(
      line(
        'git',
        subject,
        needsGit ? 'fail' : 'warn',
        `git repo ${a.gitRoot} has no origin remote`,
        `git -C ${a.cwd} remote add origin <url of the work repo>`,
      ),
    );
  } else {
    lines.push(line('git', subject, 'ok', `git repo ${a.gitRoot}, origin ${a.origin}`));
  }
  const backend = backends.get(a.backend);
  if (a.trusted !== undefined && backend?.claude) {
    const file = a.configFile ?? backend.claude.configFile;
    if (a.trusted) {
      lines.push(line('trust', subject, 'ok', `${a.cwd} is trusted in ${file}`));
    } else if (backend.claude.trustWorkdir) {
      lines.push(
        line(
          'trust',
          subject,
          'warn',
          `${a.cwd} is not trusted in ${file}; trust_workdir answers the trust dialog at each start`,
          `start \`claude\` in ${a.cwd} once (with the backend's CLAUDE_CONFIG_DIR) and trust the folder, to skip the dialog`,
        ),
      );
    } else {
      lines.push(
        line(
          'trust',
          subject,
          'fail',
          `${a.cwd} is not trusted in ${file}: Claude Code would open its trust dialog, and nothing answers it`,
          `start \`claude\` in ${a.cwd} once (with the backend's CLAUDE_CONFIG_DIR) and trust the folder, or set [backend.${a.backend}] trust_workdir = true`,
        ),
      );
    }
  }
  return lines;
}

function serviceLines(s: ServiceFacts, configFile: string): DoctorLine[] {
  const subject = `service ${s.name}`;
  const lines: DoctorLine[] = [];
  if (!s.cwdIsDir)
    lines.push(
      line(
        'service',
        subject,
        'fail',
        `cwd ${s.cwd} is not a directory`,
        `create it, or fix the service's cwd in ${configFile}`,
      ),
    );
  if (s.found === null)
    lines.push(
      line(
        'service',
        subject,
        'fail',
        `command not found: ${s.command}`,
        `install it, or set the service's command in ${configFile} to its path`,
      ),
    );
  if (lines.length === 0) lines.push(line('service', subject, 'ok', `${s.command} found at ${s.found}, cwd ${s.cwd}`));
  return lines;
}

function loopRepoLine(r: RepoFacts, configFile: string): DoctorLine {
  const subject = 'loop repo';
  if (!r.isDir)
    return line(
      'loop-repo',
      subject,
      'fail',
      `${r.dir} is not a directory`,
      `clone the work repo there (git clone <origin> ${r.dir}), or fix [loop] repo in ${configFile}`,
    );
  if (r.gitRoot === null)
    return line(
      'loop-repo',
      subject,
      'fail',
      `${r.dir} is not in a git work tree`,
      `clone the work repo there: git clone <origin> ${r.dir}`,
    );
  if (r.origin === null)
    return line(
      'loop-repo',
      subject,
      'fail',
      `${r.dir} has no origin remote: Steward watches origin/main`,
      `git -C ${r.dir} remote add origin <url of the work repo>`,
    );
  return line('loop-repo', subject, 'ok', `${r.dir}: git clone of ${r.origin}`);
}

function originLine(o: OriginFacts): DoctorLine {
  const subject = `origin ${o.url}`;
  const users = o.users.join(', ');
  if (o.error !== null) {
    return line(
      'origin',
      subject,
      'fail',
      `not reachable from ${o.dir} (${users}): ${o.error}`,
      `check the URL and this user's credentials: GIT_TERMINAL_PROMPT=0 git -C ${o.dir} ls-remote --heads origin`,
    );
  }
  if (o.watched && !o.heads.includes('main')) {
    return line(
      'origin',
      subject,
      'warn',
      `reachable, but it has no main branch yet (${o.heads.length ? o.heads.join(', ') : 'no branches'}); Steward watches origin/main`,
      `push a first commit to main: git -C ${o.dir} push origin HEAD:main`,
    );
  }
  return line(
    'origin',
    subject,
    'ok',
    `reachable (${o.heads.length} branch${o.heads.length === 1 ? '' : 'es'}${o.heads.includes('main') ? ', main' : ''}; used by ${users})`,
  );
}

const WORKER_FIX = (host: string) =>
  `start \`steward worker\` with STEWARD_HOST_ID=${host} and the same TEMPORAL_ADDRESS/TEMPORAL_NAMESPACE, or run the build with \`steward up\` (then check with \`steward doctor --for-up\`)`;

function queueLine(q: QueueFacts): DoctorLine {
  const subject = `worker ${q.queue}`;
  const what = q.kind === 'workflow' ? 'the build workflows (any host)' : `host ${q.host}'s agents`;
  if (q.skipped !== undefined) return line('worker', subject, 'skip', q.skipped);
  const fix = WORKER_FIX(q.host ?? '<host>');
  if (q.error !== undefined) return line('worker', subject, 'fail', `cannot ask who polls ${q.queue}: ${q.error}`, fix);
  const live = q.pollers.filter((p) => p.ageSeconds <= RECENT_POLL_SECONDS);
  if (live.length > 0) {
    const names = live.map((p) => p.identity).join(', ');
    return line('worker', subject, 'ok', `polled by ${names} (for ${what})`);
  }
  if (q.pollers.length > 0) {
    const last = Math.min(...q.pollers.map((p) => p.ageSeconds));
    return line(
      'worker',
      subject,
      'fail',
      `no worker polls it for ${what}: the last poll was ${Math.round(last)} s ago`,
      fix,
    );
  }
  return line('worker', subject, 'fail', `no worker polls it for ${what}`, fix);
}

function temporalLines(t: TemporalFacts): DoctorLine[] {
  if ('skipped' in t) return [line('temporal', `Temporal ${t.address}`, 'skip', t.skipped)];
  const subject = `Temporal ${t.address}`;
  if (t.error !== undefined) {
    return [
      line(
        'temporal',
        subject,
        'fail',
        `not reachable (namespace ${t.namespace}): ${t.error}`,
        'start `steward dev-server` (or the compose stack), or set TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE to the server the workers use',
      ),
    ];
  }
  const lines = [line('temporal', subject, 'ok', `reachable, namespace ${t.namespace}`)];
  const sa = t.searchAttributes;
  if (sa && 'error' in sa) {
    lines.push(
      line(
        'search-attributes',
        subject,
        'warn',
        `could not list the namespace's search attributes: ${sa.error}`,
        'make sure StewardPhase, StewardStatus, StewardProject and StewardEscalation are registered as Keyword',
      ),
    );
  } else if (sa && sa.missing.length > 0) {
    const create = sa.missing.map((n) => `--name ${n}`).join(' ');
    lines.push(
      line(
        'search-attributes',
        subject,
        'fail',
        `search attributes missing in ${t.namespace}: ${sa.missing.join(', ')} (a build cannot start without them)`,
        `temporal operator search-attribute create --namespace ${t.namespace} ${create} --type Keyword`,
      ),
    );
  } else if (sa) {
    lines.push(line('search-attributes', subject, 'ok', "Steward's search attributes are registered"));
  }
  return [...lines, ...t.queues.map(queueLine)];
}

/**
 * Every verdict, in the order an operator fixes things: this host's programs, each agent's folder,
 * the git remotes, then Temporal and its workers. `binDir` is what the launch sets STEWARD_BIN to;
 * `testedClaude` the Claude Code release Steward is tested against.
 */
export function doctorChecks(facts: DoctorFacts, opts: { binDir: string; testedClaude: string }): DoctorLine[] {
  const lines: DoctorLine[] = [...tmuxLines(facts)];
  const configFile = facts.configFile ?? 'the config';
  const backends = new Map(facts.backends.map((b) => [b.name, b]));
  for (const b of facts.backends) {
    const cli = cliLine(b, configFile, opts.testedClaude);
    lines.push(cli);
    if (!b.claude || cli.level === 'fail') continue;
    lines.push(claudeConfigLine(b, b.claude), hookLine(b, b.claude, opts.binDir), ...bypassLines(b, b.claude));
  }
  for (const a of facts.agents.filter((x) => x.local)) lines.push(...agentLines(a, backends, configFile));
  for (const s of facts.services.filter((x) => x.local)) lines.push(...serviceLines(s, configFile));
  if (facts.loopRepo) lines.push(loopRepoLine(facts.loopRepo, configFile));
  lines.push(...facts.origins.map(originLine));
  lines.push(...temporalLines(facts.temporal));
  const remote = [...facts.agents, ...facts.services].filter((x) => !x.local);
  for (const host of [...new Set(remote.map((x) => x.host))]) {
    const there = remote.filter((x) => x.host === host);
    const names = there.map((x) => x.name).join(', ');
    lines.push(
      line(
        'remote',
        `host ${host}`,
        'skip',
        `${names} run${there.length === 1 ? 's' : ''} there: not checked from ${facts.host}`,
        `run \`steward doctor\` on ${host} (STEWARD_HOST_ID=${host})`,
      ),
    );
  }
  return lines;
}

export function doctorSummary(lines: readonly DoctorLine[]): DoctorSummary {
  const summary: DoctorSummary = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const l of lines) summary[l.level] += 1;
  return summary;
}

/** 0 when nothing failed, 1 otherwise. */
export function doctorExitCode(lines: readonly DoctorLine[]): 0 | 1 {
  return lines.some((l) => l.level === 'fail') ? 1 : 0;
}

const LABEL: Record<DoctorLevel, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

/** `ok   subject: message`, `FAIL subject: message — fix: …`. */
export function renderDoctorLine(l: DoctorLine): string {
  return `${LABEL[l.level]} ${l.subject}: ${l.message}${l.fix !== undefined && l.level !== 'ok' ? ` — fix: ${l.fix}` : ''}`;
}

export function renderDoctor(
  facts: Pick<DoctorFacts, 'build' | 'configFile' | 'host'>,
  lines: readonly DoctorLine[],
): string[] {
  const s = doctorSummary(lines);
  const counts = [
    `${s.ok} ok`,
    `${s.warn} warning${s.warn === 1 ? '' : 's'}`,
    `${s.fail} failed`,
    ...(s.skip ? [`${s.skip} skipped`] : []),
  ].join(', ');
  const verdict = s.fail > 0 ? `not ready: fix the FAIL line${s.fail === 1 ? '' : 's'} above` : 'ready for a build';
  const what = facts.build === null ? 'no config, the host alone' : `build ${facts.build} (${facts.configFile})`;
  return [`steward doctor: ${what} on host ${facts.host}`, ...lines.map(renderDoctorLine), `${counts}: ${verdict}`];
}
