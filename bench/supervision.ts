/**
 * Supervision cost and responsiveness on a real dev server, tmux and git:
 *   - history events and bytes of an idle hour at a 15 s interval, run 15 times faster (a 1 s
 *     interval, every other duration of the watchdog divided by 15, 240 s = one hour): an agent
 *     idle at its prompt that nothing wakes or judges, so no tick decides anything; and how long
 *     a run lasts before the server suggests continue-as-new,
 *   - handoff latency, push → ping, with the `pushed` signal and with polling only.
 * Prints figures; never passes or fails on time.
 *
 *   node -r ./bench/ts-register.cjs bench/supervision.ts [--idle-seconds 240] [--pushes 8]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { startDevServer } from '../src/client/dev-server';
import { createWorkspace } from '../src/client/workspace';
import { loadConfigOrThrow } from '../src/client/load-or-exit';
import { startBuild } from '../src/client/start-build';
import { runProgram } from '../src/host/run-program';
import { Tmux } from '../src/host/tmux';
import { createStewardWorkers, runWorkers } from '../src/workers/worker';
import { installRuntime } from '../src/workers/runtime';
import { pushedSignal, statusQuery, stopSignal } from '../src/workflows/definitions';
import type { buildWorkflow } from '../src/workflows/build';
import { historyCount } from './history';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const IDLE_SECONDS = arg('idle-seconds', 240);
/** The idle run is an hour at a 15 s interval, 15 times faster. */
const SPEEDUP = 15;
/** The second host of the two-host idle build. */
const SECOND_HOST = 'bench-b';
const PUSHES = arg('pushes', 8);
/** The server's default `limit.historyCount.suggestContinueAsNew`. */
const SUGGEST_CAN_EVENTS = 4096;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * The default watchdog durations (seconds) divided by `speedup`, the idle agent watched for
 * healing only; with `secondHost`, a second idle agent runs on that host.
 */
