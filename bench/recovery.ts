/**
 * Recovery time: from a fault to the build's next completed tick (an `observe` activity completed
 * after the fault, and the workflow task that took it in), on a real dev server, tmux and git.
 *   - worker SIGKILL, a new worker started at once; each kill is broken down: the in-flight
 *     activity's last heartbeat, when the new worker polled, when the server gave the lost attempt
 *     up and made its retry due, and the history's events after the kill;
 *   - Temporal dev server stopped and started again on the same SQLite file (also: until the host's
 *     first heartbeat to it, since an observe in a quiet spell completes only when the spell ends);
 *   - the agents' tmux server killed: until every agent was launched again (healed) after it.
 * First, the margin of the heartbeat timeout: the gaps between the heartbeats the server records
 * while `--hogs` processes spin on the cores for `--load-seconds`, and any activity retried then.
 * Prints figures; never passes or fails on time.
 *
 *   npm run bench:recovery -- [--runs 3] [--hogs 3] [--load-seconds 30]
 * Needs `npm run build` first: the worker runs as its own process (bin/steward worker).
 */
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { startDevServer, DevServerOptions } from '../src/client/dev-server';
import { resolveTemporalBinary } from '../src/client/temporal-binary';
import { createWorkspace } from '../src/client/workspace';
import { loadConfigOrThrow } from '../src/client/load-or-exit';
import { startBuild } from '../src/client/start-build';
import { Tmux } from '../src/host/tmux';
import { stopSignal } from '../src/workflows/definitions';

const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = option('--runs', 3);
/** The heartbeat-gap window: this many processes spinning on the cores beside the worker, for this long. */
const HOGS = option('--hogs', 3);
const LOAD_MS = option('--load-seconds', 30) * 1000;
const PORT = 17333;
/** The build's agents (builder, watcher): the tmux fault waits for a relaunch of each. */
const AGENTS = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface WorkerProcess {
  child: ChildProcess;
  /** Epoch ms when the process was spawned. */
  spawnedAt: number;
  /** Epoch ms when both its workers began to poll (the SDK logs RUNNING). */
  polling: Promise<number>;
}

function worker(address: string, socket: string): WorkerProcess {
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [resolve(__dirname, '..', 'bin', 'steward'), 'worker'], {
    env: { ...process.env, TEMPORAL_ADDRESS: address, STEWARD_HOST_ID: 'recovery', STEWARD_TMUX_SOCKET: socket },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  // Its log is read for the moment it polls: the last of its workers to say RUNNING.
  const polling = new Promise<number>((r) => {
    let running = 0;
    let rest = '';
    child.stdout?.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.includes('"state":"RUNNING"') && ++running === 2) r(Date.now());
    });
  });
  return { child, spawnedAt, polling };
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

/** The build's pending activities; none while the server does not answer. */
function pendingOf(handle: WorkflowHandle) {
  return handle.describe().then(
    (d) => d.raw.pendingActivities ?? [],
    () => [],
  );
}

/** The in-flight activity, when it started and its last heartbeat as the server has them (epoch ms), just before a kill. */
async function inFlight(
  handle: WorkflowHandle,
): Promise<{ activity: string; started: number | null; beat: number | null } | null> {
  const a = (await pendingOf(handle))[0];
  if (!a) return null;
  const at = (t: typeof a.lastHeartbeatTime) => (t ? timeOf({ eventTime: t }) : null);
  return { activity: a.activityType?.name ?? '?', started: at(a.lastStartedTime), beat: at(a.lastHeartbeatTime) };
}

/**
 * Watches the pending activities from a kill until `until` settles: when the server gave the dead
 * worker's attempt up (its heartbeat timeout ran out; seen by polling, so up to ~0.1 s late) and
 * when it made the retry due.
 */
async function watchRetry(
  handle: WorkflowHandle,
  until: Promise<unknown>,
): Promise<{ gaveUp: number; retryDue: number | null } | null> {
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    const pending = await pendingOf(handle);
    const retried = pending.find((a) => (a.attempt ?? 1) > 1);
    if (retried)
      return {
        gaveUp: Date.now(),
        retryDue: retried.nextAttemptScheduleTime ? timeOf({ eventTime: retried.nextAttemptScheduleTime }) : null,
      };
    await sleep(50);
  }
  return null;
}

/** Epoch ms of the first heartbeat or start of an in-flight activity that the server recorded after `since`. */
async function heartbeatAfter(handle: WorkflowHandle, since: number): Promise<number> {
  for (;;) {
    const pending = await pendingOf(handle);
    const times = pending
      .flatMap((a) => [a.lastHeartbeatTime, a.lastStartedTime])
      .map((t) => (t ? timeOf({ eventTime: t }) : 0))
      .filter((t) => t > since);
    if (times.length) return Math.min(...times);
    await sleep(100);
  }
}

