import type { WorkflowHandle } from '@temporalio/client';
import { describeEvent, type StewardEvent } from '../core/events';
import type { buildWorkflow } from '../workflows/build';
import type { BuildResult, BuildStatusView } from '../workflows/definitions';
import { statusQuery } from '../workflows/definitions';
import { formatWallTime } from './render/format';

export interface FollowOptions {
  pollMs?: number;
  /** Events up to this sequence number are not reported (already shown). Default 0: all. */
  afterSeq?: number;
  /** How to read the status view; default `handle.query(statusQuery)` (a caller may add a deadline). */
  query?: () => Promise<BuildStatusView>;
}

/**
 * Reports each build event once, in order, until the build ends, by polling the `status` query:
 * it works from any host, with no access to the worker's files. Returns the build's result.
 */
export async function followEvents(
  handle: WorkflowHandle<typeof buildWorkflow>,
  onEvent: (event: StewardEvent) => void,
  options: FollowOptions = {},
): Promise<BuildResult> {
  const pollMs = options.pollMs ?? 500;
  const query = options.query ?? (() => handle.query(statusQuery));
  let lastSeq = options.afterSeq ?? 0;
  let finished: { result?: BuildResult; error?: unknown } | null = null;
  const result = handle.result().then(
    (r) => (finished = { result: r }),
    (error) => (finished = { error }),
  );
  const reportNew = async () => {
    try {
      const view = await query();
      for (const e of view.events) {
        if (e.seq > lastSeq) {
          onEvent(e);
          lastSeq = e.seq;
        }
      }
    } catch {
      // The worker may be restarting; the next poll catches up.
    }
  };
  while (!finished) {
    await reportNew();
    await Promise.race([result, new Promise((r) => setTimeout(r, pollMs))]);
  }
  await reportNew();
  const done = finished as { result?: BuildResult; error?: unknown };
  if (done.error) throw done.error;
  return done.result as BuildResult;
}

/** Prints a line per build event until the build ends. Returns the build's result. */
export function followBuild(
  handle: WorkflowHandle<typeof buildWorkflow>,
  print: (line: string) => void,
  pollMs = 500,
): Promise<BuildResult> {
  return followEvents(handle, (e) => print(describeEvent(e)), { pollMs });
}

/**
 * One line for a build's result. "in …" is the build's wall time, from its start (across
 * continue-as-new) to its end; a result from before that was reported gives the phases' sum.
 */
export function describeResult(r: BuildResult): string {
  const phases = r.phases.map((p) => `${p.id} ${(p.durationMs / 1000).toFixed(1)}s`).join(', ');
  return `build ${r.build} ${r.status}: ${r.phases.length} phase(s) [${phases}] in ${formatWallTime(r.wallTimeMs ?? r.totalDurationMs)}`;
}
