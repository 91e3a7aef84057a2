/**
 * Supervision cost at scale: B builds × A scripted agents at a 15 s tick on real tmux and git, on
 * H worker processes — H simulated hosts, each with its host id and tmux server, the agents of a
 * build dealt out over them (agent i on host i mod H, the loop on the first) — against a dev server
 * or the production stack (PostgreSQL, built by the project's own stack code). For each
 * configuration it prints, over a measuring window after the builds have settled:
 *   - the workers' CPU, their own and their children's (exited children from /proc/<pid>/stat, live
 *     ones — a tmux control client, `git cat-file` — from their own stat), as % of one core;
 *   - the processes the worker starts per minute, by program (bench/spawn-counter.cjs, preloaded
 *     into it), and forks per minute machine-wide (/proc/stat `processes`) with the machine's
 *     background rate measured just before the worker started (other jobs share the machine);
 *   - the tmux server's CPU;
 *   - tick lag: the time between two looks of a build beyond the interval, p50/p95/max. Looks
 *     are timed on the host (the worker logs each look's start and end to STEWARD_LOOK_LOG): in a
 *     quiet spell the observe keeps looking without reporting, so the workflow's history sees only
 *     a few of them;
 *   - memory: the workers' RSS (and peak), their live children's, the tmux servers';
 *   - push → ping latency under that load: `--pushes` claims pushed during the window, one build
 *     after another, each followed by the `pushed` signal (as an agent's hook sends it), timed to
 *     the reviewer's `ping_sent` event;
 *   - history events per build-hour over the window, and the Temporal server's CPU (the dev server,
 *     or temporal-server with PostgreSQL).
 * One agent of each build (`--busy`) prints a line every few seconds, as a working agent does;
 * the others sit idle at their prompt. Prints figures; asserts nothing.
 *
 *   npm run build && npm run bench:scale -- [--builds 10,20,40] [--agents 5] [--busy 1]
 *     [--hosts 1,2,4] [--server dev,stack] [--pushes 6]
 *     [--interval 15] [--settle 45] [--measure 120] [--label before] [--steward path/to/bin/steward] [--keep]
 * Needs `npm run build` first: each worker runs as its own process (bin/steward worker). `--server
 * stack` brings up a stack of its own in the bench's temp dir, on temporal-stack.env's ports + 100.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { startDevServer } from '../src/client/dev-server';
import { createWorkspace } from '../src/client/workspace';
import { loadConfigOrThrow } from '../src/client/load-or-exit';
import { readStackSettings, stackDown, stackUp } from '../src/client/stack/stack';
import { startBuild } from '../src/client/start-build';
import { runProgram } from '../src/host/run-program';
import { pushedSignal, statusQuery } from '../src/workflows/definitions';
import { historyCount } from './history';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const list = (name: string, fallback: string): string[] => arg(name, fallback).split(',');
const BUILDS = list('builds', '10,20,40').map(Number);
const HOSTS = list('hosts', '1').map(Number);
const SERVERS = list('server', 'dev') as ('dev' | 'stack')[];
const AGENTS = Number(arg('agents', '5'));
const BUSY = Number(arg('busy', '1'));
const PUSHES = Number(arg('pushes', '6'));
const INTERVAL_S = Number(arg('interval', '15'));
const SETTLE_S = Number(arg('settle', '45'));
const MEASURE_S = Number(arg('measure', '120'));
const LABEL = arg('label', '');
/** Keep the temp dir (workspaces, look logs) for a look afterwards. */
const KEEP = process.argv.includes('--keep');
/** The `steward` executable the workers run as (a copy of bin/ and dist/ measures another build of the code). */
const STEWARD = resolve(arg('steward', resolve(__dirname, '..', 'bin', 'steward')));
const DEV_PORT = 17433;
/** The bench's own stack listens on temporal-stack.env's ports shifted by this, clear of a developer's stack. */
const STACK_PORT_SHIFT = 100;
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

