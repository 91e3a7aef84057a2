/**
 * The dashboard's view models: what the server's JSON routes answer and the browser renders.
 * Plain JSON (numbers are epoch ms or ms unless named otherwise). The server builds them from
 * `BuildSnapshot`s with the pure functions of this folder; docs/dashboard.md says what each view shows.
 */
import type { BudgetConfig } from '../config/types';
import type { EventTokens, StewardEvent } from '../events';
import type { BuildMetricsSummary, CostPoint, GateVerdict } from '../metrics/types';
import type { BuildStatusView } from '../status-view';

/** Everything the server knows of one build: the input of every view. */
export interface BuildSnapshot {
  /** Build name (workflow `build/<name>`). */
  name: string;
  workflowId: string;
  /** Temporal's status of the latest run: RUNNING, COMPLETED, TERMINATED, … */
  workflowStatus: string;
  /** The `status` query's answer; null when no worker answered yet. */
  status: BuildStatusView | null;
  /** Its events in seq order: the event log when this host has it, else the status view's recent ones. */
  events: StewardEvent[];
  /** The build's budget (from its config); null without one. */
  budget: BudgetConfig | null;
  /** `watchdog.stall_idle` of its config (ms); null when unknown. */
  stallIdleMs: number | null;
  /** Agent → its `watch` mode, from the config; an agent not listed is read as `heal+stall`. */
  watch: Record<string, string>;
  /** The build's page in the Temporal Web UI; null when no UI is known. */
  webUiUrl: string | null;
  /** Its tokens per model, from its agents' transcripts; null when this host has none of them. */
  models: ModelUsage[] | null;
}

/** What an agent is doing now, most pressing first when several hold. */
export type AgentDisplayState = 'down' | 'crash_looped' | 'blocked' | 'rate_limited' | 'busy' | 'waiting' | 'idle';

/** Gas Town's activity dots: green idle < 2 min (or busy), yellow 2–5 min, red > 5 min, grey down or unknown. */
export type ActivityColour = 'green' | 'yellow' | 'red' | 'grey';

export interface AgentSummary {
  agent: string;
  state: AgentDisplayState;
  colour: ActivityColour;
  idleSeconds: number;
}

export type AlertKind =
  | 'crash_loop'
  | 'host_lost'
  | 'budget_exceeded'
  | 'budget_warning'
  | 'rate_limited'
  | 'blocked'
  | 'stalled'
  | 'git_fetch_failing'
  | 'no_worker';

export interface Alert {
  kind: AlertKind;
  build: string;
  agent?: string;
  /** One line for a person. */
  message: string;
  /** Since when it holds, when known. */
  since: number | null;
}

export interface BudgetGauge {
  usedUsd: number;
  usedTokens: number;
  limitUsd: number | null;
  limitTokens: number | null;
  /** The larger of used/limit over the limits set; null without limits. */
  ratio: number | null;
  /** warn_ratio of the config. */
  warnRatio: number | null;
}

/** One build on the overview. */
export interface OverviewRow {
  build: string;
  workflowId: string;
  /** The build's own status when the status query answered, else Temporal's in lower case. */
  status: string;
  phase: string | null;
  /** 0-based index of the current phase; phaseCount when complete. */
  phaseIndex: number;
  phaseCount: number;
  gatesPassed: number;
  gatesClaimed: number;
  costUsd: number;
  costPerHourUsd: number | null;
  budget: BudgetGauge;
  agents: AgentSummary[];
  alerts: Alert[];
  startedAt: number | null;
  lastEventAt: number | null;
  webUiUrl: string | null;
}

export interface OverviewView {
  now: number;
  /** Every build's alerts, the worst kinds first. */
  alerts: Alert[];
  /** Running (and paused) builds first, then the rest, newest first within each. */
  builds: OverviewRow[];
}

/** A gate's place in its flow: claimed (no review asked yet), in review (pinged), failed, passed. */
export type GateStage = 'claimed' | 'in_review' | 'failed' | 'passed';

