/**
 * A helper thread of a one-off transcript scan (transcript-scan.ts starts it with worker_threads).
 * It claims the next unread file from the counter it shares with the main thread and any other
 * helper, reads it into a FileScan, posts it (its buffers moved, not copied) and claims again; when
 * no file is left it posts `done`. It never touches the ledger: the main thread applies every
 * file's records in file order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { claimFile, scanFile, transferables, type ScanJob, type WorkerMessage } from './transcript-batch';

async function work(job: ScanJob): Promise<void> {
  const port = parentPort!;
  for (let index = claimFile(job); index !== -1; index = claimFile(job)) {
    const scan = await scanFile(job.files[index], job.options);
    const message: WorkerMessage = { index, ...scan };
    port.postMessage(message, transferables(scan));
  }
  port.postMessage({ done: true } satisfies WorkerMessage);
}

// A failure rejects here and ends the thread with an 'error' event; the main thread then reads it all again alone.
if (parentPort !== null) void work(workerData as ScanJob);
