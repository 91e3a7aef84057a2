import { resolve } from 'node:path';
import { NativeConnection, Runtime, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { Tmux } from '../host/tmux';
import { WorkRepo } from '../host/git';
import { ConnectionSettings, settingsFromEnv, unreachableError } from '../host/temporal-connection';
import { activityQueueFor, WORKFLOW_TASK_QUEUE } from '../workflows/definitions';
import { HEARTBEAT_EVERY_MS } from '../core/heartbeat';
import { tmuxControlMode, type TmuxControlMode } from '../core/tmux-version';
import { spawnHelper } from '../host/spawn-helper';
import { resetStickyQueues } from './sticky-reset';
import { cachedWorkflowBundle } from './workflow-bundle';

export interface StewardWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  hostId: string;
  /** Private tmux server socket (`tmux -L`); default: the user's tmux server. */
  tmuxSocket?: string;
  /** A prebuilt bundle (tests bundle once); default: the bundle of this build of Steward, made once. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Serve the shared workflow queue too (every host may; one is enough). */
  serveWorkflows?: boolean;
}

/**
 * How long a workflow task waits for this worker's cache before any worker may take it (the SDK's
 * default is 10 s). Shorter recovers a killed worker's builds sooner when no process replaces it
 * (a replacement resets the sticky queues as it starts: connectStewardWorkers); too short sends a
 * busy worker's own tasks to the shared queue, to be replayed from their whole history.
 */
const STICKY_TIMEOUT_MS = 3_000;

/** The workflows bundled once per build (src/workers/workflow-bundle.ts), or bundled here from the sources. */
async function builtWorkflows(workflowsPath: string): Promise<Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>> {
  const workflowBundle = await cachedWorkflowBundle(workflowsPath);
  return workflowBundle ? { workflowBundle } : { workflowsPath };
}

/** Steward's bin/ directory, put on agents' PATH so they find the scripted agent and `steward hook`. */
export const STEWARD_BIN_DIR = resolve(__dirname, '..', '..', 'bin');

/** How the host's tmux commands go (src/core/tmux-version.ts), said once in the worker's log. */
function tmuxControl(): TmuxControlMode {
  const { mode, said } = tmuxControlMode(process.env.STEWARD_TMUX_CONTROL);
  Runtime.instance().logger.info(`tmux commands: ${said}`);
  return mode;
}

/** One process: the shared workflow queue plus this host's own activity queue. */
export async function createStewardWorkers(opts: StewardWorkerOptions): Promise<Worker[]> {
  const namespace = opts.namespace ?? 'default';
  // tmux and git processes are started by a small helper process (STEWARD_SPAWN_HELPER=0: by the worker).
  const releaseSpawnHelper = process.env.STEWARD_SPAWN_HELPER === '0' ? () => undefined : spawnHelper.hold();
  const tmux = new Tmux(opts.tmuxSocket, { control: tmuxControl() });
  const activities = createActivities({ tmux, binDir: STEWARD_BIN_DIR });
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
        // sticky queue (for 10 s after its last poll), and moves it to the shared queue only after
        // this timeout: 10 s by default, most of the pause once the observe is retried in ~3 s.
        stickyQueueScheduleToStartTimeout: STICKY_TIMEOUT_MS,
        ...(opts.workflowBundle
          ? { workflowBundle: opts.workflowBundle }
          : await builtWorkflows(require.resolve('../workflows'))),
      }),
    );
  }
  hostClients.set(workers[0]!, async () => {
    await tmux.close();
    WorkRepo.closeShared();
    releaseSpawnHelper();
  });
  return workers;
}

/** What the activity worker keeps open on the host (tmux's control client, git's cat-file, the spawn helper): ended by runWorkers. */
const hostClients = new WeakMap<Worker, () => Promise<void>>();

/** Runs the workers until shutdown() is called on them (SIGINT/SIGTERM are handled by the SDK). */
export async function runWorkers(workers: Worker[]): Promise<void> {
  try {
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await Promise.all(workers.map((w) => hostClients.get(w)?.()));
  }
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
  // While the workers are made: this process may replace one that died with builds in its cache,
  // whose next workflow tasks would otherwise wait out the sticky timeout (src/workers/sticky-reset.ts).
  const reset = resetStickyQueues(connection, settings.namespace, WORKFLOW_TASK_QUEUE).catch((err: unknown) => {
    Runtime.instance().logger.warn('could not reset sticky queues', { error: String(err) });
  });
  const workers = await createStewardWorkers({
    connection,
    namespace: settings.namespace,
    hostId,
    tmuxSocket: process.env.STEWARD_TMUX_SOCKET || undefined,
  });
  await reset;
  return { workers, connection, settings };
}