/** Proportional set size: shared pages (PostgreSQL's shared buffers) split among the processes sharing them. */
function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
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

/** The processes whose command line mentions `marker` (a server's data path), and their descendants. */
async function processesMentioning(marker: string): Promise<number[]> {
  const roots: number[] = [];
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) roots.push(pid);
  }
  const all = new Set(roots);
  for (const root of roots) for (const pid of await descendants(root)) all.add(pid);
  return [...all];
}

/** CPU ticks of `pids`, their own and their waited-for children's. */
function cpuOf(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    const s = procStat(pid);
    return sum + (s ? s.cpu + s.childCpu : 0);
  }, 0);
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

/** A build's config: agent i on host i mod hosts.length (the build itself, its loop, on the first). */
function config(name: string, dir: string, hosts: string[]): string {
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
host = "${hosts[i % hosts.length]}"
kickoff = "You are agent ${i}: start."`,
  )
  .join('\n')}
[loop]
repo = "supervisor"
phases = [{ id = "p1" }]
handoff = { claim_pings = ["a${AGENTS - 1}"], review_pings = [] }
`;
}

/** One simulated host: a worker process of its own host id, tmux server and look log. */
interface Host {
  id: string;
  socket: string;
  lookLog: string;
  spawnCounts: string;
  child: ChildProcess;
  exited: Promise<void>;
}

