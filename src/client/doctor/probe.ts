/**
 * The host half of `steward doctor`: finds out what src/core/doctor.ts judges. Each probe runs a
 * program with an argument vector (never a shell string built from the config) and reports what
 * it saw; nothing here decides what is wrong.
 */
import { launchPath, temporalEnv } from '../../host/agent-env';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AgentConfig, BackendConfig, ServiceConfig, StewardConfig } from '../../core/config/types';
import type {
  AgentFacts,
  BackendFacts,
  ClaudeFacts,
  DoctorFacts,
  OriginFacts,
  RepoFacts,
  ServiceFacts,
} from '../../core/doctor';
import { hookArgs, isClaudeBackend } from '../../core/launch';
import { findExecutable } from '../../host/find-executable';
import { runProgram } from '../../host/run-program';
import { Tmux } from '../../host/tmux';
import { claudeConfigFile, isFolderTrusted } from '../../agent/claude-config-dir';
import { claudeVersion } from '../claude-binary';
import { probePane } from './pane-probe';
import { probeTemporal } from './temporal-probe';

const LS_REMOTE_TIMEOUT_MS = 20_000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

async function readJson(file: string): Promise<Json | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

const isDir = (path: string) =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );

/** `https://user:token@host/x` → `https://user:***@host/x`: doctor output is pasted into tickets. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}

async function git(dir: string, args: string[]): Promise<string | null> {
  const r = await runProgram('git', ['-C', dir, ...args], { timeoutMs: 10_000 });
  return r.code === 0 ? r.stdout.trim() : null;
}

async function repoFacts(dir: string): Promise<RepoFacts> {
  if (!(await isDir(dir))) return { dir, isDir: false, gitRoot: null, origin: null };
  const gitRoot = await git(dir, ['rev-parse', '--show-toplevel']);
  const origin = gitRoot === null ? null : await git(dir, ['remote', 'get-url', 'origin']);
  return { dir, isDir: true, gitRoot: gitRoot || null, origin: origin ? redactUrl(origin) : null };
}

/**
 * How a backend switches on bypass mode: by a flag, or by `permissions.defaultMode` in the user
 * settings. Each of them makes Claude Code refuse to run as root outside a sandbox.
 */
export function bypassSource(args: readonly string[], settings: Json | null): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--dangerously-skip-permissions' || a === '--allow-dangerously-skip-permissions') return a;
    if (
      a === '--permission-mode=bypassPermissions' ||
      (a === '--permission-mode' && args[i + 1] === 'bypassPermissions')
    )
      return '--permission-mode bypassPermissions';
  }
  const permissions = settings?.permissions;
  if (isObject(permissions) && permissions.defaultMode === 'bypassPermissions')
    return 'permissions.defaultMode "bypassPermissions" in settings.json';
  return null;
}

async function claudeFacts(backend: BackendConfig, found: string, tmux: Tmux, binDir: string): Promise<ClaudeFacts> {
  const path = launchPath(binDir, backend.env);
  const [version, pane] = await Promise.all([
    claudeVersion(found, { ...process.env, ...backend.env }),
    probePane(tmux, { binDir, env: { ...temporalEnv(), ...backend.env }, path }),
  ]);
  // What the agent sees: the pane's environment (the backend's env over the tmux server's); the
  // backend's env and this process's when no pane could be started.
  const seen = (name: string): string | undefined =>
    pane.error === undefined ? pane.env[name] : (backend.env[name] ?? process.env[name]);
  const home = seen('HOME') || homedir();
  const configDirEnv = seen('CLAUDE_CONFIG_DIR');
  const configDir = configDirEnv || join(home, '.claude');
  const configFile = configDirEnv ? claudeConfigFile(configDirEnv) : join(home, '.claude.json');
  const [config, settings] = await Promise.all([readJson(configFile), readJson(join(configDir, 'settings.json'))]);
  const isSandbox = seen('IS_SANDBOX') ?? null;
  return {
    version,
    stewardHooks: hookArgs(backend).length > 0,
    pane,
    configDir,
    configFile,
    onboarded: config === null ? null : config.hasCompletedOnboarding === true,
    bypass: bypassSource(backend.args, settings),
    bypassConsentIn:
      settings?.skipDangerousModePermissionPrompt === true
        ? join(configDir, 'settings.json')
        : config?.bypassPermissionsModeAccepted === true
          ? configFile
          : null,
    acceptBypassMode: backend.accept_bypass_mode === true,
    trustWorkdir: backend.trust_workdir === true,
    uid: pane.uid ?? process.getuid?.() ?? null,
    isSandbox,
    isSandboxFrom:
      isSandbox === null ? null : backend.env.IS_SANDBOX !== undefined ? 'backend env' : 'tmux environment',
    bubblewrap: Boolean(seen('CLAUDE_CODE_BUBBLEWRAP')),
  };
}

async function backendFacts(backend: BackendConfig, tmux: Tmux, binDir: string): Promise<BackendFacts> {
  const found = await findExecutable(backend.command, launchPath(binDir, backend.env));
  const facts: BackendFacts = {
    name: backend.name,
    command: backend.command,
    found,
    isClaude: isClaudeBackend(backend),
  };
  if (found !== null && facts.isClaude) facts.claude = await claudeFacts(backend, found, tmux, binDir);
  return facts;
}

