/**
 * Supervision cost at scale: B builds × A scripted agents on one worker process at a 15 s tick,
 * on a real dev server, tmux and git. For each configuration it prints, over a measuring window
 * after the builds have settled:
 *   - the worker's CPU, its own and its children's (exited children from /proc/<pid>/stat, live
 *     ones — a tmux control client, `git cat-file` — from their own stat), as % of one core;
 *   - the processes the worker starts per minute, by program (bench/spawn-counter.cjs, preloaded
 *     into it), and forks per minute machine-wide (/proc/stat `processes`) with the machine's
 *     background rate measured just before the worker started (other jobs share the machine);
 *   - the tmux server's CPU;
 *   - tick overshoot: the time between two looks of a build minus the interval, p50/p95/max. Looks
 *     are timed on the host (the worker logs each look's start and end to STEWARD_LOOK_LOG): in a
 *     quiet spell the observe keeps looking without reporting, so the workflow's history sees only
 *     a few of them;
 *   - memory: the worker's RSS (and peak), its live children's, the tmux server's.
 * One agent of each build (`--busy`) prints a line every few seconds, as a working agent does;
 * the others sit idle at their prompt. Prints figures; asserts nothing.
 *
 *   npm run build && npm run bench:scale -- [--builds 10,20,40] [--agents 5] [--busy 1]
 *     [--interval 15] [--settle 45] [--measure 120] [--label before] [--steward path/to/bin/steward]
 * Needs `npm run build` first: the worker runs as its own process (bin/steward worker).
 */
