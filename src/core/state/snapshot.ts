import type { ConfigChange } from './config-change';
import type { AgentTokenTotals } from '../tokens/host-contract';

/** What one observe activity reports about the world: plain JSON, the input to every decision. */

export interface CommitSubject {
  sha: string;
  subject: string;
  /** The author's name (the demo's clones set it to the agent's). Absent in observations from before it was read. */
  author?: string;
  /** A review commit's added lines (its review file), at most `REVIEW_TEXT_BYTES` (observe-request.ts); absent for other commits. */
  reviewText?: string;
}

export interface AgentObservation {
  alive: boolean;
  tail: string;
  /** tmux #{window_activity}, epoch seconds. */
  windowActivity: number | null;
  /** Digest of `tail` (`textDigest`). */
  digest?: string;
}

/**
 * An agent as the observe activity reports it: a pane that shows what it showed last time (the
 * digest the request named) comes without its text or digest, to keep the history small;
 * `restorePanes` puts them back.
 */
export type ObservedAgent = AgentObservation | { alive: true; windowActivity: number | null; unchanged: true };

/** What the observe activity returns: a Snapshot whose unchanged panes are left out. */
export interface Observation extends Omit<Snapshot, 'agents'> {
  agents: Record<string, ObservedAgent>;
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
