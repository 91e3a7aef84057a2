/**
 * The shape of agents.toml as written: every section, key and type the original driver's files
 * use, plus Steward's additions. Defaults that need nothing but the key itself are applied here;
 * defaults that depend on other keys or on the file's location are applied in resolve.ts.
 */
import { z } from 'zod';
import type { WatchdogConfig } from './types';
import type { RetroThresholds } from '../learning/types';
import {
  commandVector,
  driverOnly,
  duration,
  interval,
  nameOrList,
  pattern,
  safeId,
  sessionSafeName,
  stateFile,
  stringMap,
  table,
} from './fields';
import { sessionPrefixError } from './names';
import { MAX_LESSONS_TOP_K } from './limits';
import { DEFAULT_RETRO_THRESHOLDS as T } from '../learning/thresholds';
import { DEFAULT_LESSONS_HALF_LIFE_MS, DEFAULT_LESSONS_TOP_K } from './learning';
import { staysInside } from './paths';
import { DEFAULT_FAIL_WORDS, DEFAULT_PASS_WORDS } from './verdict-words';

/** The original driver's wake interval when a wake table gives none. */
const DEFAULT_WAKE_INTERVAL_MS = 3_600_000;

const kind = z.enum(['loop', 'persistent', 'task']);
const agentWatch = z.enum(['heal', 'heal+stall', 'none']);
const tokenGranularity = z.enum(['gate', 'phase']);
const nonEmpty = () => z.string().min(1);

const watchdogSchema = table({
  signal_interval: interval().default(15_000),
  heavy_interval: interval().default(120_000),
  stall_grace: duration().default(180_000),
  stall_idle: interval().default(600_000),
  token_granularity: tokenGranularity.default('gate'),
  log_tokens: z.boolean().default(true),
  reboot_backoff: duration().default(60_000),
  crash_loop_reboots: z.int().min(1).default(3),
  crash_loop_window: interval().default(3_600_000),
  limit_reset_slack: duration().default(60_000),
  limit_probe_fallback: interval().default(900_000),
});

const backendSchema = table({
  command: commandVector().optional(),
  args: z.array(z.string()).optional(),
  submit_key: nonEmpty().optional(),
  busy_patterns: z.array(pattern()).optional(),
  idle_patterns: z.array(pattern()).optional(),
  limit_patterns: z.array(pattern()).optional(),
  env: stringMap().optional(),
  transcripts: nonEmpty().optional(),
  session_id_flag: nonEmpty().optional(),
  trust_workdir: z.boolean().optional(),
  accept_bypass_mode: z.boolean().optional(),
  prompt_delivery: driverOnly(),
});

const wakeSchema = table({
  interval: interval().default(DEFAULT_WAKE_INTERVAL_MS),
  message: nonEmpty().optional(),
});

/** Keys an agent may set, and [defaults] may set for every agent. */
const agentKeys = {
  kind: kind.optional(),
  backend: nonEmpty().optional(),
  cwd: nonEmpty().optional(),
  /** The driver's spelling of `cwd`. */
  dir: nonEmpty().optional(),
  kickoff: z.string().optional(),
  kickoff_file: nonEmpty().optional(),
  wake: wakeSchema.optional(),
  watch: agentWatch.optional(),
  host: safeId().optional(),
  model: driverOnly(),
};

const sessionPrefix = z.string().superRefine((prefix, ctx) => {
  const error = sessionPrefixError(prefix);
  if (error !== undefined) ctx.addIssue({ code: 'custom', message: error });
});

const defaultsSchema = table({
  ...agentKeys,
  // The driver kept these two project-wide settings in [defaults].
  session_prefix: sessionPrefix.optional(),
  log_dir: nonEmpty().optional(),
});

const agentSchema = table({ name: sessionSafeName(), session: sessionSafeName().optional(), ...agentKeys });

const serviceSchema = table({
  name: sessionSafeName(),
  command: commandVector(),
  args: z.array(z.string()).optional(),
  cwd: nonEmpty().optional(),
  dir: nonEmpty().optional(),
  env: stringMap().optional(),
  session: sessionSafeName().optional(),
  // A service has no agent pane to read, so it can be healed but not judged stalled.
  watch: z.enum(['heal', 'none']).optional(),
  host: safeId().optional(),
});

const phaseSchema = table({
  id: safeId(),
  status: stateFile().optional(),
  kickoff: z.string().optional(),
  model: driverOnly(),
});

const inboxSchema = z.union([table({ file: stateFile(), agent: nameOrList() }), z.tuple([stateFile(), nameOrList()])], {
  error: 'expected { file = "…", agent = "…" } or ["file", "agent"]',
});

/** A word (or phrase) that gives a review its verdict, matched as a whole word in any case. */
const verdictWord = z.string().refine((word) => word.trim() !== '', 'expected a word, not a blank string');

const handoffSchema = table({
  repo: nonEmpty().optional(),
  claim_pattern: pattern().default('^claim'),
  review_pattern: pattern().default('^review'),
  claim_pings: nameOrList().optional(),
  review_pings: nameOrList().optional(),
  inboxes: z.array(inboxSchema).default([]),
  pass_words: z.array(verdictWord).default([...DEFAULT_PASS_WORDS]),
  fail_words: z.array(verdictWord).default([...DEFAULT_FAIL_WORDS]),
});