import { spawn, ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { startDevServer } from '../src/client/dev-server';
import { createWorkspace } from '../src/client/workspace';
import { loadConfigOrThrow } from '../src/client/load-or-exit';
import { startBuild } from '../src/client/start-build';
import { runProgram } from '../src/host/run-program';
import { statusQuery } from '../src/workflows/definitions';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const BUILDS = arg('builds', '10,20,40').split(',').map(Number);
const AGENTS = Number(arg('agents', '5'));
const BUSY = Number(arg('busy', '1'));
const INTERVAL_S = Number(arg('interval', '15'));
const SETTLE_S = Number(arg('settle', '45'));
const MEASURE_S = Number(arg('measure', '120'));
const LABEL = arg('label', '');
/** The `steward` executable the worker runs as (a copy of bin/ and dist/ measures another build of the code). */
const STEWARD = resolve(arg('steward', resolve(__dirname, '..', 'bin', 'steward')));
const PORT = 17433;
/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`; 100 on Linux). */
const HZ = 100;
/** How often a busy agent prints a line. */
const BUSY_EVERY_MS = 4000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ProcStat {
  ppid: number;
  /** utime + stime, clock ticks. */
  cpu: number;
  /** cutime + cstime: children waited for. */
  childCpu: number;
}

function procStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]), childCpu: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

function rssKb(pid: number, field = 'VmRSS'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Every live descendant of `root`, by walking /proc's parent links. */
async function descendants(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = procStat(pid);
    if (s) parents.set(pid, s.ppid);
  }
  const out: number[] = [];
  const within = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === root) return true;
    return false;
  };
  for (const pid of parents.keys()) if (within(pid)) out.push(pid);
  return out;
}

function forksSoFar(): number {
  const m = /^processes (\d+)/m.exec(readFileSync('/proc/stat', 'utf8'));
  return m ? Number(m[1]) : 0;
}

interface Sample {
  at: number;
  forks: number;
  worker: ProcStat;
  /** Live descendants' own CPU, by pid. */
  live: Map<number, number>;
  tmux: number;
}

async function sample(worker: number, tmuxPid: number): Promise<Sample> {
  const live = new Map<number, number>();
  for (const pid of await descendants(worker)) live.set(pid, procStat(pid)?.cpu ?? 0);
  return {
    at: Date.now(),
    forks: forksSoFar(),
    worker: procStat(worker) ?? { ppid: 0, cpu: 0, childCpu: 0 },
    live,
    tmux: procStat(tmuxPid)?.cpu ?? 0,
  };
}

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A scripted agent's script that prints a line every BUSY_EVERY_MS once told anything, for about an hour. */
function busyScript(): string {
  const steps = Array.from(
    { length: 900 },
    (_, i) => `{ say = "working on step ${i}: reading files, running tests" }, { sleep = ${BUSY_EVERY_MS} }`,
  );
  return `[[on]]\nmatch = "."\nonce = "busy"\ndo = [${steps.join(', ')}]\n`;
}

function config(name: string, dir: string): string {
  const agents = Array.from({ length: AGENTS }, (_, i) => i);
  return `
name = "${name}"
[watchdog]
signal_interval = ${INTERVAL_S}
[defaults]
watch = "heal"
[backend.idle]
command = "steward-scripted-agent"
args = ["--script", "${join(dir, 'idle.toml')}"]
session_id_flag = "--session-id"
[backend.busy]
command = "steward-scripted-agent"
args = ["--script", "${join(dir, 'busy.toml')}"]
session_id_flag = "--session-id"
${agents
  .map(
    (i) => `[[agent]]
name = "a${i}"
backend = "${i < BUSY ? 'busy' : 'idle'}"
cwd = "a${i}"
kickoff = "You are agent ${i}: start."`,
  )
  .join('\n')}
[loop]
repo = "supervisor"
phases = [{ id = "p1" }]
handoff = { claim_pings = ["a${AGENTS - 1}"], review_pings = [] }
`;
}

/** The worker as its own process, and when it has exited. */
function startWorker(
  address: string,
  socket: string,
  lookLog: string,
  spawnCounts: string,
): { child: ChildProcess; exited: Promise<void> } {
  const counter = resolve(__dirname, 'spawn-counter.cjs');
  const child = spawn(process.execPath, ['--require', counter, STEWARD, 'worker'], {
    env: {
      STEWARD_SPAWN_COUNT_FILE: spawnCounts,
      ...process.env,
      TEMPORAL_ADDRESS: address,
      STEWARD_HOST_ID: 'scale',
      STEWARD_TMUX_SOCKET: socket,
      STEWARD_LOOK_LOG: lookLog,
    },
    stdio: 'ignore',
  });
  return { child, exited: new Promise((r) => child.once('exit', () => r())) };
}

async function allAlive(handles: WorkflowHandle[]): Promise<boolean> {
  for (const h of handles) {
    const view = await h.query(statusQuery).catch(() => null);
    if (!view || Object.values(view.agents).filter((a) => a.alive).length < AGENTS) return false;
  }
  return true;
}

interface Look {
  build: string;
  start: number;
  end: number;
}

async function looksIn(file: string, from: number, to: number): Promise<Look[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Look)
    .filter((l) => l.start >= from && l.start <= to);
}

async function runConfig(client: Client, address: string, dir: string, builds: number): Promise<string> {
  const socket = `steward-scale-${process.pid}-${builds}`;
  const lookLog = join(dir, `looks-${builds}.jsonl`);
  const f0 = forksSoFar();
  await sleep(15_000);
  const backgroundForks = ((forksSoFar() - f0) / 15) * 60;

  const spawnCounts = join(dir, `spawns-${builds}.json`);
  const worker = startWorker(address, socket, lookLog, spawnCounts);
  const spawned = async (): Promise<Record<string, number>> =>
    JSON.parse(await readFile(spawnCounts, 'utf8').catch(() => '{}')) as Record<string, number>;
  const handles: WorkflowHandle[] = [];
  for (let b = 0; b < builds; b++) {
    const ws = join(dir, `b${builds}-${b}`);
    await createWorkspace(ws, [...Array.from({ length: AGENTS }, (_, i) => `a${i}`), 'supervisor']);
    const file = join(ws, 'agents.toml');
    await writeFile(file, config(`scale-${builds}-${b}`, dir));
    const { config: cfg, hash } = await loadConfigOrThrow(file);
    handles.push((await startBuild(client, cfg, hash, 'scale')).handle);
  }
  const started = Date.now();
  while (!(await allAlive(handles))) {
    if (Date.now() - started > 10 * 60_000) throw new Error('agents did not all start within 10 minutes');
    await sleep(2000);
  }
  const upAfter = (Date.now() - started) / 1000;
  await sleep(SETTLE_S * 1000);

  const tmuxPid = Number((await runProgram('tmux', ['-L', socket, 'display-message', '-p', '#{pid}'])).stdout.trim());
  const pid = worker.child.pid!;
  const load0 = loadavg()[0]!;
  const s0 = await sample(pid, tmuxPid);
  const spawned0 = await spawned();
  await sleep(MEASURE_S * 1000);
  const s1 = await sample(pid, tmuxPid);
  // Written every second: wait for a write after the window.
  await sleep(1100);
  const spawned1 = await spawned();
  const load1 = loadavg()[0]!;
  const liveKb = (await descendants(pid)).reduce((sum, p) => sum + rssKb(p), 0);
  const memory = {
    worker: rssKb(pid) / 1024,
    peak: rssKb(pid, 'VmHWM') / 1024,
    children: liveKb / 1024,
    tmux: rssKb(tmuxPid) / 1024,
  };

  const seconds = (s1.at - s0.at) / 1000;
  const pct = (ticks: number) => (100 * ticks) / HZ / seconds;
  let liveCpu = 0;
  for (const [p, cpu] of s1.live) liveCpu += cpu - (s0.live.get(p) ?? 0);
  const own = pct(s1.worker.cpu - s0.worker.cpu);
  const children = pct(s1.worker.childCpu - s0.worker.childCpu + liveCpu);
  const tmux = pct(s1.tmux - s0.tmux);
  const forks = ((s1.forks - s0.forks) / seconds) * 60;
  const perMinute = (n: number) => (n / seconds) * 60;
  const programs = Object.keys(spawned1)
    .map((p) => ({ p, n: (spawned1[p] ?? 0) - (spawned0[p] ?? 0) }))
    .filter(({ n }) => n > 0)
    .sort((a, b) => b.n - a.n);
  const spawnTotal = programs.reduce((sum, { n }) => sum + n, 0);

  // Tick overshoot: between two looks of a build, beyond the interval.
  const looks = await looksIn(lookLog, s0.at, s1.at);
  const byBuild = new Map<string, Look[]>();
  for (const l of looks) byBuild.set(l.build, [...(byBuild.get(l.build) ?? []), l]);
  const overshoot: number[] = [];
  for (const list of byBuild.values()) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i++) overshoot.push(list[i]!.start - list[i - 1]!.start - INTERVAL_S * 1000);
  }
  const durations = looks.map((l) => l.end - l.start);
  const agents = builds * AGENTS;

  for (const h of handles) await h.terminate('bench done').catch(() => undefined);
  worker.child.kill('SIGTERM');
  await Promise.race([worker.exited, sleep(20_000)]);
  worker.child.kill('SIGKILL');
  await runProgram('tmux', ['-L', socket, 'kill-server']);

  const f = (x: number, d = 1) => x.toFixed(d);
  return [
    `${builds} builds × ${AGENTS} agents = ${agents} agents (${BUSY} busy per build), ${INTERVAL_S} s tick; ` +
      `all up after ${f(upAfter, 0)} s, settled ${SETTLE_S} s, measured ${f(seconds, 0)} s; load avg ${f(load0, 2)} → ${f(load1, 2)}`,
    `  worker CPU: ${f(own + children)} % of one core (own ${f(own)} %, children ${f(children)} %); ` +
      `per agent ${f((own + children) / agents, 3)} %`,
    `  tmux server CPU: ${f(tmux)} %; worker + tmux per agent ${f((own + children + tmux) / agents, 3)} %`,
    `  processes the worker started/min: ${f(perMinute(spawnTotal), 0)} (${programs.map(({ p, n }) => `${p} ${f(perMinute(n), 0)}`).join(', ') || 'none'}); ` +
      `forks/min machine-wide: ${f(forks, 0)} (background before the worker: ${f(backgroundForks, 0)})`,
    `  looks: ${looks.length} in ${byBuild.size} builds; tick overshoot p50 ${f(percentile(overshoot, 50), 0)} ms, ` +
      `p95 ${f(percentile(overshoot, 95), 0)} ms, max ${f(Math.max(...overshoot), 0)} ms; ` +
      `look duration p50 ${f(percentile(durations, 50), 0)} ms, p95 ${f(percentile(durations, 95), 0)} ms`,
    `  memory: worker RSS ${f(memory.worker, 0)} MiB (peak ${f(memory.peak, 0)}), its live children ${f(memory.children, 0)} MiB, ` +
      `tmux server ${f(memory.tmux, 0)} MiB`,
  ].join('\n');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-scale-'));
  await writeFile(join(dir, 'idle.toml'), 'on = []\n');
  await writeFile(join(dir, 'busy.toml'), busyScript());
  const server = await startDevServer({ dbFile: join(dir, 'temporal.sqlite'), port: PORT, headless: true });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  console.log(
    `${LABEL ? `[${LABEL}] ` : ''}machine: ${cpus().length} cores, node ${process.version}, ${new Date().toISOString()}`,
  );
  try {
    for (const builds of BUILDS) console.log(await runConfig(client, server.address, dir, builds));
  } finally {
    await connection.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
