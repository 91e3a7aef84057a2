import type { BuildState } from './state/build';
import { phases, sequenceComplete } from './state/build';
import { shouldFetch } from './fetch-backoff';
import { agentTokenRequest, tokenLedgerFile } from './tokens/agent-token-request';
import { configOnHost, loopHostOf } from './hosts';
import type { AgentTokenRequest } from './tokens/host-contract';
import type { QuietSpell } from './quiet-spell';

/** How much of a review commit's added lines an observation carries (they go into the workflow's history). */
export const REVIEW_TEXT_BYTES = 2048;
/** How many review commits of one look come with their added lines. */
export const REVIEW_TEXTS_PER_LOOK = 20;

/** What the observe activity is asked to look at: the contract between the workflow and the host. */
export interface ObserveRequest {
  /**
   * Wait this long before looking, heartbeating so a cancel arrives: an idle tick is then one
   * activity and no timer in the workflow's history. The workflow cancels it when a signal lands.
   */
  waitMs: number;
  /**
   * Set when the world the build decided on may stay as it is for a while (`quietSpell`): the
   * activity then looks again every `waitMs`, reporting nothing, until a look differs from that
   * world or `forMs` has passed. An idle hour is then a few activities, not one per tick.
   */
  quiet?: QuietSpell;
  /** The config file and the hash of the config the build runs, to notice an edit. */
  config: { file: string; knownHash: string } | null;
  /** Where each agent's transcripts are, to count its tokens. */
  tokens: AgentTokenRequest | null;
  /** Agent name → tmux session. */
  agents: Record<string, string>;
  /** Agent name → digest of the pane text the workflow already has: unchanged, it is not sent again. */
  paneDigests?: Record<string, string>;
  /** Service name → tmux session. */
  services?: Record<string, string>;
  repo: null | {
    dir: string;
    sinceSha: string | null;
    /** False while fetches back off: read the refs fetched last time. */
    fetch: boolean;
    /** Status file of the current phase, relative to the repo root; null once the sequence is done. */
    statusPath: string | null;
    doneMarker: string;
    /** Inbox files, relative to the repo root. */
    inboxes: string[];
    /** `review_pattern` (case-insensitive): matching commits come with their added lines. Absent: none do. */
    reviewPattern?: string;
  };
}

/**
 * What to observe on `host` (default the build's own) for `state` now: that host's agents and
 * services, the repo and phase status where the loop's clone is (`[loop] host`), and the config
 * file on the build's host. Each host reads its own agents' transcripts into a ledger of its own.
 */
export function observeRequest(state: BuildState, waitMs: number, now: number, host = state.hostId): ObserveRequest {
  const loop = state.config.loop;
  const phase = phases(state)[state.phaseIndex];
  const own = host === state.hostId;
  const mine = configOnHost(state, host);
  const config = { ...state.config, ...mine };
  return {
    waitMs,
    config: own ? { file: state.config.source, knownHash: state.configHash } : null,
    tokens:
      own || mine.agents.length > 0
        ? agentTokenRequest(state.tokens, config, state.agents, tokenLedgerFile(state.config, own ? undefined : host))
        : null,
    agents: Object.fromEntries(mine.agents.map((a) => [a.name, a.session])),
    services: Object.fromEntries(mine.services.map((s) => [s.name, s.session])),
    repo:
      loop && loopHostOf(state) === host
        ? {
            dir: loop.repo,
            sinceSha: state.handoff.lastSha,
            fetch: shouldFetch(state.fetchHealth, now),
            statusPath: phase ? `${loop.state_subdir}/${phase.status}` : null,
            doneMarker: loop.done_marker,
            inboxes: (loop.handoff?.inboxes ?? []).map((i) => `${loop.state_subdir}/${i.file}`),
            // Only when the gates will read them (telemetry on: `gates` kept; the handoff runs): what
            // comes back goes into the history, and a paused build sees the same commits every tick.
            ...(loop.handoff && state.gates && state.status === 'running' && !sequenceComplete(state)
              ? { reviewPattern: loop.handoff.review_pattern }
              : {}),
          }
        : null,
  };
}
