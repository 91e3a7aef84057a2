import { resolve } from 'node:path';
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { Tmux } from '../host/tmux';
import { ConnectionSettings, settingsFromEnv, unreachableError } from '../host/temporal-connection';
import { activityQueueFor, WORKFLOW_TASK_QUEUE } from '../workflows/definitions';
import { HEARTBEAT_EVERY_MS } from '../core/heartbeat';

export interface StewardWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  hostId: string;
  /** Private tmux server socket (`tmux -L`); default: the user's tmux server. */
  tmuxSocket?: string;
  /** A prebuilt bundle (tests bundle once); default: bundle src/workflows at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Serve the shared workflow queue too (every host may; one is enough). */
  serveWorkflows?: boolean;
}

/**
 * How long a workflow task waits for this worker's cache before any worker may take it (the SDK's
 * default is 10 s). Shorter recovers a killed worker's builds sooner; too short sends a busy
 * worker's own tasks to the shared queue, to be replayed from their whole history.
 */
const STICKY_TIMEOUT_MS = 3_000;

/** Steward's bin/ directory, put on agents' PATH so they find the scripted agent and `steward hook`. */
export const STEWARD_BIN_DIR = resolve(__dirname, '..', '..', 'bin');

/** One process: the shared workflow queue plus this host's own activity queue. */
export async function createStewardWorkers(opts: StewardWorkerOptions): Promise<Worker[]> {
  const namespace = opts.namespace ?? 'default';
  const activities = createActivities({ tmux: new Tmux(opts.tmuxSocket), binDir: STEWARD_BIN_DIR });
  const workers = [
    await Worker.create({
      connection: opts.connection,
      namespace,
      taskQueue: activityQueueFor(opts.hostId),
      activities,
      // Each heartbeat reaches the server when it is made: by default the SDK holds them back for
      // 80% of the heartbeat timeout (2.4 s of 3 s), too close to it (src/core/heartbeat.ts).
      maxHeartbeatThrottleInterval: HEARTBEAT_EVERY_MS,
      defaultHeartbeatThrottleInterval: HEARTBEAT_EVERY_MS,
    }),
  ];
  if (opts.serveWorkflows ?? true) {
    workers.push(
      await Worker.create({
        connection: opts.connection,
        namespace,
        taskQueue: WORKFLOW_TASK_QUEUE,
        // After a SIGKILL the server still sends the build's next workflow task to the dead worker's
        // sticky queue, and by default moves it to the shared queue only after 10 s: once the
        // short heartbeat timeout has the observe retried in ~4 s, that would be most of the pause.
        stickyQueueScheduleToStartTimeout: STICKY_TIMEOUT_MS,
        ...(opts.workflowBundle
          ? { workflowBundle: opts.workflowBundle }
          : { workflowsPath: require.resolve('../workflows') }),
      }),
    );
  }
  return workers;
}

/** Runs the workers until shutdown() is called on them (SIGINT/SIGTERM are handled by the SDK). */
export async function runWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.run()));
}

/**
 * This host's workers on a new connection to the server the environment names (`settingsFromEnv`),
 * with the tmux socket of `STEWARD_TMUX_SOCKET`. Close `connection` once the workers have stopped.
 */
export async function connectStewardWorkers(
  hostId: string,
): Promise<{ workers: Worker[]; connection: NativeConnection; settings: ConnectionSettings }> {
  const settings = settingsFromEnv();
  const connection = await NativeConnection.connect({
    address: settings.address,
    tls: settings.tls,
    apiKey: settings.apiKey,
  }).catch((err: unknown) => {
    throw unreachableError(settings.address, err);
  });
  const workers = await createStewardWorkers({
    connection,
    namespace: settings.namespace,
    hostId,
    tmuxSocket: process.env.STEWARD_TMUX_SOCKET || undefined,
  });
  return { workers, connection, settings };
}
