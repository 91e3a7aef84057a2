/**
 * Turns a validated agents.toml into the resolved StewardConfig: [defaults] applied to every agent,
 * built-in backends merged, paths made absolute, kickoff files inlined, durations already in ms.
 * Runs only after validation passed, so references it follows are known to exist.
 */
import { BUILTIN_BACKENDS } from './builtin-backends';
import type { ConfigContext } from './context';
import { kickoffFileKey } from './context';
import { resolveLearning } from './learning';
import { buildNameOf, defaultSessionPrefix } from './names';
import { normalizePath, resolvePath } from './paths';
import type { RawAgent, RawBackend, RawConfig, RawInbox, RawLoop } from './raw-schema';
import type {
  AgentConfig,
  BackendConfig,
  BudgetConfig,
  BudgetLimit,
  HandoffConfig,
  InboxConfig,
  LoopConfig,
  PriceConfig,
  ServiceConfig,
  StewardConfig,
  WatchdogConfig,
} from './types';

const DEFAULT_WAKE_MESSAGE =
  'Scheduled wake from Steward: check for new work (git log, your inbox and status files) and carry on; if nothing is pending, say so and wait.';

/** Drops keys whose value is undefined, so the config is plain JSON with no `undefined` holes. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function resolveConfig(raw: RawConfig, ctx: ConfigContext): StewardConfig {
  const path = (written: string) => resolvePath(ctx.baseDir, written, ctx.homeDir);
  const name = buildNameOf(raw.name, ctx.source);
  const sessionPrefix = raw.session_prefix ?? raw.defaults.session_prefix ?? defaultSessionPrefix(name);
  const agents = raw.agent.map((agent) => resolveAgent(agent, raw.defaults, sessionPrefix, ctx));
  return defined({
    name,
    source: ctx.source,
    state_dir: path(raw.state_dir ?? raw.log_dir ?? raw.defaults.log_dir ?? `.steward/${name}`),
    session_prefix: sessionPrefix,
    watchdog: resolveWatchdog(raw),
    backends: resolveBackends(raw.backend, path),
    agents,
    services: raw.service.map((service): ServiceConfig =>
      defined({
        name: service.name,
        session: service.session ?? sessionPrefix + service.name,
        command: service.command[0],
        args: [...service.command.slice(1), ...(service.args ?? [])],
        cwd: path(service.cwd ?? service.dir ?? '.'),
        env: service.env ?? {},
        watch: service.watch ?? 'heal',
        host: service.host,
      }),
    ),
    loop: raw.loop && resolveLoop(raw.loop, new Set(agents.map((agent) => agent.name)), path, ctx.gitRoot),
    budget: raw.budget && resolveBudget(raw.budget),
    prices: raw.prices && resolvePrices(raw.prices),
    learning: raw.learning && resolveLearning(raw.learning, path),
  });
}

function resolveWatchdog(raw: RawConfig): WatchdogConfig {
  const w = raw.watchdog;
  return {
    signal_interval: w.signal_interval,
    heavy_interval: w.heavy_interval,
    stall_grace: w.stall_grace,
    stall_idle: w.stall_idle,
    // The driver read [loop].token_granularity when [watchdog] had none; validation rejects a conflict.
    token_granularity: raw.loop?.token_granularity ?? w.token_granularity,
    log_tokens: w.log_tokens,
    reboot_backoff: w.reboot_backoff,
    crash_loop_reboots: w.crash_loop_reboots,
    crash_loop_window: w.crash_loop_window,
    limit_reset_slack: w.limit_reset_slack,
    limit_probe_fallback: w.limit_probe_fallback,
  };
}

/** Built-ins first, then each [backend.<name>] merged over the built-in of that name, key by key. */
function resolveBackends(
  written: Record<string, RawBackend>,
  path: (p: string) => string,
): Record<string, BackendConfig> {
  const backends: Record<string, BackendConfig> = {};
  for (const name of new Set([...Object.keys(BUILTIN_BACKENDS), ...Object.keys(written)])) {
    const base = BUILTIN_BACKENDS[name] as BackendConfig | undefined;
    const file: RawBackend = written[name] ?? {};
    // A file that names its own command brings its own arguments; the built-in's belong to the built-in's command.
    const args = file.command ? [...file.command.slice(1), ...(file.args ?? [])] : (file.args ?? base?.args ?? []);
    const transcripts = file.transcripts ?? base?.transcripts;
    backends[name] = defined({
      name,
      command: file.command?.[0] ?? base?.command ?? name,
      args,
      submit_key: file.submit_key ?? base?.submit_key ?? 'Enter',
      busy_patterns: file.busy_patterns ?? base?.busy_patterns ?? [],
      idle_patterns: file.idle_patterns ?? base?.idle_patterns ?? [],
      limit_patterns: file.limit_patterns ?? base?.limit_patterns ?? [],
      env: { ...base?.env, ...file.env },
      transcripts: transcripts === undefined ? undefined : path(transcripts),
      session_id_flag: file.session_id_flag ?? base?.session_id_flag,
      trust_workdir: file.trust_workdir,
      accept_bypass_mode: file.accept_bypass_mode,
    });
  }
  return backends;
}

