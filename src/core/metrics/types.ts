import type { EventTokens } from '../events';

/**
 * The metrics of a build, folded from its events (`buildMetrics`). Times are epoch ms, durations
 * ms; a figure that cannot be known yet (a gate not passed, a review not given) is null.
 * docs/observability.md defines each.
 */

/**
 * A distribution's size, median and 90th percentile, by the nearest-rank definition: the p-th
 * percentile of n sorted values is the value at rank ceil(p/100 × n) (1-based), so it is always
 * one of the values (the lower middle one for the median of an even count). null when n = 0.
 */
export interface Distribution {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface GateVerdict {
  reviewer: string;
  verdict: 'pass' | 'fail' | 'unknown';
  at: number;
  /** The review round it answered. */
  attempt: number;
  sha: string | null;
}

/**
 * One gate: a label from its first claim to its pass. A claim of a label that passed before starts
 * a new gate of the same label (the supervisor reopens it at round 1).
 */
export interface GateMetrics {
  gate: string;
  phase: string | null;
  builder: string | null;
  /** Every reviewer that reviewed it, in order of first review (`unknown`: a commit by no agent). */
  reviewers: string[];
  /** First claim. */
  claimedAt: number | null;
  /**
   * From the start of its phase (or the previous gate's first claim in it) to its first claim; null
   * when neither is known.
   */
  timeToClaimMs: number | null;
  /** From its first claim to its first review; null while no reviewer answered. */
  timeToFirstReviewMs: number | null;
  passedAt: number | null;
  /** From its first claim to its pass (the event's `durationMs` when it has one). */
  timeToPassMs: number | null;
  /**
   * Review rounds: claims made (a re-claim after a fail is the next round); the highest `attempt`
   * of its claims and its pass when they carry one.
   */
  rounds: number;
  verdicts: GateVerdict[];
  /** open once claimed; failed after a fail verdict's `gate_failed`, until the re-claim; passed for good once passed. */
  status: 'open' | 'passed' | 'failed';
  /** Tokens and dollars of its token windows (`tokens_recorded` with this gate). */
  tokens: EventTokens;
  costUsd: number;
}

export interface PhaseMetrics {
  phase: string;
  startedAt: number | null;
  endedAt: number | null;
  /**
   * To its end, or to `now` while it runs. A phase still open when the build stopped ends at the
   * stop. Its `phase_completed` says how long it took when it carries `durationMs`.
   */
  durationMs: number | null;
  /** Gates of the phase that passed. */
  gatesPassed: number;
  /** Gates of the phase that failed at least one review (a gate failed twice then passed counts once here and once in gatesPassed). */
  gatesFailed: number;
  /** Its phase window once it closed; until then the sum of its gate windows so far. */
  tokens: EventTokens;
  costUsd: number;
  /** `agent_nudged` in it. */
  nudges: number;
  /** `agent_rebooted` in it. */
  reboots: number;
  /** `agent_rate_limited` in it. */
  rateLimitWaits: number;
  /** `crash_loop`, `budget_exceeded`, `host_unreachable` and `agent_blocked` in it. */
  escalations: number;
}

export interface AgentMetrics {
  agent: string;
  /**
   * Share of its observed time the pane was busy, 0–1; null before any busy/idle event. Observed:
   * from its first `agent_busy`/`agent_idle` to the build's end (or `now`); busy: from each
   * `agent_busy` to the next `agent_idle` (or that end).
   */
  busyShare: number | null;
  /** Gates it made the first claim of. */
  gatesClaimed: number;
  /** Gates it gave at least one verdict on. */
  gatesReviewed: number;
  /** Builder: gates it claimed that passed in their first round / its gates that passed. */
  firstPassRate: number | null;
  /** Reviewer: its fail verdicts / its verdicts (unknown ones included). */
  rejectionRate: number | null;
  /** Its share (`byAgent`) of the windows the build totals are made of (see BuildMetricsSummary). */
  tokens: EventTokens;
  costUsd: number;
  /** Its dollars / the gates it claimed; null when it claimed none. */
  costPerGateUsd: number | null;
  /** `agent_rebooted` (stalls); heals and operator restarts are not counted. */
  reboots: number;
  /**
   * Time between `agent_rate_limited` and `agent_resumed` (the resume's `durationMs` when it has
   * one); a wait still running counts to the build's end (or `now`).
   */
  rateLimitedMs: number;
}

export interface BuildMetricsSummary {
  /** `build_started`, else the first event. */
  startedAt: number | null;
  /** The `stopped` event, or the `sequence_completed` of a completed build; null while running. */
  endedAt: number | null;
  /**
   * stopped: a `stopped` event; completed: a `sequence_completed` that no `phases_appended` or
   * `phase_started` reopened; else running.
   */
  status: 'running' | 'completed' | 'stopped';
  /** To `endedAt`, or to `now` while it runs; 0 without events. */
  durationMs: number;
  /**
   * The sum over phases of each phase's tokens (its phase window once it closed, else its gate
   * windows so far): a gate window is inside its phase's window, so it is never counted twice, and
   * the running phase still counts.
   */
  tokens: EventTokens;
  costUsd: number;
  costPerHourUsd: number | null;
  gatesPassed: number;
  gatesPerHour: number | null;
  /** Gates passed in their first round / gates passed. */
  firstPassQuality: number | null;
  /**
   * action_failed / actions attempted: the events of effects performed (agent_started,
   * agent_healed, agent_rebooted, agent_nudged, agent_woken, agent_resumed, ping_sent,
   * agent_restarted, service_started, service_healed) plus action_failed. null when none.
   */
  errorRate: number | null;
  /** `crash_loop`, `budget_exceeded`, `host_unreachable`, `agent_blocked`. */
  escalations: number;
  /** Every review's wait: from its round's claim to the verdict (`gate_reviewed`). */
  timeToReview: Distribution;
  /** Rounds the passed gates needed. */
  reviewRounds: Distribution;
}

/**
 * One point of the build's cumulative cost, for the report's chart: one per token window, rising
 * by a gate window's dollars until its phase window closes, then by what that phase window adds
 * to them; the last point is the build's costUsd.
 */
export interface CostPoint {
  at: number;
  costUsd: number;
}

export interface BuildMetrics {
  build: BuildMetricsSummary;
  phases: PhaseMetrics[];
  gates: GateMetrics[];
  agents: AgentMetrics[];
  costOverTime: CostPoint[];
}
