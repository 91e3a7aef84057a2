/**
 * What `steward retro` makes of the retro store: `RetroInsights`, the output of `retroAnalysis`
 * (index.ts). Plain JSON; times are epoch ms, durations ms, money US dollars, rates fractions
 * (0.62 = 62 %).
 */
import type { Recommendation, RetroThresholds } from '../types';

/** Schema version of `RetroInsights` (`steward retro --json`). */
export const RETRO_INSIGHTS_VERSION = 1;

/** The config values the config-edit rules compare with, when the caller knows them. */
export interface RetroConfigValues {
  /** `budget.phase.usd`; null: the config sets none; absent: not known (no config given). */
  budgetPhaseUsd?: number | null;
  /** `watchdog.stall_idle` (ms); absent: not known. */
  stallIdleMs?: number;
  /** Each agent's backend and that backend's `args`, so a model change can name its exact edit. */
  agents?: Record<string, { backend: string; args: readonly string[] }>;
}

export interface RetroAnalysisOptions {
  /** The end of the analysis (epoch ms): records that ended later are left out. */
  now: number;
  /** Records that ended before this are left out; absent: all. */
  since?: number;
  /** The trend window: the last `windowMs` up to `now` against the `windowMs` before it. */
  windowMs: number;
  thresholds: RetroThresholds;
  config?: RetroConfigValues;
  /**
   * Agent → its idle spells (ms) that ended with the agent busy again by itself, for the
   * `watchdog.stall_idle` calibration. Retro records do not carry them: the CLI fills them from the
   * event logs it can read (`quietSpells`, quiet-spells.ts); absent: no calibration.
   */
  quietSpellsMs?: Readonly<Record<string, readonly number[]>>;
}

/** One measure in the last window against the window before it. */
export interface TrendFigure {
  current: number | null;
  previous: number | null;
  /** current − previous (for a rate: in fractions, 0.2 = 20 points); null when either is null. */
  change: number | null;
  /** change / previous; null when previous is null or 0. */
  relative: number | null;
}

export interface Trends {
  /** Gate records that ended in the window. */
  gates: TrendFigure;
  /** Phase records that ended in the window. */
  phases: TrendFigure;
  /** Gates whose builder's first claim passed its first review / gates. */
  gateSuccessRate: TrendFigure;
  /** Phases finished by their done marker (not advanced by an operator, not abandoned) / phases. */
  phaseSuccessRate: TrendFigure;
  /** Gates passed per day of the window. */
  gatesPerDay: TrendFigure;
  /** Phases finished (by their done marker or advanced) per day of the window. */
  phasesPerDay: TrendFigure;
  medianGateDurationMs: TrendFigure;
  medianPhaseDurationMs: TrendFigure;
  /** Dollars of the gates' token windows / gates. */
  costPerGateUsd: TrendFigure;
  /** Median of the gates' review rounds (claims made). */
  medianReviewRounds: TrendFigure;
}

/** One type's figures: a phase id, a gate pattern (gate-pattern.ts), an agent (as builder), a model. */
export interface TypeStats {
  key: string;
  /** Records of the type (phases for a phase id, gates otherwise). */
  count: number;
  /** Records that passed (a phase: finished by its done marker). */
  passed: number;
  /** Gates: the first claim passed its first review; phases: finished without operator help. */
  successRate: number | null;
  /** Gates: share with a fail verdict; phases: share not finished by their done marker. */
  failureRate: number | null;
  medianDurationMs: number | null;
  maxDurationMs: number | null;
  costUsd: number;
  /** Gates counted for the cost per gate: the type's gates (a phase id: the gate records of that phase). */
  gates: number;
  costPerGateUsd: number | null;
  /** costUsd / passed gates; null when none passed. */
  costPerPassedGateUsd: number | null;
}

export interface ReviewerStats {
  reviewer: string;
  /** First claims (attempt 1) this reviewer gave a pass or fail verdict on. */
  firstClaims: number;
  rejected: number;
  rejectionRate: number | null;
}

export interface ByType {
  phases: TypeStats[];
  gates: TypeStats[];
  /** Per agent, over the gates it built (claimed). */
  agents: TypeStats[];
  /** Per model, over the gates whose builder used it (only when records carry `models`). */
  models: TypeStats[];
  reviewers: ReviewerStats[];
}

/** A gate record with 2 or more fail verdicts. */
export interface RepeatedGateFailure {
  id: string;
  build: string;
  phase: string;
  gate: string;
  pattern: string;
  failures: number;
  rounds: number;
  outcome: string;
}

/** An agent rebooted or escalated about (crash loops escalate) in 2 or more builds. */
export interface RepeatedAgentTrouble {
  agent: string;
  /** Builds (runs) it was in trouble in. */
  builds: number;
  /** Reboots and escalations summed over the records naming it (a record with several agents counts for each). */
  reboots: number;
  escalations: number;
}

/** A phase id an operator advanced, with how often. */
export interface AdvancedPhase {
  phase: string;
  /** Builds (runs) in which it was advanced. */
  builds: number;
  /** The records' ids, newest last (at most 10). */
  ids: string[];
}

export interface RepeatFailures {
  gates: RepeatedGateFailure[];
  agents: RepeatedAgentTrouble[];
  advancedPhases: AdvancedPhase[];
}

export interface Outlier {
  kind: 'gate' | 'phase';
  /** The type it is judged within: a gate pattern or a phase id. */
  type: string;
  id: string;
  build: string;
  phase: string;
  gate?: string;
  measure: 'duration' | 'cost';
  value: number;
  median: number;
  /** value / median; null when the median is 0. */
  multiple: number | null;
  /** Robust z-score: 0.6745 × (value − median) / MAD. */
  z: number;
}

export interface RetroInsights {
  version: typeof RETRO_INSIGHTS_VERSION;
  /** `now`. */
  generatedAt: number;
  since: number | null;
  window: {
    ms: number;
    current: { from: number; to: number };
    previous: { from: number; to: number };
  };
  /** Records counted (ended in [since, now]) and left out; when the newest counted one ended (null: none). */
  records: { phases: number; gates: number; builds: number; leftOut: number; newestAt: number | null };
  thresholds: RetroThresholds;
  trends: Trends;
  byType: ByType;
  repeatFailures: RepeatFailures;
  outliers: Outlier[];
  /** Most severe first; `healthy` alone when no problem rule fired. */
  recommendations: Recommendation[];
}