function startWorker(address: string, id: string, dir: string): Host {
  const socket = `steward-scale-${process.pid}-${id}`;
  const lookLog = join(dir, `looks-${id}.jsonl`);
  const spawnCounts = join(dir, `spawns-${id}.json`);
  const counter = resolve(__dirname, 'spawn-counter.cjs');
  const child = spawn(process.execPath, ['--require', counter, STEWARD, 'worker'], {
    env: {
      STEWARD_SPAWN_COUNT_FILE: spawnCounts,
      ...process.env,
      TEMPORAL_ADDRESS: address,
      STEWARD_HOST_ID: id,
      STEWARD_TMUX_SOCKET: socket,
      STEWARD_LOOK_LOG: lookLog,
    },
    stdio: 'ignore',
  });
  return { id, socket, lookLog, spawnCounts, child, exited: new Promise((r) => child.once('exit', () => r())) };
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

/**
 * Tick lag of one host's looks: between two looks of a build, beyond the interval. A look a signal
 * brought forward (a push) is early, not late: it counts as no lag.
 */
function lags(looks: Look[]): number[] {
  const byBuild = new Map<string, Look[]>();
  for (const l of looks) byBuild.set(l.build, [...(byBuild.get(l.build) ?? []), l]);
  const out: number[] = [];
  for (const builds of byBuild.values()) {
    builds.sort((a, b) => a.start - b.start);
    for (let i = 1; i < builds.length; i++)
      out.push(Math.max(0, builds[i]!.start - builds[i - 1]!.start - INTERVAL_S * 1000));
  }
  return out;
}

interface Build {
  handle: WorkflowHandle;
  /** The clone a claim is pushed from. */
  pusher: string;
}

/**
 * `PUSHES` claims spread over `ms`, one build after another: each pushed, then the `pushed`
 * signal sent, and timed until the reviewer's ping_sent event for it.
 */
async function pushLatencies(builds: Build[], ms: number): Promise<number[]> {
  const samples: number[] = [];
  const every = ms / PUSHES;
  for (let i = 0; i < PUSHES; i++) {
    const slot = Date.now() + every;
    const { handle, pusher } = builds[i % builds.length]!;
    const subject = `claim(g${i}): bench`;
    await runProgram('git', ['commit', '-q', '--allow-empty', '-m', subject], { cwd: pusher });
    await runProgram('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd: pusher });
    const pushedAt = Date.now();
    await handle.signal(pushedSignal);
    for (const deadline = pushedAt + 120_000; Date.now() < deadline; await sleep(100)) {
      const events = (await handle.query(statusQuery)).events;
      const ping = events.find((e) => e.type === 'ping_sent' && e.message.includes(`claim(g${i})`));
      if (ping) {
        samples.push(Math.max(0, ping.at - pushedAt));
        break;
      }
    }
    await sleep(Math.max(0, slot - Date.now()));
  }
  return samples;
}

async function historyEvents(handles: WorkflowHandle[]): Promise<number> {
  let events = 0;
  for (const h of handles) events += (await historyCount(h)).events;
  return events;
}

interface Window {
  at: number;
  forks: number;
  /** Per worker: its own and waited-for children's ticks. */
  workers: ProcStat[];
  /** Live descendants' own CPU, by pid. */
  live: Map<number, number>;
  tmux: number;
  server: number;
}

async function sample(hosts: Host[], tmuxPids: number[], serverPids: number[]): Promise<Window> {
  const live = new Map<number, number>();
  // A live descendant's own CPU and its children's: the spawn helper waits for the worker's programs.
  for (const h of hosts)
    for (const pid of await descendants(h.child.pid!)) {
      const stat = procStat(pid);
      live.set(pid, stat ? stat.cpu + stat.childCpu : 0);
    }
  return {
    at: Date.now(),
    forks: forksSoFar(),
    workers: hosts.map((h) => procStat(h.child.pid!) ?? { ppid: 0, cpu: 0, childCpu: 0 }),
    live,
    tmux: tmuxPids.reduce((sum, pid) => sum + (procStat(pid)?.cpu ?? 0), 0),
    server: cpuOf(serverPids),
  };
}

async function spawnsOf(hosts: Host[]): Promise<Record<string, number>> {
  const total: Record<string, number> = {};
  for (const h of hosts) {
    // One file per process: the worker's and its spawn helper's (`<file>.<pid>`).
    const dir = dirname(h.spawnCounts);
    const prefix = `${basename(h.spawnCounts)}.`;
    for (const f of await readdir(dir)) {
      if (!f.startsWith(prefix) || !/^\d+$/.test(f.slice(prefix.length))) continue;
      const counts = JSON.parse(await readFile(join(dir, f), 'utf8').catch(() => '{}')) as Record<string, number>;
      // The worker starting its helper is not a program started for supervision.
      for (const [program, n] of Object.entries(counts))
        if (program !== 'node') total[program] = (total[program] ?? 0) + n;
    }
  }
  return total;
}

interface Server {
  name: 'dev' | 'stack';
  address: string;
  /** A path on its processes' command lines: how its CPU is found. */
  marker: string;
  stop(): Promise<void>;
}

async function startServer(name: 'dev' | 'stack', dir: string): Promise<Server> {
  if (name === 'dev') {
    const dbFile = join(dir, 'temporal.sqlite');
    const server = await startDevServer({ dbFile, port: DEV_PORT, headless: true });
    return { name, address: server.address, marker: dbFile, stop: () => server.stop() };
  }
  const stackDir = join(dir, 'stack');
  await mkdir(stackDir);
  // PostgreSQL's own user must get through to its directory (mkdtemp makes the parent 0700).
  await chmod(dir, 0o755);
  const settings = readStackSettings();
  const ports = Object.fromEntries(Object.entries(settings.ports).map(([k, p]) => [k, p + STACK_PORT_SHIFT]));
  const up = await stackUp(stackDir, { ...settings, ports: ports as typeof settings.ports });
  return { name, address: up.address, marker: stackDir, stop: () => stackDown(stackDir) };
}

async function runConfig(
  client: Client,
  server: Server,
  dir: string,
  builds: number,
  hostCount: number,
): Promise<string> {
  const f0 = forksSoFar();
  await sleep(15_000);
  const backgroundForks = ((forksSoFar() - f0) / 15) * 60;

  const run = `${server.name}-${hostCount}h-${builds}b`;
  const runDir = join(dir, run);
  await mkdir(runDir);
  const hostIds = Array.from({ length: hostCount }, (_, k) => `scale-h${k}`);
  const hosts = hostIds.map((id) => startWorker(server.address, id, runDir));
  const started: Build[] = [];
  for (let b = 0; b < builds; b++) {
    const ws = join(runDir, `b${b}`);
    await createWorkspace(ws, [...Array.from({ length: AGENTS }, (_, i) => `a${i}`), 'supervisor']);
    const file = join(ws, 'agents.toml');
    await writeFile(file, config(`scale-${run}-${b}`, dir, hostIds));
    const { config: cfg, hash } = await loadConfigOrThrow(file);
    started.push({ handle: (await startBuild(client, cfg, hash, hostIds[0]!)).handle, pusher: join(ws, 'a0') });
  }
  const handles = started.map((b) => b.handle);
  const startedAt = Date.now();
  while (!(await allAlive(handles))) {
    if (Date.now() - startedAt > 10 * 60_000) throw new Error('agents did not all start within 10 minutes');
    await sleep(2000);
  }
  const upAfter = (Date.now() - startedAt) / 1000;
  await sleep(SETTLE_S * 1000);

  const tmuxPids: number[] = [];
  for (const h of hosts)
    tmuxPids.push(
      Number((await runProgram('tmux', ['-L', h.socket, 'display-message', '-p', '#{pid}'])).stdout.trim()),
    );
  const serverPids = await processesMentioning(server.marker);
  const load0 = loadavg()[0]!;
  const history0 = await historyEvents(handles);
  const s0 = await sample(hosts, tmuxPids, serverPids);
  const spawned0 = await spawnsOf(hosts);
  const windowEnd = s0.at + MEASURE_S * 1000;
  const latencies = await pushLatencies(started, MEASURE_S * 1000);
  await sleep(windowEnd - Date.now());
  const s1 = await sample(hosts, tmuxPids, serverPids);
  const history1 = await historyEvents(handles);
  // Written every second: wait for a write after the window.
  await sleep(1100);
  const spawned1 = await spawnsOf(hosts);
  const load1 = loadavg()[0]!;
  let liveKb = 0;
  for (const h of hosts) for (const p of await descendants(h.child.pid!)) liveKb += rssKb(p);
  const memory = {
    workers: hosts.reduce((sum, h) => sum + rssKb(h.child.pid!), 0) / 1024,
    peak: Math.max(...hosts.map((h) => rssKb(h.child.pid!, 'VmHWM'))) / 1024,
    children: liveKb / 1024,
    tmux: tmuxPids.reduce((sum, p) => sum + rssKb(p), 0) / 1024,
    server: serverPids.reduce((sum, p) => sum + pssKb(p), 0) / 1024,
  };

  const seconds = (s1.at - s0.at) / 1000;
  const pct = (ticks: number) => (100 * ticks) / HZ / seconds;
  let liveCpu = 0;
  for (const [p, cpu] of s1.live) liveCpu += cpu - (s0.live.get(p) ?? 0);
  const own = pct(s1.workers.reduce((sum, w, i) => sum + w.cpu - s0.workers[i]!.cpu, 0));
  const children = pct(s1.workers.reduce((sum, w, i) => sum + w.childCpu - s0.workers[i]!.childCpu, 0) + liveCpu);
  const perWorker = s1.workers.map((w, i) => pct(w.cpu + w.childCpu - s0.workers[i]!.cpu - s0.workers[i]!.childCpu));
  const tmux = pct(s1.tmux - s0.tmux);
  const serverCpu = pct(s1.server - s0.server);
  const forks = ((s1.forks - s0.forks) / seconds) * 60;
  const perMinute = (n: number) => (n / seconds) * 60;
  const programs = Object.keys(spawned1)
    .map((p) => ({ p, n: (spawned1[p] ?? 0) - (spawned0[p] ?? 0) }))
    .filter(({ n }) => n > 0)
    .sort((a, b) => b.n - a.n);
  const spawnTotal = programs.reduce((sum, { n }) => sum + n, 0);

  const looks: Look[] = [];
  const lag: number[] = [];
  for (const h of hosts) {
    const ofHost = await looksIn(h.lookLog, s0.at, s1.at);
    looks.push(...ofHost);
    lag.push(...lags(ofHost));
  }
  const durations = looks.map((l) => l.end - l.start);
  const agents = builds * AGENTS;
  const buildHours = (builds * seconds) / 3600;

  for (const h of handles) await h.terminate('bench done').catch(() => undefined);
  for (const h of hosts) h.child.kill('SIGTERM');
  await Promise.race([Promise.all(hosts.map((h) => h.exited)), sleep(20_000)]);
  for (const h of hosts) {
    h.child.kill('SIGKILL');
    await runProgram('tmux', ['-L', h.socket, 'kill-server']);
  }

  const f = (x: number, d = 1) => x.toFixed(d);
  return [
    `${server.name} server, ${hostCount} host(s): ${builds} builds × ${AGENTS} agents = ${agents} agents (${BUSY} busy per build), ` +
      `${INTERVAL_S} s tick; all up after ${f(upAfter, 0)} s, settled ${SETTLE_S} s, measured ${f(seconds, 0)} s; ` +
      `load avg ${f(load0, 2)} → ${f(load1, 2)}`,
    `  worker CPU: ${f(own + children)} % of one core (own ${f(own)} %, children ${f(children)} %; ` +
      `per worker ${perWorker.map((x) => f(x)).join(' / ')} %); per agent ${f((own + children) / agents, 3)} %`,
    `  tmux server CPU: ${f(tmux)} %; worker + tmux per agent ${f((own + children + tmux) / agents, 3)} %; ` +
      `Temporal server CPU: ${f(serverCpu)} %`,
    `  processes the workers started/min: ${f(perMinute(spawnTotal), 0)} (${programs.map(({ p, n }) => `${p} ${f(perMinute(n), 0)}`).join(', ') || 'none'}); ` +
      `forks/min machine-wide: ${f(forks, 0)} (background before the workers: ${f(backgroundForks, 0)})`,
    `  looks: ${looks.length}; tick lag p50 ${f(percentile(lag, 50), 0)} ms, ` +
      `p95 ${f(percentile(lag, 95), 0)} ms, max ${f(Math.max(...lag), 0)} ms; ` +
      `look duration p50 ${f(percentile(durations, 50), 0)} ms, p95 ${f(percentile(durations, 95), 0)} ms`,
    `  push → ping with the pushed signal: median ${f(percentile(latencies, 50), 0)} ms, ` +
      `max ${f(Math.max(...latencies), 0)} ms (n=${latencies.length} of ${PUSHES})`,
    `  history: ${f((history1 - history0) / buildHours, 0)} events per build-hour`,
    `  memory: workers' RSS ${f(memory.workers, 0)} MiB (largest peak ${f(memory.peak, 0)}), their live children ${f(memory.children, 0)} MiB, ` +
      `tmux servers ${f(memory.tmux, 0)} MiB, Temporal server ${f(memory.server, 0)} MiB (PSS)`,
  ].join('\n');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-scale-'));
  await writeFile(join(dir, 'idle.toml'), 'on = []\n');
  await writeFile(join(dir, 'busy.toml'), busyScript());
  console.log(
    `${LABEL ? `[${LABEL}] ` : ''}machine: ${cpus().length} cores, node ${process.version}, ${new Date().toISOString()}`,
  );
  try {
    for (const name of SERVERS) {
      const server = await startServer(name, dir);
      const connection = await Connection.connect({ address: server.address });
      const client = new Client({ connection });
      try {
        for (const hosts of HOSTS)
          for (const builds of BUILDS) console.log(await runConfig(client, server, dir, builds, hosts));
      } finally {
        await connection.close();
        await server.stop();
      }
    }
  } finally {
    if (KEEP) console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
