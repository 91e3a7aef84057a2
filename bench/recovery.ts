/**
 * Recovery time: from a fault to the build's next completed tick (an `observe` activity completed
 * after the fault, and the workflow task that took it in), on a real dev server, tmux and git.
 *   - worker SIGKILL, a new worker started at once;
 *   - Temporal dev server stopped and started again on the same SQLite file;
 *   - the agents' tmux server killed: until every agent was launched again (healed) after it.
 * Prints figures; never passes or fails on time.
 *
 *   npm run bench:recovery -- [--runs 3]
 * Needs `npm run build` first: the worker runs as its own process (bin/steward worker).
 */
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { startDevServer, DevServerOptions } from '../src/client/dev-server';
import { resolveTemporalBinary } from '../src/client/temporal-binary';
import { createWorkspace } from '../src/client/workspace';
import { loadConfigOrThrow } from '../src/client/load-or-exit';
import { startBuild } from '../src/client/start-build';
import { Tmux } from '../src/host/tmux';
import { stopSignal } from '../src/workflows/definitions';

const RUNS = (() => {
  const i = process.argv.indexOf('--runs');
  return i >= 0 ? Number(process.argv[i + 1]) : 3;
})();
const PORT = 17333;
/** The build's agents (builder, watcher): the tmux fault waits for a relaunch of each. */
const AGENTS = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function worker(address: string, socket: string): ChildProcess {
  return spawn(process.execPath, [resolve(__dirname, '..', 'bin', 'steward'), 'worker'], {
    env: { ...process.env, TEMPORAL_ADDRESS: address, STEWARD_HOST_ID: 'recovery', STEWARD_TMUX_SOCKET: socket },
    stdio: 'ignore',
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });
}

/**
 * Epoch ms of the `count`-th `activity` completed after `since`, polling the history. For
 * `observe` (the next completed tick), of the workflow task that took that observation in: the
 * build has decided on it then, not before.
 */
async function nextCompleted(
  client: () => Client,
  handle: () => WorkflowHandle,
  since: number,
  activity = 'observe',
  count = 1,
): Promise<number> {
  for (;;) {
    try {
      const history = await client().workflow.getHandle(handle().workflowId).fetchHistory();
      const events = history.events ?? [];
      const scheduled = new Map<string, string>();
      let seen = 0;
      let observed = false;
      for (const e of events) {
        if (observed && e.workflowTaskCompletedEventAttributes) return timeOf(e);
        const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
        if (name) scheduled.set(String(e.eventId), name);
        const done = e.activityTaskCompletedEventAttributes;
        if (done && scheduled.get(String(done.scheduledEventId)) === activity) {
          const at = timeOf(e);
          if (at > since && ++seen >= count) {
            if (activity !== 'observe') return at;
            observed = true;
          }
        }
      }
    } catch {
      // The server may still be coming back.
    }
    await sleep(100);
  }
}
function timeOf(e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }): number {
  return Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
}
const nextCompletedTick = (client: () => Client, handle: () => WorkflowHandle, since: number) =>
  nextCompleted(client, handle, since);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-recovery-'));
  const options: DevServerOptions = {
    binary: await resolveTemporalBinary(),
    dbFile: join(dir, 'temporal.sqlite'),
    port: PORT,
    headless: true,
  };
  let server = await startDevServer(options);
  let connection = await Connection.connect({ address: server.address });
  let client = new Client({ connection });
  const socket = `steward-recovery-${process.pid}`;
  let child = worker(server.address, socket);

  const ws = join(dir, 'ws');
  await createWorkspace(ws, ['builder', 'supervisor']);
  await writeFile(join(dir, 'inert.toml'), 'on = []\n');
  const file = join(ws, 'agents.toml');
  await writeFile(
    file,
    // Healing runs on the heavy tick: 1 s here, so the tmux figure is mostly the relaunch itself.
    `name = "recovery"\n[watchdog]\nsignal_interval = 1\nheavy_interval = 1\nreboot_backoff = 1\ncrash_loop_reboots = 10\n[backend.inert]\ncommand = "steward-scripted-agent"\nargs = ["--script", "${join(dir, 'inert.toml')}"]\n[[agent]]\nname = "builder"\nbackend = "inert"\ncwd = "builder"\n[[agent]]\nname = "watcher"\nkind = "persistent"\nbackend = "inert"\ncwd = "supervisor"\n[loop]\nrepo = "supervisor"\nphases = [{ id = "p1" }]\n`,
  );
  const { config, hash } = await loadConfigOrThrow(file);
  const { handle } = await startBuild(client, config, hash, 'recovery');
  await nextCompletedTick(
    () => client,
    () => handle,
    0,
  );

  const workerKills: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await sleep(1500 + Math.random() * 1000);
    const at = Date.now();
    await kill(child);
    child = worker(server.address, socket);
    workerKills.push(
      (await nextCompletedTick(
        () => client,
        () => handle,
        at,
      )) - at,
    );
  }

  const serverRestarts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await sleep(1500);
    const at = Date.now();
    await server.stop();
    server = await startDevServer(options);
    await connection.close().catch(() => undefined);
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    serverRestarts.push(
      (await nextCompletedTick(
        () => client,
        () => handle,
        at,
      )) - at,
    );
  }

  // Every agent's session dies with the tmux server; healing launches each again.
  const tmuxKills: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await sleep(3000);
    const at = Date.now();
    await new Tmux(socket).killServer();
    tmuxKills.push(
      (await nextCompleted(
        () => client,
        () => handle,
        at,
        'launchAgent',
        AGENTS,
      )) - at,
    );
  }

  const fmt = (xs: number[]) =>
    `${xs.map((x) => `${(x / 1000).toFixed(1)}s`).join(', ')} (median ${(([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0) / 1000).toFixed(1)}s)`;
  console.log(
    `machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}, ${new Date().toISOString()}`,
  );
  console.log(`worker SIGKILL → next completed tick (1 s interval): ${fmt(workerKills)}`);
  console.log(`dev server restart → next completed tick: ${fmt(serverRestarts)}`);
  console.log(`tmux server killed → all ${AGENTS} agents launched again (1 s heavy tick): ${fmt(tmuxKills)}`);

  await client.workflow
    .getHandle(handle.workflowId)
    .signal(stopSignal, 'bench done')
    .catch(() => undefined);
  await kill(child);
  await new Tmux(socket).killServer();
  await connection.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
