import type { PlannedAction } from './actions';
import type { StewardConfig } from '../config/types';
import type { StewardEvent } from '../events';
import type { FetchHealth } from './fetch-health';
import type { GatesState } from './gates';
import type { ServiceState } from './services';
import type { TokenAccountingState } from './tokens';

export type BuildStatus = 'running' | 'paused' | 'completed' | 'stopped';

export interface AgentState {
  /** Transcript session id the agent was last launched with. */
  sessionId: string;
  /** Epoch ms of the last (re)start by Steward; null until first launched. */
  startedAt: number | null;
  alive: boolean;
  idleSeconds: number;
  /** Phase id in which the one-time DONE-nudge was sent. */
  doneNudgedPhase: string | null;
  /** Epoch ms of recent reboots, for backoff and crash-loop detection. */
  reboots: number[];
  crashLooped: boolean;
  rateLimitedUntil: number | null;
  /** Epoch ms of the last wake (or start), for wake intervals. */
  lastWakeAt: number | null;
  /** Epoch ms of the last tick that saw the pane busy; the idle clock starts no earlier. */
  lastBusyAt: number | null;
  /**
   * Epoch ms before which the current idle stretch cannot have begun: set when Steward types into
   * the pane or (re)launches it (a fresh idle window) and by a `stop`/`idle_prompt` hook.
   */
  idleSince: number | null;
  /** The WAITING-UNTIL marker last seen on the pane, and its end as resolved when first seen. */
  waitingText: string | null;
  waitingUntil: number | null;
  /**
   * The usage-limit message last seen on the pane (or reported by a hook). Kept after the resume
   * until no limit shows, so a message still on screen is not read again as a new limit.
   */
  rateLimitText: string | null;
  /** Epoch ms at which the agent's hook reported a permission prompt; null when none is pending. */
  blockedSince: number | null;
  /**
   * Messages planned while the agent waited at a permission prompt, typed once it is answered
   * (see `holdMessagesForBlockedAgents`). Absent in states from before it existed.
   */
  held?: PlannedAction[];
  /** Epoch ms at which the current usage limit was first seen, for the wait's length. Absent: unknown. */
  rateLimitedSince?: number;
  /**
   * The pane's last busy/idle classification (a dead session is idle), so `agent_busy` and
   * `agent_idle` mark changes only. Absent until first classified.
   */
  paneActivity?: 'busy' | 'idle';
}

/** The last handled commit and inbox versions: each is pinged once (see `handoffDecision`). */
export interface HandoffState {
  lastSha: string | null;
  inboxHashes: Record<string, string | null>;
}

export interface PhaseRecord {
  id: string;
  startedAt: number;
  endedAt: number;
  durationMs: number;
}

export interface BuildState {
  buildId: string;
  hostId: string;
  config: StewardConfig;
  configHash: string;
  /** Hash of an edit that was refused, so it is reported once, not every tick. */
  rejectedConfigHash: string | null;
  status: BuildStatus;
  /** Index into config.loop.phases; equals phases.length once the sequence is complete. */
  phaseIndex: number;
  phaseStartedAt: number;
  completedPhases: PhaseRecord[];
  agents: Record<string, AgentState>;
  services: Record<string, ServiceState>;
  handoff: HandoffState;
  fetchHealth: FetchHealth;
  launched: boolean;
  /** Epoch ms of the last heavy tick (healing). */
  lastHeavyAt: number;
  /**
   * Epoch ms of the look the agents' `alive` and `idleSeconds` come from. Between two reports of a
   * quiet spell the panes did not change, so an agent's idle time now is that plus the time since
   * (`statusAsOf`). Absent before the first look, and in states from before it existed.
   */
  observedAt?: number;
  /** Per-phase and per-gate token windows, totals and budget flags. */
  tokens: TokenAccountingState;
  /** The gates under review, for the gate events. Absent in states from before it existed: read as none. */
  gates?: GatesState;
  /** The build paused itself over budget (an operator pause is not lifted by a budget raise). */
  budgetPaused: boolean;
  /**
   * The operator paused the build. A budget crossed during that pause must still hold after the
   * operator's resume. Absent in states carried over from before it existed: read as false.
   */
  operatorPaused?: boolean;
  /** No worker served the build's host's activity queue within its schedule-to-start timeout. */
  hostLost: boolean;
  /** The build's other hosts (`host =` in the config) that no worker serves now. Absent: none. */
  lostHosts?: string[];
  events: StewardEvent[];
  eventSeq: number;
  /**
   * Epoch ms at which the build started: its first run, carried across continue-as-new. Absent in
   * states from before it existed: read it with `buildStartedAt`.
   */
  startedAt?: number;
}

/** How many recent events the workflow keeps for `status` and `--follow`; the log file has all. */
export const RECENT_EVENTS = 200;

export function phases(state: BuildState) {
  return state.config.loop?.phases ?? [];
}

export function currentPhaseId(state: BuildState): string | null {
  return phases(state)[state.phaseIndex]?.id ?? null;
}

export function sequenceComplete(state: BuildState): boolean {
  return state.phaseIndex >= phases(state).length;
}

/**
 * When the build started, across continue-as-new. A state from before `startedAt` existed started
 * when its first phase did (a fresh build starts its first phase at once), or, with no phase
 * completed yet, when its current one did.
 */
export function buildStartedAt(state: BuildState): number {
  return state.startedAt ?? state.completedPhases[0]?.startedAt ?? state.phaseStartedAt;
}

/** The build's wall time up to `now`: from its real start, not the sum of its phases. */
export function buildTiming(
  state: BuildState,
  now: number,
): { startedAt: number; endedAt: number; wallTimeMs: number } {
  const startedAt = buildStartedAt(state);
  return { startedAt, endedAt: now, wallTimeMs: Math.max(0, now - startedAt) };
}