/** `n` processes spinning: the worker then shares the cores as on a loaded CI machine. */
function hogs(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

/**
 * For `ms`, the gaps between the heartbeats the server recorded for each attempt of each in-flight
 * activity (successive `lastHeartbeatTime`s: what the heartbeat timeout must outlast), and the
 * activities retried meanwhile (none should be: no worker died).
 */
async function heartbeatGaps(handle: WorkflowHandle, ms: number): Promise<{ gaps: number[]; retried: string[] }> {
  const gaps: number[] = [];
  const retried = new Set<string>();
  const last = new Map<string, number>();
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(100)) {
    const pending = await pendingOf(handle);
    for (const a of pending) {
      if ((a.attempt ?? 1) > 1)
        retried.add(`${a.activityType?.name} ${a.activityId} (${a.lastFailure?.message ?? 'no failure'})`);
      if (!a.lastHeartbeatTime) continue;
      const key = `${a.activityId}/${a.attempt}`;
      const beat = timeOf({ eventTime: a.lastHeartbeatTime });
      const prev = last.get(key);
      if (prev !== undefined && beat > prev) gaps.push(beat - prev);
      if (prev === undefined || beat > prev) last.set(key, beat);
    }
  }
  return { gaps, retried: [...retried] };
}

/** The history from the first event after `since` to the tick's end (`end`): `+s.s Event` after `since`. */
async function timeline(handle: WorkflowHandle, since: number, end: number): Promise<string> {
  const events = (await handle.fetchHistory()).events ?? [];
  const names = new Map<string, string>();
  const out: string[] = [];
  for (const e of events) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) names.set(String(e.eventId), name);
    const at = timeOf(e);
    if (at <= since || at > end) continue;
    const kind = Object.keys(e)
      .find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k])
      ?.replace(/EventAttributes$/, '');
    const activity =
      e.activityTaskStartedEventAttributes ??
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskTimedOutEventAttributes;
    const attempt = e.activityTaskStartedEventAttributes?.attempt;
    const detail = activity
      ? `(${names.get(String(activity.scheduledEventId)) ?? '?'}${attempt ? ` #${attempt}` : ''})`
      : name
        ? `(${name})`
        : '';
    out.push(`+${((at - since) / 1000).toFixed(2)} ${kind ?? '?'}${detail}`);
  }
  return out.join(', ');
}

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

  const spinning = hogs(HOGS);
  const load = await heartbeatGaps(handle, LOAD_MS);
  const loadAverage = loadavg()[0];
  await Promise.all(spinning.map(kill));

  const workerKills: number[] = [];
  const breakdowns: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    await sleep(1500 + Math.random() * 1000);
    const before = await inFlight(handle).catch(() => null);
    const at = Date.now();
    await kill(child.child);
    child = worker(server.address, socket);
    const tick = nextCompletedTick(
      () => client,
      () => handle,
      at,
    );
    const retry = await watchRetry(handle, tick);
    const end = await tick;
    workerKills.push(end - at);
    // Where the pause went, in seconds after the kill.
    const s = (t: number | null | undefined) => (t ? `${((t - at) / 1000).toFixed(2)}` : '—');
    breakdowns.push(
      `kill ${i + 1}: ${((end - at) / 1000).toFixed(2)} s; in flight ${before?.activity ?? 'none'} (started ${s(before?.started)}, last beat ${s(before?.beat)}); ` +
        `new worker polling ${s(await Promise.race([child.polling, sleep(20_000).then(() => null)]))} (spawned ${s(child.spawnedAt)}); attempt given up ${s(retry?.gaveUp)}, ` +
        `retry due ${s(retry?.retryDue)}\n    history: ${await timeline(handle, at, end)}`,
    );
  }

  const serverRestarts: number[] = [];
  /** From the restart to the host's first heartbeat (or activity start) the server records after it is back. */
  const hostBack: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await sleep(1500);
    const at = Date.now();
    await server.stop();
    server = await startDevServer(options);
    const up = Date.now();
    await connection.close().catch(() => undefined);
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    const build = client.workflow.getHandle(handle.workflowId);
    hostBack.push((await heartbeatAfter(build, up)) - at);
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
  const sorted = [...load.gaps].sort((a, b) => a - b);
  const at = (q: number) =>
    ((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) / 1000).toFixed(2);
  console.log(
    `heartbeat gaps with ${HOGS} spinning processes for ${LOAD_MS / 1000} s (load average ${loadAverage.toFixed(1)}): ` +
      `${sorted.length} gaps, median ${at(0.5)} s, p99 ${at(0.99)} s, max ${at(1)} s; retried meanwhile: ${load.retried.join(', ') || 'none'}`,
  );
  console.log(`worker SIGKILL → next completed tick (1 s interval): ${fmt(workerKills)}`);
  for (const b of breakdowns) console.log(`  ${b}`);
  console.log(`dev server restart → next completed tick: ${fmt(serverRestarts)}`);
  console.log(`dev server restart → the host heartbeating to it again: ${fmt(hostBack)}`);
  console.log(`tmux server killed → all ${AGENTS} agents launched again (1 s heavy tick): ${fmt(tmuxKills)}`);

  await client.workflow
    .getHandle(handle.workflowId)
    .signal(stopSignal, 'bench done')
    .catch(() => undefined);
  await kill(child.child);
  await new Tmux(socket).killServer();
  await connection.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
