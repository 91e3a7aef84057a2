/**
 * When the workflow writes retro records, and what it asks the host for. During a build: for each
 * phase that completed in a turn (by its done marker or the operator's `advance`), once the turn's
 * events are in the log, since the records are folded from it. When the build ends (completed or
 * stopped), where its report is written: `all-ended`, which also catches a phase whose own write
 * failed and the phase still open at a stop.
 */
import { writesReport } from '../build-end';
import { buildStartedAt, type BuildState } from '../state/build';
import { learningOf } from '../config/learning';
import type { RetroWhich } from './retro-records';

/** What `appendRetro` (src/activities/retro.ts) is asked to write. */
export interface RetroRequest {
  /** The build's state dir: its events.jsonl is read. */
  stateDir: string;
  /** The retro store (`[learning] retro_dir`): records.jsonl is appended there. */
  retroDir: string;
  /** When the build started (epoch ms): picks its events in a shared log, and is part of every record's id. */
  startedAt: number;
  build: string;
  configHash: string;
  which: RetroWhich;
  /** The workflow's time: the records' `recordedAt`, so a retry appends the very same records. */
  now: number;
}

/** The records due after a turn: one phase's for each phase that completed between `before` and `after`, in order. */
export function retroDue(before: BuildState, after: BuildState): RetroWhich[] {
  return after.completedPhases.slice(before.completedPhases.length).map((p) => ({ phase: p.id }));
}

/** The records due when the build has ended: all of them, unless its host is lost (the write would only wait out its timeouts). */
export function retroDueAtEnd(state: BuildState): RetroWhich[] {
  return writesReport(state) ? ['all-ended'] : [];
}

/** The request for `which` records of the build `state` is. */
export function retroRequest(state: BuildState, which: RetroWhich, now: number): RetroRequest {
  return {
    stateDir: state.config.state_dir,
    retroDir: learningOf(state.config).retro_dir,
    startedAt: buildStartedAt(state),
    build: state.config.name,
    configHash: state.configHash,
    which,
    now,
  };
}
