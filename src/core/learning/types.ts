/**
 * The learning loop's data: the retro records every build leaves (one per phase and one per gate),
 * the analysis `steward retro` makes of them, and the lessons fed back into kickoffs.
 * docs/learning.md describes each field. Plain JSON; times are epoch ms, durations ms.
 */
import type { EventTokens } from '../events';

/** Schema version of a retro record line; a reader skips records of a version it does not know. */
export const RETRO_RECORD_VERSION = 1;

/**
 * How a phase or gate ended:
 * - passed: a gate passed review; a phase finished by its done marker;
 * - failed: a gate that failed review and was still not passed when its phase or build ended;
 * - abandoned: still open when the build stopped (or ended) without it passing, and no fail verdict;
 * - advanced: a phase the operator advanced (`steward phase advance`).
 */
export type RetroOutcome = 'passed' | 'failed' | 'abandoned' | 'advanced';

interface RetroRecordBase {
  v: typeof RETRO_RECORD_VERSION;
  /** Unique per record: `<build>@<build start>/<phase>` or `…/<phase>/<gate>#<n>` (n: the gate's nth run in the phase). Appending a record again is harmless: readers keep one per id. */
  id: string;
  build: string;
  /** The build's start (epoch ms): with the name, which run of the build. */
  buildStartedAt: number;
  /** The config the build ran with (its hash), so a retro can compare before and after an edit. */
  configHash: string;
  phase: string;
  outcome: RetroOutcome;
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  tokens: EventTokens;
  costUsd: number;
  /** Agent → the model(s) it used, when known (from the agents' transcripts). */
  models?: Record<string, string[]>;
  /** When the record was written. */
  recordedAt: number;
}

export interface PhaseRecord extends RetroRecordBase {
  kind: 'phase';
  /** Agents that did anything in the phase (claimed, reviewed, were nudged, …). */
  agents: string[];
  gatesPassed: number;
  gatesFailed: number;
  nudges: number;
  reboots: number;
  rateLimitWaits: number;
  /** Time agents spent rate-limited in the phase (sum over agents). */
  rateLimitedMs: number;
  escalations: number;
}

export interface GateRecord extends RetroRecordBase {
  kind: 'gate';
  gate: string;
  builder: string | null;
  reviewers: string[];
  agents: string[];
  /** Review rounds: claims made. */
  rounds: number;
  verdicts: { reviewer: string; verdict: 'pass' | 'fail' | 'unknown'; attempt: number; at: number }[];
  /** The builder's first claim passed its first review. */
  firstPass: boolean;
  timeToFirstReviewMs: number | null;
  nudges: number;
  reboots: number;
  rateLimitWaits: number;
  escalations: number;
}

export type RetroRecord = PhaseRecord | GateRecord;

/** How bad a finding is. */
export type Severity = 'info' | 'low' | 'medium' | 'high';

export type RecommendationCategory =
  'trend' | 'failure' | 'duration' | 'cost' | 'review' | 'reliability' | 'rate_limit' | 'config' | 'health';

/** A config change a recommendation proposes: the exact edit. */
export interface ConfigEdit {
  /** TOML path, e.g. `watchdog.stall_idle`, `backend.claude.args`, `budget.phase.usd`. */
  path: string;
  old: unknown;
  new: unknown;
  /** What the new value comes from, in plain words with the figures. */
  basis: string;
}

export interface Recommendation {
  /** Stable id of the rule that fired, e.g. `falling-success-rate`. */
  rule: string;
  severity: Severity;
  category: RecommendationCategory;
  finding: string;
  recommendation: string;
  /** The figures behind it. */
  figures: Record<string, number | string | null>;
  /** What it is about (a phase id, gate pattern, agent, model), for lesson tags. */
  subject?: { phase?: string; gate?: string; agent?: string; model?: string };
  edit?: ConfigEdit;
}

export type LessonCategory = 'pitfall' | 'pattern' | 'architecture' | 'optimisation' | 'process';
export type LessonStatus = 'proposed' | 'accepted' | 'retired';

export interface Lesson {
  /** Short stable id, e.g. `L7` or a slug. */
  id: string;
  category: LessonCategory;
  headline: string;
  explanation: string;
  /** When it applies: empty lists mean any. */
  applies: { phases: string[]; gates: string[]; roles: string[] };
  /** Where it came from: a retro rule and the subject of its recommendation (agent, model), or nothing for one an operator wrote. */
  source: { build?: string; phase?: string; gate?: string; rule?: string; agent?: string; model?: string };
  /** 1–10. */
  importance: number;
  createdAt: number;
  status: LessonStatus;
}

/** The thresholds of `steward retro`'s rules (`[learning.thresholds]`); docs/learning.md has each default. */
export interface RetroThresholds {
  /** A success rate this many points below the previous window's fires `falling-success-rate`. */
  success_drop_points: number;
  /** Velocity (gates per day) this share below the previous window's fires `falling-velocity` (0.3 = 30 %). */
  velocity_drop: number;
  /** A median duration this share above the previous window's fires `duration-creep`. */
  duration_creep: number;
  /** A type (phase id, gate pattern) failing review on more than this share of its gates. */
  type_failure_rate: number;
  /** A type whose median duration is this many times the median over all types. */
  long_type_multiple: number;
  /** Robust z-score (median, MAD) above which a duration or cost is an outlier. */
  outlier_z: number;
  /** This many outliers in one type is a cluster. */
  outlier_cluster: number;
  /** A reviewer rejecting more than this share of first claims. */
  reviewer_rejection: number;
  /** An agent whose cost per gate is this many times its peers' median. */
  agent_cost_multiple: number;
  /** Rate-limit waits taking more than this share of wall time. */
  rate_limit_share: number;
  /** Fewer gates than this in a type or window: no rule fires on it. */
  min_samples: number;
}

/** `[learning]`: where the loop keeps its files and how it feeds lessons back. */
export interface LearningConfig {
  /** Absolute dir of the retro store shared by the project's builds (default `<config dir>/.steward/retro`). */
  retro_dir: string;
  /** Absolute path of the lessons file (default `<config dir>/.steward/lessons.toml`). */
  lessons_file: string;
  /** Add the top accepted lessons to kickoffs and phase pings. */
  inject: boolean;
  top_k: number;
  /** Recency half-life of a lesson's weight (ms). */
  half_life: number;
  /** Lessons `steward retro` proposes are accepted at once. */
  auto_accept: boolean;
  /** A one-shot agent launched when a build completes, to propose lessons; absent: none. */
  reflection_agent?: string;
  thresholds: RetroThresholds;
}
