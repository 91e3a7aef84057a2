/**
 * The resolved Steward configuration: what `loadConfig` returns after validation, with every
 * default filled in. Key names follow the original driver's agents.toml so `config show` mirrors
 * the file an operator wrote. All durations are resolved to MILLISECONDS (the file may say
 * `90`, meaning seconds, or `"90s"`, `"1h"`, `"250ms"`).
 */

import type { LearningConfig } from '../learning/types';

export type AgentKind = 'loop' | 'persistent' | 'task';
export type WatchMode = 'heal' | 'heal+stall' | 'none';
export type TokenGranularity = 'gate' | 'phase';

export interface WatchdogConfig {
  /** Light tick: handoff, stalls, limits, wakes, phase advance. */
  signal_interval: number;
  /** Heavy tick: healing dead sessions. */
  heavy_interval: number;
  /** No stall verdict this soon after an agent (re)starts. */
  stall_grace: number;
  /** Idle this long with no WAITING-UNTIL marker is a stall. */
  stall_idle: number;
  token_granularity: TokenGranularity;
  log_tokens: boolean;
  /** First reboot backoff; doubles per reboot inside the crash-loop window. */
  reboot_backoff: number;
  /** This many reboots of one agent within `crash_loop_window` is a crash loop. */
  crash_loop_reboots: number;
  crash_loop_window: number;
  /** Added to a usage limit's reset time before the agent is told to continue. */
  limit_reset_slack: number;
  /** A limit with no readable reset time is probed this long after it is seen. */
  limit_probe_fallback: number;
}

export interface BackendConfig {
  name: string;
  /** Program to run (looked up on PATH) and its arguments: an argument vector, never a shell string. */
  command: string;
  args: string[];
  /** tmux key name sent after the literal text, e.g. "Enter". */
  submit_key: string;
  /** Regexes over the pane tail. */
  busy_patterns: string[];
  idle_patterns: string[];
  limit_patterns: string[];
  env: Record<string, string>;
  /** Directory the backend writes JSONL transcripts under (Claude Code: ~/.claude/projects). */
  transcripts?: string;
  /** Flag that fixes the session id, e.g. "--session-id" for Claude Code; absent = not supported. */
  session_id_flag?: string;
  /** Claude Code's folder-trust dialog at start: answer "Yes, I trust this folder" (else escalate). */
  trust_workdir?: boolean;
  /** Claude Code's bypass-permissions warning at start: answer "Yes, I accept" (else escalate). */
  accept_bypass_mode?: boolean;
}

export interface WakeConfig {
  interval: number;
  message: string;
}

export interface AgentConfig {
  name: string;
  kind: AgentKind;
  /** tmux session name. */
  session: string;
  backend: string;
  /** Absolute working directory. */
  cwd: string;
  /** Kickoff prompt text (a `kickoff_file` is read and inlined at load time). */
  kickoff: string;
  wake?: WakeConfig;
  watch: WatchMode;
  /** Host id whose activity queue owns this agent's tmux session; default: the build's host. */
  host?: string;
}

export interface ServiceConfig {
  name: string;
  session: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  watch: WatchMode;
  host?: string;
}

export interface PhaseConfig {
  id: string;
  /** Status file name, relative to the loop's state subdir of the work repo. */
  status: string;
  /** Kickoff message sent to the loop agents when the phase starts. */
  kickoff: string;
}

export interface InboxConfig {
  /** File name, relative to the state subdir. */
  file: string;
  /** Agent pinged when the file changes. */
  agent: string;
}

export interface HandoffConfig {
  /** Absolute path of the work repo clone that the supervisor fetches (has an `origin`). */
  repo: string;
  claim_pattern: string;
  review_pattern: string;
  claim_pings: string[];
  review_pings: string[];
  inboxes: InboxConfig[];
  /**
   * Words that make a review a pass or a fail (whole words, any case; the first in its subject,
   * else in the lines its commit added, wins). Absent in configs carried over from before they
   * existed: read them with `verdictWords`.
   */
  pass_words?: string[];
  fail_words?: string[];
}

export interface LoopConfig {
  /** Absolute path of the work repo (its origin/main is what is watched). */
  repo: string;
  /** Host id whose worker observes the work repo; default: the build's host. */
  host?: string;
  /** Subdirectory of the work repo holding status and inbox files. */
  state_subdir: string;
  done_marker: string;
  done_nudge: boolean;
  phases: PhaseConfig[];
  handoff?: HandoffConfig;
}

export interface BudgetLimit {
  tokens?: number;
  usd?: number;
}

export interface BudgetConfig {
  build?: BudgetLimit;
  phase?: BudgetLimit;
  warn_ratio: number;
}

/**
 * One model's price, in dollars per million tokens (`[prices."<model id>"]`). It replaces the
 * built-in price of that id as a whole: cache prices left out are the usual multiples of `input`
 * (5-minute write 1.25x, 1-hour write 2x, read 0.1x), not the built-in entry's.
 */
export interface PriceConfig {
  input: number;
  output: number;
  cache_write_5m?: number;
  cache_write_1h?: number;
  cache_read?: number;
}

export interface StewardConfig {
  /** Build name: the workflow id is `build/<name>`. */
  name: string;
  /** Absolute path of the file this was loaded from. */
  source: string;
  /** Directory for Steward's own files for this build (event log, token log). */
  state_dir: string;
  session_prefix: string;
  watchdog: WatchdogConfig;
  backends: Record<string, BackendConfig>;
  agents: AgentConfig[];
  services: ServiceConfig[];
  loop?: LoopConfig;
  budget?: BudgetConfig;
  /** `[prices]`: model id → price, over and beside the built-in table; absent when the file has none. */
  prices?: Record<string, PriceConfig>;
  /**
   * `[learning]`, every default filled in; absent when the file has none (so configs written
   * before it existed keep their hash): read it with `learningOf` (learning.ts), which fills the defaults.
   */
  learning?: LearningConfig;
}
