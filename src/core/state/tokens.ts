/**
 * The token part of a build's state: the agents' cumulative usage, the open windows (build, phase,
 * gate) as baselines of it, and the latest records. Plain JSON (no Map, Set, Date or classes), so
 * it lives in workflow state as is. The decisions over it are in ../tokens/.
 */

/**
 * Token counts of one API response (or a sum of many), as Claude Code's transcripts report them.
 *
 * Invariant kept by every producer: cache_creation_input_tokens = cache_creation_5m +
 * cache_creation_1h. The split matters because a 1-hour cache write costs 2× input and a
 * 5-minute one 1.25×; the total is kept as well because that is what every report shows.
 */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_creation_5m: number;
  cache_creation_1h: number;
  cache_read_input_tokens: number;
}

/** One agent's cumulative usage over every session it ever had. */
export interface AgentTokenTotal {
  usage: TokenUsage;
  /** Dollars for the priced models only; `unpriced` names the models it leaves out. */
  costUsd: number;
  unpriced: string[];
}

/** Agent name → cumulative usage. */
export type PerAgentUsage = Record<string, AgentTokenTotal>;

/** The counts every report shows (the cache write split is only for pricing). */
export interface UsageFigures {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface TokenFigures extends UsageFigures {
  total: number;
}

/** One line of token-log.jsonl, in the original driver's shape (plus cost). */
export interface TokenRecord {
  /** `<phase>` for a phase rollup, `<phase>:<gate label>` for a gate. */
  phase_id: string;
  /** ISO 8601, UTC, to the second. */
  started: string;
  ended: string;
  duration_s: number;
  agents: Record<string, TokenFigures>;
  total: TokenFigures;
  /** Priced models only, to the micro-dollar. */
  cost_usd: number;
  /** Models without a price used by agents that spent tokens in the window: not in cost_usd. */
  unpriced_models: string[];
}

/** A window's usage is `totals − baseline`: the totals when it opened are its baseline. */
export interface TokenWindow {
  /** Epoch ms at which the window opened. */
  at: number;
  baseline: PerAgentUsage;
}

export interface TokenAccountingState {
  /** The current phase's window; null before the first tick and after the sequence completes. */
  phaseStart: (TokenWindow & { phase: string }) | null;
  /** The gate being tracked (granularity 'gate'); null before a phase's first claim. */
  gate: (TokenWindow & { label: string; phase: string }) | null;
  /** The build's window, opened on the first tick: build budgets count from here. */
  build: TokenWindow | null;
  /** Latest cumulative totals. */
  totals: PerAgentUsage;
  /** Sum of `totals`' costs. */
  costUsd: number;
  /** The most recent records (at most RECENT_TOKEN_RECORDS); token-log.jsonl has them all. */
  records: TokenRecord[];
  warned: { build: boolean; phase: boolean };
  /** Over a budget limit now (set once `budget_exceeded` was raised, cleared when back under). */
  exceeded: boolean;
  /** Agent → every session id it ever had, oldest first: reboots give new ids, all are read. */
  sessions: Record<string, string[]>;
}

export const RECENT_TOKEN_RECORDS = 20;

export function emptyTokenAccounting(): TokenAccountingState {
  return {
    phaseStart: null,
    gate: null,
    build: null,
    totals: {},
    costUsd: 0,
    records: [],
    warned: { build: false, phase: false },
    exceeded: false,
    sessions: {},
  };
}