function config(name: string, script: string, intervalSeconds: number, speedup = 1, secondHost?: string): string {
  return `
name = "${name}"
[watchdog]
signal_interval = ${intervalSeconds}
heavy_interval = ${120 / speedup}
stall_grace = ${180 / speedup}
[defaults]
watch = "heal"
[backend.inert]
command = "steward-scripted-agent"
args = ["--script", "${script}"]
session_id_flag = "--session-id"
[[agent]]
name = "adversary"
backend = "inert"
cwd = "adversary"
kickoff = "You verify claims."
${
  secondHost
    ? `[[agent]]
name = "builder"
backend = "inert"
cwd = "builder"
kickoff = "You build."
host = "${secondHost}"
`
    : ''
}[loop]
repo = "supervisor"
phases = [{ id = "p1" }]
handoff = { claim_pings = ["adversary"], review_pings = [] }
`;
}

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-bench-'));
  installRuntime(pino({ level: 'error' }, pino.destination(2)));
  const server = await startDevServer({ dbFile: join(dir, 'temporal.sqlite'), port: 17233, headless: true });
  const native = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const socket = `steward-bench-${process.pid}`;
  const workers = [
    ...(await createStewardWorkers({ connection: native, hostId: 'bench', tmuxSocket: socket })),
    // A second host, for the idle hour of a build on two hosts: its own host id and tmux server.
    ...(await createStewardWorkers({
      connection: native,
      hostId: SECOND_HOST,
      tmuxSocket: `${socket}-b`,
      serveWorkflows: false,
    })),
  ];
  const running = runWorkers(workers);
  const script = join(dir, 'inert.toml');
  await writeFile(script, 'on = []\n');

  const run = async (name: string, intervalSeconds: number, speedup = 1, secondHost?: string) => {
    const ws = join(dir, name);
    await createWorkspace(ws, ['adversary', 'supervisor', 'builder']);
    const file = join(ws, 'agents.toml');
    await writeFile(file, config(name, script, intervalSeconds, speedup, secondHost));
    const { config: cfg, hash } = await loadConfigOrThrow(file);
    const { handle } = await startBuild(client, cfg, hash, 'bench');
    await waitFor(async () => ((await handle.query(statusQuery)).agents.adversary?.alive ? true : undefined), 30_000);
    return { handle: handle as WorkflowHandle<typeof buildWorkflow>, ws };
  };

  // 1. An idle hour, 15 times faster: on one host, then with a second agent on a second host.
  const idleHour = async (name: string, secondHost?: string) => {
    const idle = await run(name, 15 / SPEEDUP, SPEEDUP, secondHost);
    await sleep(3000);
    const h0 = await historyCount(idle.handle);
    await sleep(IDLE_SECONDS * 1000);
    const h1 = await historyCount(idle.handle);
    await idle.handle.signal(stopSignal, 'bench done');
    return { observes: h1.observes - h0.observes, events: h1.events - h0.events, bytes: h1.bytes - h0.bytes };
  };
  const oneHost = await idleHour('idle');
  const twoHosts = await idleHour('idle-two-hosts', SECOND_HOST);
  const ticks = oneHost.observes;
  const perTick = oneHost.events / ticks;

  // 2. Handoff latency: push a claim, time until the adversary's ping event.
  const latency = async (mode: 'signal' | 'polling'): Promise<number[]> => {
    const b = await run(`handoff-${mode}`, 5);
    const builder = join(b.ws, 'builder');
    const samples: number[] = [];
    for (let i = 0; i < PUSHES; i++) {
      await runProgram('git', ['commit', '-q', '--allow-empty', '-m', `claim(g${i}): bench`], { cwd: builder });
      await runProgram('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd: builder });
      const pushedAt = Date.now();
      if (mode === 'signal') await b.handle.signal(pushedSignal);
      const ping = await waitFor(async () => {
        const events = (await b.handle.query(statusQuery)).events;
        return events.find((e) => e.type === 'ping_sent' && e.message.includes(`claim(g${i})`));
      }, 60_000);
      samples.push(Math.max(0, ping.at - pushedAt));
      await sleep(500 + Math.random() * 2000);
    }
    await b.handle.signal(stopSignal, 'bench done');
    return samples;
  };
  const withSignal = await latency('signal');
  const pollingOnly = await latency('polling');

  console.log(
    `machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}, ${new Date().toISOString()}`,
  );
  const perHour = (x: number) => Math.round((x * 3600) / (IDLE_SECONDS * SPEEDUP));
  console.log(
    `idle: ${IDLE_SECONDS}s at a 1 s interval (= ${((IDLE_SECONDS * SPEEDUP) / 3600).toFixed(2)} h at 15 s): ` +
      `${ticks} observe activities, ${oneHost.events} history events, ${oneHost.bytes} bytes`,
  );
  console.log(`history events per idle hour at a 15 s interval: ${perHour(oneHost.events)}`);
  console.log(`history bytes per idle hour at a 15 s interval: ${perHour(oneHost.bytes)}`);
  console.log(`history events per observe: ${perTick.toFixed(2)}`);
  const hoursToSuggest = SUGGEST_CAN_EVENTS / Math.max(1, perHour(oneHost.events));
  console.log(
    `idle hours per run before continue-as-new is suggested (${SUGGEST_CAN_EVENTS} events): ${hoursToSuggest.toFixed(1)}`,
  );
  console.log(
    `two hosts (one idle agent on each): ${twoHosts.observes} observes, ${perHour(twoHosts.events)} history events and ` +
      `${perHour(twoHosts.bytes)} bytes per idle hour; ${(twoHosts.events / Math.max(1, twoHosts.observes / 2)).toFixed(2)} events per spell of both hosts`,
  );
  console.log(
    `handoff latency with the pushed signal: median ${median(withSignal)} ms, max ${Math.max(...withSignal)} ms (n=${withSignal.length})`,
  );
  console.log(
    `handoff latency polling only (5 s interval): median ${median(pollingOnly)} ms, max ${Math.max(...pollingOnly)} ms (n=${pollingOnly.length})`,
  );
  console.log(`ratio polling/signal (median): ${(median(pollingOnly) / Math.max(1, median(withSignal))).toFixed(1)}x`);

  workers.forEach((w) => w.shutdown());
  await running;
  await new Tmux(socket).killServer();
  await new Tmux(`${socket}-b`).killServer();
  await connection.close();
  await native.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