async function agentFacts(
  agent: AgentConfig,
  host: string,
  local: boolean,
  backends: Map<string, BackendFacts>,
): Promise<AgentFacts> {
  const base = { name: agent.name, kind: agent.kind, backend: agent.backend, host, local, cwd: agent.cwd };
  if (!local) return { ...base, cwdIsDir: false, gitRoot: null, origin: null };
  const repo = await repoFacts(agent.cwd);
  const facts: AgentFacts = { ...base, cwdIsDir: repo.isDir, gitRoot: repo.gitRoot, origin: repo.origin };
  const claude = backends.get(agent.backend)?.claude;
  if (claude && repo.isDir) {
    facts.trusted = await isFolderTrusted(claude.configFile, agent.cwd);
    facts.configFile = claude.configFile;
  }
  return facts;
}

async function serviceFacts(
  service: ServiceConfig,
  host: string,
  local: boolean,
  binDir: string,
): Promise<ServiceFacts> {
  const base = { name: service.name, host, local, cwd: service.cwd, command: service.command };
  if (!local) return { ...base, cwdIsDir: false, found: null };
  const [cwdIsDir, found] = await Promise.all([
    isDir(service.cwd),
    findExecutable(service.command, launchPath(binDir, service.env)),
  ]);
  return { ...base, cwdIsDir, found };
}

/** `git ls-remote --heads origin` once per distinct remote, in the first clone that uses it. */
async function originFacts(clones: { who: string; repo: RepoFacts; watched: boolean }[]): Promise<OriginFacts[]> {
  const byUrl = new Map<string, OriginFacts>();
  for (const { who, repo, watched } of clones) {
    if (repo.origin === null) continue;
    const known = byUrl.get(repo.origin);
    if (known) {
      known.users.push(who);
      known.watched ||= watched;
    } else {
      byUrl.set(repo.origin, { url: repo.origin, dir: repo.dir, users: [who], error: null, heads: [], watched });
    }
  }
  return Promise.all(
    [...byUrl.values()].map(async (o) => {
      const started = Date.now();
      // No credential prompt: a remote that wants one is unreachable for an unattended worker too.
      const r = await runProgram('git', ['-C', o.dir, 'ls-remote', '--heads', 'origin'], {
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
        timeoutMs: LS_REMOTE_TIMEOUT_MS,
      });
      if (r.code === 0) {
        o.heads = r.stdout
          .split('\n')
          .map((l) => /\trefs\/heads\/(.+)$/.exec(l)?.[1])
          .filter((h): h is string => h !== undefined);
      } else if (Date.now() - started >= LS_REMOTE_TIMEOUT_MS) {
        o.error = `no answer within ${LS_REMOTE_TIMEOUT_MS / 1000} s`;
      } else {
        o.error = redactUrl(
          r.stderr
            .split('\n')
            .map((l) => l.trim())
            .find((l) => l !== '') ?? `git exited ${r.code}`,
        );
      }
      return o;
    }),
  );
}

export interface DoctorProbeOptions {
  /** This host's id. */
  host: string;
  /** What launches set STEWARD_BIN to (the worker's bin dir). */
  binDir: string;
  /** The agents' tmux server (`tmux -L`), as the worker's STEWARD_TMUX_SOCKET. */
  tmuxSocket?: string;
  forUp: boolean;
}

/**
 * Everything `steward doctor` judges, for a config (the agents and services on this host) or, with
 * none, for the host alone (the built-in `claude` backend, Temporal, this host's worker).
 */
export async function probeHost(
  config: StewardConfig | null,
  fallbackBackend: BackendConfig,
  opts: DoctorProbeOptions,
): Promise<DoctorFacts> {
  const tmux = new Tmux(opts.tmuxSocket);
  const hostOf = (x: { host?: string }) => x.host ?? opts.host;
  const agents = config?.agents ?? [];
  const services = config?.services ?? [];
  const localAgents = agents.filter((a) => hostOf(a) === opts.host);
  const usedBackends = config
    ? [...new Set(localAgents.map((a) => a.backend))].flatMap((name) =>
        config.backends[name] ? [config.backends[name]] : [],
      )
    : [fallbackBackend];
  const hosts = [opts.host, ...agents.map(hostOf), ...services.map(hostOf)];

  const temporal = probeTemporal({ hosts, thisHost: opts.host, forUp: opts.forUp });
  const tmuxVersion = runProgram('tmux', ['-V'], { timeoutMs: 10_000 });
  const backendList = await Promise.all(usedBackends.map((b) => backendFacts(b, tmux, opts.binDir)));
  const backends = new Map(backendList.map((b) => [b.name, b]));
  const agentList = await Promise.all(agents.map((a) => agentFacts(a, hostOf(a), hostOf(a) === opts.host, backends)));
  const serviceList = await Promise.all(
    services.map((s) => serviceFacts(s, hostOf(s), hostOf(s) === opts.host, opts.binDir)),
  );
  const loopRepo = config?.loop ? await repoFacts(config.loop.repo) : undefined;
  const clones = [
    ...(loopRepo ? [{ who: 'loop repo', repo: loopRepo, watched: true }] : []),
    ...agentList
      .filter((a) => a.local)
      .map((a) => ({
        who: `agent ${a.name}`,
        repo: { dir: a.cwd, isDir: a.cwdIsDir, gitRoot: a.gitRoot, origin: a.origin },
        watched: false,
      })),
  ];
  const tv = await tmuxVersion;
  return {
    build: config?.name ?? null,
    configFile: config?.source ?? null,
    host: opts.host,
    tmux: {
      socket: opts.tmuxSocket ?? null,
      version: tv.code === 0 && tv.stdout.trim() ? tv.stdout.trim() : null,
      ...(tv.code === 0 ? {} : { error: tv.stderr.trim().split('\n')[0] || `tmux -V exited ${tv.code}` }),
    },
    backends: backendList,
    agents: agentList,
    services: serviceList,
    ...(loopRepo ? { loopRepo } : {}),
    origins: await originFacts(clones),
    temporal: await temporal,
  };
}
