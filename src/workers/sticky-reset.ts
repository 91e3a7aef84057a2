import type { NativeConnection } from '@temporalio/worker';

/**
 * Sends the next workflow task of every running workflow on `taskQueue` to that queue, not to the
 * sticky queue of the worker that ran it last (`ResetStickyTaskQueue`). A worker process calls it
 * as it starts: a worker it replaces (SIGKILLed, crashed) may have had those workflows cached, and
 * the server would otherwise hold their next task for that dead worker until the sticky
 * schedule-to-start timeout runs out (3 s, src/workers/worker.ts), since it saw it poll less than
 * 10 s ago. A workflow cached by a worker that is alive only costs one replay from history.
 * Returns how many workflows it reset.
 */
export async function resetStickyQueues(
  connection: NativeConnection,
  namespace: string,
  taskQueue: string,
): Promise<number> {
  const service = connection.workflowService;
  const query = `ExecutionStatus = "Running" AND TaskQueue = "${taskQueue}"`;
  let reset = 0;
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await service.listWorkflowExecutions({ namespace, query, nextPageToken });
    const executions = (page.executions ?? []).flatMap((e) => (e.execution ? [e.execution] : []));
    // One that ended since the listing is not found: nothing to reset.
    const results = await Promise.allSettled(
      executions.map((execution) => service.resetStickyTaskQueue({ namespace, execution })),
    );
    reset += results.filter((r) => r.status === 'fulfilled').length;
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return reset;
}