export interface GateCard {
  gate: string;
  phase: string | null;
  builder: string | null;
  stage: GateStage;
  rounds: number;
  verdicts: GateVerdict[];
  claimedAt: number | null;
  timeToFirstReviewMs: number | null;
  timeToPassMs: number | null;
  costUsd: number;
}

export interface PhaseFlow {
  id: string;
  /** pending | running | completed, as the status view says (pending when unknown). */
  status: string;
  startedAt: number | null;
  endedAt: number | null;
  gates: GateCard[];
}

export type LaneState = 'busy' | 'idle' | 'rate_limited' | 'down';

export interface LaneSegment {
  from: number;
  to: number;
  state: LaneState;
}

export type LaneMarkKind = 'nudge' | 'reboot' | 'ping' | 'heal' | 'wake' | 'restart' | 'blocked';

export interface LaneMark {
  at: number;
  kind: LaneMarkKind;
  message: string;
}

/** One agent as a lane on the build's time axis. */
export interface AgentLane {
  agent: string;
  segments: LaneSegment[];
  marks: LaneMark[];
}

export interface BuildView {
  now: number;
  row: OverviewRow;
  metrics: BuildMetricsSummary;
  phases: PhaseFlow[];
  /** The time axis of the lanes. */
  from: number;
  to: number;
  lanes: AgentLane[];
  cost: CostPoint[];
  /** Its latest events, newest first (at most BUILD_VIEW_EVENTS). */
  events: StewardEvent[];
}

export interface AgentGateTokens {
  gate: string;
  phase: string | null;
  tokens: EventTokens;
  costUsd: number;
}

export interface AgentView {
  now: number;
  build: string;
  agent: string;
  state: AgentDisplayState;
  colour: ActivityColour;
  idleSeconds: number;
  alive: boolean;
  startedAt: number | null;
  /** The last lines of its pane, read-only; null when this host cannot read it. */
  pane: string[] | null;
  tokens: EventTokens;
  costUsd: number;
  byGate: AgentGateTokens[];
  gatesClaimed: string[];
  gatesReviewed: string[];
  reboots: number;
  rateLimitWaits: number;
  rateLimitedMs: number;
  busyShare: number | null;
  /** Its latest events, newest first (at most AGENT_VIEW_EVENTS). */
  events: StewardEvent[];
}

export interface TokenRow {
  /** What the row is: a build name, `build/phase`, `build/phase/gate`, `build/agent`, or a model id. */
  key: string;
  build: string | null;
  tokens: EventTokens;
  total: number;
  /** Dollars of the priced models; null for a model without a price. */
  costUsd: number | null;
}

/** Token use of one model in one build (from its transcripts, when this host has them). */
export interface ModelUsage {
  model: string;
  tokens: EventTokens;
  /** null: the model has no price. */
  costUsd: number | null;
}

export interface TokensView {
  now: number;
  total: { tokens: EventTokens; total: number; costUsd: number };
  byBuild: TokenRow[];
  byPhase: TokenRow[];
  byGate: TokenRow[];
  byAgent: TokenRow[];
  byModel: TokenRow[];
  /** Models used without a price: their tokens are in the totals, not in the dollars. */
  unpriced: string[];
}

/** An event of some build, as the feed and the push channel carry it. */
export interface FeedEvent extends StewardEvent {
  build: string;
  /** The push channel's id of it: `<server epoch>.<n>`, increasing in the order the server learnt events. */
  id: string;
}

export interface FeedFilter {
  build?: string;
  agent?: string;
  type?: string;
  /** Free text, any case, over the message, type, agent, phase and gate. */
  text?: string;
  /** Only the problem types (`PROBLEM_EVENTS`). */
  problems?: boolean;
}

export interface FeedPage {
  /** Newest first. */
  events: FeedEvent[];
  /** Events matching the filter in all. */
  matched: number;
  /** Pass as `before` for the next (older) page; null at the end. */
  next: string | null;
}
