/**
 * What the host's token activity (`readAgentTokens`, over the agents' transcripts) is asked and
 * what it returns. Types only, plain JSON: they cross the workflow/activity boundary.
 */
import type { PerAgentUsage } from '../state/tokens';
import type { ModelPrice } from './pricing';

/** The input of `readAgentTokens`. */
export interface AgentTokenRequest {
  /** JSON file holding the reader's cursors and the ledger, e.g. `<state_dir>/token-ledger.json`. */
  ledgerFile: string;
  /** Agent name → its transcripts dir (`transcriptsDir`) and every session id it ever had. */
  agents: Record<string, { dir: string; sessionIds: string[] }>;
  /** The build's `[prices]`, over the built-in price table; absent when the config has none. */
  prices?: Record<string, ModelPrice>;
}

/** The latest usage-limit line seen in an agent's transcripts. */
export interface AgentLimitRecord {
  agent: string;
  text: string;
  /** Epoch ms of the transcript line; null when it carried no readable timestamp. */
  at: number | null;
}

export interface TokenReadStats {
  /** Transcript files followed. */
  files: number;
  /** Files that had new bytes. */
  filesRead: number;
  bytesRead: number;
  /** Files read again from 0 (truncated, replaced or rewritten). */
  resets: number;
  /** True when the ledger file was missing or unreadable, so the ledger started empty (all files read from 0). */
  fresh: boolean;
  /** True when the ledger file was written by this call (it is saved at most once a minute). */
  saved: boolean;
}

/** What `readAgentTokens` returns. */
export interface AgentTokenTotals {
  agents: PerAgentUsage;
  limits: AgentLimitRecord[];
  /** The session ids that were asked about, per agent (echoed, so the workflow remembers them). */
  sessions: Record<string, string[]>;
  read: TokenReadStats;
}
