/** What one observe activity reports about the world: plain JSON, the input to every decision. */

export interface CommitSubject {
  sha: string;
  subject: string;
}

export interface AgentObservation {
  alive: boolean;
  tail: string;
  /** tmux #{window_activity}, epoch seconds. */
  windowActivity: number | null;
}

export interface RepoObservation {
  /** Whether this observation fetched (fetches back off while the remote is unreachable). */
  fetched: boolean;
  /** Set when `git fetch` failed; the rest then describes the last fetched state. */
  fetchError: string | null;
  head: string | null;
  /** Commits after the last handled sha, oldest first. */
  commits: CommitSubject[];
  /** Whether the current phase's status file on origin/main holds the done marker. */
  phaseDone: boolean;
  /** Inbox file → content hash on origin/main, null when absent. */
  inboxes: Record<string, string | null>;
}

import type { ConfigChange } from './config-reload';
import type { AgentTokenTotals } from './tokens/accounting';

export interface Snapshot {
  /** Epoch ms at which the activity observed. */
  at: number;
  agents: Record<string, AgentObservation>;
  /** Service name → whether its tmux session is alive (absent: no services observed). */
  services?: Record<string, { alive: boolean }>;
  repo: RepoObservation | null;
  /** Set when the config file no longer matches the build's config hash. */
  config: ConfigChange | null;
  /** Cumulative per-agent token totals from the agents' transcripts; null when unreadable. */
  tokens: AgentTokenTotals | null;
}
