import type { WorkflowHandle } from '@temporalio/client';
import { describeEvent } from '../core/events';
import type { buildWorkflow } from '../workflows/build';
import type { BuildResult } from '../workflows/definitions';
import { statusQuery } from '../workflows/definitions';

/**
 * Prints a line per build event until the build ends, by polling the `status` query: it works from
 * any host, with no access to the worker's files. Returns the build's result.
 */
export async function followBuild(
  handle: WorkflowHandle<typeof buildWorkflow>,
  print: (line: string) => void,
  pollMs = 500,
): Promise<BuildResult> {
  let lastSeq = 0;
  let finished: { result?: BuildResult; error?: unknown } | null = null;
  const result = handle.result().then(
    (r) => (finished = { result: r }),
    (error) => (finished = { error }),
  );
  const printNew = async () => {
    try {
      const view = await handle.query(statusQuery);
      for (const e of view.events) {
        if (e.seq > lastSeq) {
          print(describeEvent(e));
          lastSeq = e.seq;
        }
      }
    } catch {
      // The worker may be restarting; the next poll catches up.
    }
  };
  while (!finished) {
    await printNew();
    await Promise.race([result, new Promise((r) => setTimeout(r, pollMs))]);
  }
  await printNew();
  const done = finished as { result?: BuildResult; error?: unknown };
  if (done.error) throw done.error;
  return done.result as BuildResult;
}

export function describeResult(r: BuildResult): string {
  const phases = r.phases.map((p) => `${p.id} ${(p.durationMs / 1000).toFixed(1)}s`).join(', ');
  return `build ${r.build} ${r.status}: ${r.phases.length} phase(s) [${phases}] in ${(r.totalDurationMs / 1000).toFixed(1)}s`;
}