const subdir = nonEmpty().superRefine((dir, ctx) => {
  if (!staysInside(dir))
    ctx.addIssue({ code: 'custom', message: `\`${dir}\` must be a relative path inside the work repo` });
});

const loopSchema = table({
  repo: nonEmpty().optional(),
  /** The host whose worker observes the work repo (its clone is there); default the build's host. */
  host: safeId().optional(),
  state_subdir: subdir.default('.steward-state'),
  done_marker: nonEmpty().default('## DONE'),
  done_nudge: z.boolean().default(true),
  // The driver also looked for token_granularity here when [watchdog] did not set it.
  token_granularity: tokenGranularity.optional(),
  phases: z.array(phaseSchema).default([]),
  handoff: handoffSchema.optional(),
});

const budgetLimitSchema = table({ tokens: z.int().positive().optional(), usd: z.number().positive().optional() });

const budgetSchema = table({
  build: budgetLimitSchema.optional(),
  phase: budgetLimitSchema.optional(),
  warn_ratio: z.number().gt(0).lte(1).default(0.8),
  // Flat `tokens` / `usd` are shorthand for the build budget.
  tokens: z.int().positive().optional(),
  usd: z.number().positive().optional(),
});

/** A price in dollars per million tokens. */
const usdPerMillion = () => z.number().min(0);

const priceSchema = table({
  input: usdPerMillion(),
  output: usdPerMillion(),
  cache_write_5m: usdPerMillion().optional(),
  cache_write_1h: usdPerMillion().optional(),
  cache_read: usdPerMillion().optional(),
});

/** Model ids as the API returns them in message.model (`claude-opus-5-5`; Bedrock and Vertex ids have `.`, `:`, `@`). */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;

const modelId = z.string().superRefine((id, ctx) => {
  if (/\[1m\]$/i.test(id)) {
    ctx.addIssue({
      code: 'custom',
      message: `write the id without "[1m]" (\`${id.slice(0, -4)}\`): the 1M-context variant is priced as its model`,
    });
  } else if (!MODEL_ID.test(id)) {
    ctx.addIssue({
      code: 'custom',
      message:
        'expected a model id as transcripts record it, e.g. "claude-opus-5-5": up to 128 letters, digits and . _ : @ / -',
    });
  }
});

/** A share of something, such as 0.3 for 30 %. */
const share = () => z.number().gt(0).lte(1);
const positive = () => z.number().positive();
const atLeastOne = () => z.int().min(1);

const thresholdsSchema = table({
  success_drop_points: z.number().gt(0).lte(100).default(T.success_drop_points),
  velocity_drop: share().default(T.velocity_drop),
  duration_creep: positive().default(T.duration_creep),
  type_failure_rate: share().default(T.type_failure_rate),
  long_type_multiple: z.number().gt(1).default(T.long_type_multiple),
  outlier_z: positive().default(T.outlier_z),
  outlier_cluster: atLeastOne().default(T.outlier_cluster),
  reviewer_rejection: share().default(T.reviewer_rejection),
  agent_cost_multiple: z.number().gt(1).default(T.agent_cost_multiple),
  rate_limit_share: share().default(T.rate_limit_share),
  min_samples: atLeastOne().default(T.min_samples),
});

/** `[learning]`; its paths' defaults depend on the file's location (learning.ts). */
const learningSchema = table({
  retro_dir: nonEmpty().optional(),
  lessons_file: nonEmpty().optional(),
  inject: z.boolean().default(false),
  top_k: z.int().min(1).max(MAX_LESSONS_TOP_K).default(DEFAULT_LESSONS_TOP_K),
  half_life: interval().default(DEFAULT_LESSONS_HALF_LIFE_MS),
  auto_accept: z.boolean().default(false),
  reflection_agent: nonEmpty().optional(),
  thresholds: thresholdsSchema.prefault({}),
});

export const rawConfigSchema = table({
  name: safeId().optional(),
  session_prefix: sessionPrefix.optional(),
  state_dir: nonEmpty().optional(),
  /** The driver's name for the state dir. */
  log_dir: nonEmpty().optional(),
  watchdog: watchdogSchema.prefault({}),
  backend: z.record(z.string(), backendSchema).default({}),
  defaults: defaultsSchema.prefault({}),
  agent: z.array(agentSchema).default([]),
  service: z.array(serviceSchema).default([]),
  loop: loopSchema.optional(),
  budget: budgetSchema.optional(),
  prices: z.record(modelId, priceSchema).optional(),
  learning: learningSchema.optional(),
});

export type RawConfig = z.output<typeof rawConfigSchema>;
export type RawAgent = RawConfig['agent'][number];
export type RawBackend = RawConfig['backend'][string];
export type RawLoop = NonNullable<RawConfig['loop']>;
export type RawInbox = NonNullable<RawLoop['handoff']>['inboxes'][number];
export type RawLearning = NonNullable<RawConfig['learning']>;

/** Compile-time check: the [watchdog] section, defaults applied, is exactly a WatchdogConfig. */
type Assignable<T extends U, U> = T;
export type WatchdogMatchesContract = Assignable<z.output<typeof watchdogSchema>, WatchdogConfig>;
/** … and [learning.thresholds] exactly the RetroThresholds. */
export type ThresholdsMatchContract = Assignable<z.output<typeof thresholdsSchema>, RetroThresholds>;
