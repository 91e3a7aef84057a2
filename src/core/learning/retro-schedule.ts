/**
 * The scheduled retro (`steward retro schedule`): a Temporal Schedule starts `retroWorkflow`,
 * which runs the analysis on the host that owns the project's config and store, and writes
 * `insights.json`. With `afterBuilds`, the schedule only checks, and the insights are written once
 * that many builds joined the store since the last ones.
 */

/** The trend window of `steward retro` and its schedule unless told otherwise. */
export const DEFAULT_RETRO_WINDOW = '7d';

export interface RetroScheduleInput {
  /** The host whose worker has the config file and the store (its activity queue). */
  hostId: string;
  /** Absolute path of the project's agents.toml on that host. */
  configFile: string;
  /** The trend window (ms). */
  windowMs: number;
  /** Only records that ended this long before the run (ms); absent: all. */
  sinceMs?: number;
  /** Write only once this many builds joined the store since the last insights; absent: every run. */
  afterBuilds?: number;
  /** Where the insights go; default `<retro_dir>/insights.json`. */
  out?: string;
}

export interface RetroRunResult {
  /** The insights file written, or null when not due (`afterBuilds`). */
  written: string | null;
  /** Builds in the analysed records, and in the last insights written (null: none before). */
  builds: number;
  previousBuilds: number | null;
  /** Rules that fired. */
  rules: string[];
  /** Lessons added to the lessons file. */
  proposed: string[];
}

/** Whether a run writes its insights: always, or with `afterBuilds` once that many builds are new. */
export function insightsDue(previousBuilds: number | null, builds: number, afterBuilds: number | undefined): boolean {
  if (afterBuilds === undefined || previousBuilds === null) return true;
  return builds - previousBuilds >= afterBuilds;
}
