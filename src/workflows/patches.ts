/**
 * Patch ids (docs/versioning.md). Runs recorded before them replay the old path.
 * - effects-per-agent: a tick's effects run as one chain per tmux session, the chains concurrently
 *   (they were one sequence).
 * - undelivered-handoffs-pending: a handoff ping whose agent's session was gone is held until the
 *   agent is back, and held messages wait for a live agent (they were dropped / released at once).
 * - build-report: a build that ended (completed or stopped) writes its report (they ended without one).
 * - build-telemetry: gate events and pane busy/idle changes (`TickOptions.telemetry`); they can put
 *   an `appendEvents` on a tick that had none.
 * - retro-records: a turn in which a phase completed, and a build that ended, append their retro
 *   records to the project's retro store with one more activity, `appendRetro` (they wrote none).
 * - lessons-injected: with `[learning] inject = true`, a launch's first prompt and a phase kickoff
 *   carry the top accepted lessons, and the workflow records `lessons_injected` (they carried none).
 */
export const EFFECTS_PER_AGENT_PATCH = 'effects-per-agent';
export const UNDELIVERED_PENDING_PATCH = 'undelivered-handoffs-pending';
export const BUILD_REPORT_PATCH = 'build-report';
export const BUILD_TELEMETRY_PATCH = 'build-telemetry';
export const RETRO_RECORDS_PATCH = 'retro-records';
export const LESSONS_INJECTED_PATCH = 'lessons-injected';
