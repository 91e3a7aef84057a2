import { Client, Connection } from '@temporalio/client';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { installRuntime } from '../workers/runtime';
import { connect } from './connection';
import { startDevServer, DevServer } from './dev-server';
import { startBuild } from './start-build';
import { describeResult, followBuild } from './follow';
import { loadConfigOrThrow } from './load-or-exit';
import { connectStewardWorkers, runWorkers } from '../workers/worker';
import { hostId } from '../workers/host-id';
import { buildWorkflowId, BuildResult } from '../workflows/definitions';
import { DASHBOARD_PORT, serveDashboard } from './commands/dashboard';
import type { Dashboard } from './dashboard/server';

/** A throwaway build (the demo) replaces one left running by an interrupted run. */
async function terminateRunning(client: Client, workflowId: string): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  const running = await handle.describe().then(
    (d) => d.status.name === 'RUNNING',
    () => false,
  );
  if (running) await handle.terminate('replaced by a new run');
}

const DEV_PORT = 7233;
const UI_PORT = 8233;

async function serving(address: string): Promise<boolean> {
  try {
    const conn = await Connection.connect({ address, connectTimeout: 1000 });
    await conn.close();
    return true;
  } catch {
    return false;
  }
}

/** The dashboard on `port`, or on any free port when that one is taken (another `up` serves it). */
async function dashboardOn(port: number, print: (line: string) => void): Promise<Dashboard> {
  const warn = (line: string) => print(`dashboard: ${line}`);
  try {
    return await serveDashboard({ port, host: '127.0.0.1' }, print, warn);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return serveDashboard({ port: 0, host: '127.0.0.1' }, print, warn);
  }
}

/**
 * The main job in one command: a server (the embedded dev server unless TEMPORAL_ADDRESS names one),
 * a worker in this process, the build, followed to its end.
 */
export async function up(
  configFile: string,
  print: (line: string) => void,
  opts: { stateDir?: string; replaceRunning?: boolean; dashboardPort?: number | false } = {},
): Promise<BuildResult> {
  const { config, hash } = await loadConfigOrThrow(configFile);
  let server: DevServer | null = null;
  let uiUrl: string | null = null;
  if (!process.env.TEMPORAL_ADDRESS) {
    const address = `127.0.0.1:${DEV_PORT}`;
    if (await serving(address)) {
      print(`using the Temporal server already running at ${address}`);
    } else {
      print('starting the embedded Temporal dev server…');
      server = await startDevServer({
        dbFile: join(opts.stateDir ?? '.steward', 'temporal.sqlite'),
        port: DEV_PORT,
        uiPort: UI_PORT,
        log: print,
      });
      print(`Temporal dev server at ${server.address}, Web UI ${server.uiUrl}`);
    }
    process.env.TEMPORAL_ADDRESS = address;
    uiUrl = `http://localhost:${UI_PORT}`;
  }
  const logFile = join(opts.stateDir ?? '.steward', 'worker.log');
  await mkdir(dirname(logFile), { recursive: true });
  installRuntime(pino({ name: 'steward-worker' }, pino.destination({ dest: logFile, sync: false })));
  print(`worker log: ${logFile}`);
  const { workers, connection: native, settings } = await connectStewardWorkers(hostId());
  const running = runWorkers(workers);
  const { client, connection } = await connect(settings);
  let dashboard: Dashboard | null = null;
  try {
    if (opts.dashboardPort !== false)
      // The dashboard is a view of the build: one that cannot start leaves the build running without it.
      dashboard = await dashboardOn(opts.dashboardPort ?? DASHBOARD_PORT, print).catch((err: unknown) => {
        print(`dashboard: not served: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        return null;
      });
    if (opts.replaceRunning) await terminateRunning(client, buildWorkflowId(config.name));
    const { handle, attached } = await startBuild(client, config, hash, hostId());
    print(`${attached ? 'attached to' : 'started'} build ${handle.workflowId}`);
    if (uiUrl)
      print(`Web UI: ${uiUrl}/namespaces/${settings.namespace}/workflows/${encodeURIComponent(handle.workflowId)}`);
    const result = await followBuild(handle, print);
    print(describeResult(result));
    if (uiUrl)
      print(`Web UI: ${uiUrl}/namespaces/${settings.namespace}/workflows/${encodeURIComponent(handle.workflowId)}`);
    return result;
  } finally {
    await dashboard?.close();
    workers.forEach((w) => w.shutdown());
    await running.catch(() => undefined);
    await connection.close();
    await native.close();
    await server?.stop();
  }
}