function resolveAgent(
  agent: RawAgent,
  defaults: RawConfig['defaults'],
  sessionPrefix: string,
  ctx: ConfigContext,
): AgentConfig {
  const kind = agent.kind ?? defaults.kind ?? 'loop';
  const fileText = (file: string | undefined) =>
    file === undefined ? undefined : ctx.kickoffFiles?.[kickoffFileKey(ctx, file)];
  // The agent's own kickoff (inline or file) beats the default one.
  const kickoff =
    agent.kickoff ?? fileText(agent.kickoff_file) ?? defaults.kickoff ?? fileText(defaults.kickoff_file) ?? '';
  const wake = agent.wake ?? defaults.wake;
  return defined({
    name: agent.name,
    kind,
    session: agent.session ?? sessionPrefix + agent.name,
    backend: agent.backend ?? defaults.backend ?? 'claude',
    cwd: resolvePath(ctx.baseDir, agent.cwd ?? agent.dir ?? defaults.cwd ?? defaults.dir ?? '.', ctx.homeDir),
    kickoff,
    wake: wake && { interval: wake.interval, message: wake.message ?? DEFAULT_WAKE_MESSAGE },
    watch: agent.watch ?? defaults.watch ?? (kind === 'loop' ? 'heal+stall' : 'heal'),
    host: agent.host ?? defaults.host,
  });
}

function defaultPhaseKickoff(id: string, statusPath: string, doneMarker: string): string {
  return (
    `Phase ${id} starts now. Read its plan, keep ${statusPath} current, and write "${doneMarker}" there ` +
    'once every Definition-of-Done item has passed review.'
  );
}

function resolveLoop(
  loop: RawLoop,
  agentNames: Set<string>,
  path: (p: string) => string,
  gitRoot: string | undefined,
): LoopConfig {
  // Validation guarantees that one of the two repos is set, or that the config file is in a git repo.
  const repo = path((loop.repo ?? loop.handoff?.repo ?? gitRoot) as string);
  const stateSubdir = normalizePath(loop.state_subdir);
  const phases = loop.phases.map((phase) => {
    const status = normalizePath(phase.status ?? `STATUS-${phase.id}.md`);
    return {
      id: phase.id,
      status,
      kickoff: phase.kickoff ?? defaultPhaseKickoff(phase.id, `${stateSubdir}/${status}`, loop.done_marker),
    };
  });
  return defined({
    repo,
    host: loop.host,
    state_subdir: stateSubdir,
    done_marker: loop.done_marker,
    done_nudge: loop.done_nudge,
    phases,
    handoff: loop.handoff && resolveHandoff(loop.handoff, repo, agentNames, path),
  });
}

function resolveHandoff(
  handoff: NonNullable<RawLoop['handoff']>,
  loopRepo: string,
  agentNames: Set<string>,
  path: (p: string) => string,
): HandoffConfig {
  // The driver pinged "adversary" on a claim and "builder" on a review; keep that where those agents exist.
  const pingDefault = (name: string) => (agentNames.has(name) ? [name] : []);
  return {
    repo: handoff.repo === undefined ? loopRepo : path(handoff.repo),
    claim_pattern: handoff.claim_pattern,
    review_pattern: handoff.review_pattern,
    claim_pings: handoff.claim_pings ?? pingDefault('adversary'),
    review_pings: handoff.review_pings ?? pingDefault('builder'),
    inboxes: handoff.inboxes.flatMap(resolveInbox),
    pass_words: handoff.pass_words,
    fail_words: handoff.fail_words,
  };
}

/** One entry per pinged agent: an inbox naming several agents pings each of them. */
function resolveInbox(inbox: RawInbox): InboxConfig[] {
  const [file, agents] = Array.isArray(inbox) ? inbox : [inbox.file, inbox.agent];
  return agents.map((agent) => ({ file: normalizePath(file), agent }));
}

function resolveBudget(budget: NonNullable<RawConfig['budget']>): BudgetConfig {
  const flat: BudgetLimit | undefined =
    budget.tokens === undefined && budget.usd === undefined
      ? undefined
      : defined({ tokens: budget.tokens, usd: budget.usd });
  return defined({ build: budget.build ?? flat, phase: budget.phase, warn_ratio: budget.warn_ratio });
}

/** An empty `[prices]` is no table at all. Keys are copied as own properties, whatever they spell. */
function resolvePrices(prices: NonNullable<RawConfig['prices']>): Record<string, PriceConfig> | undefined {
  const entries = Object.entries(prices).map(([id, price]): [string, PriceConfig] => [id, defined({ ...price })]);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
