/**
 * Dashboard bench, on the real server path (a BuildBoard, a LogFollower tailing each build's
 * events.jsonl every 200 ms, `dashboardHandler` on a real HTTP server) and real chromium
 * (puppeteer-core, /usr/bin/chromium):
 *   1. event latency: from an event appended to a build's events.jsonl to its arrival in the
 *      page's DOM, with `--builds` builds running, on the feed and on the overview;
 *   2. first render of a big board (20 builds × 10 agents, `--events` events in all): the
 *      overview and the feed in the browser, and the server's time for their JSON routes;
 *   3. the server process's CPU while the builds run, with no page, the feed, the overview open.
 * Prints figures; never passes or fails on time.
 *
 *   node -r ./bench/ts-register.cjs bench/dashboard.ts [--builds 10] [--seconds 60] [--events 50000] [--runs 7]
 *
 * No Temporal: the builds are put on the board directly, as the watcher's listing would put them,
 * each with a made-up status view (10 agents) that stays as it is. The status query is not on
 * the path measured here anyway: it is asked every 2 s for the agents' state, but a new event
 * reaches the pages by the log tail (LogFollower → board → the push channel / a view refetch).
 *
 * Parts 1 and 3 run three processes, so each figure is one process's own: this one drives
 * chromium and reports; a server child (`--role server`) hosts the board, the log follower and the
 * HTTP server, and its `process.cpuUsage()` is the server's CPU; a writer child (`--role writer`)
 * appends the builds' events. Part 2 hosts its server in this process (no CPU is measured there).
 */
import { fork, execFile, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { BuildBoard, listedBuild } from '../src/client/dashboard/board';
import { LogFollower } from '../src/client/dashboard/log-follower';
import { dashboardHandler } from '../src/client/dashboard/routes';
import { parseConfigText } from '../src/core/config/schema';
import { overviewRow } from '../src/core/dashboard/overview';
import type { StewardEvent } from '../src/core/events';
import { initialBuildState } from '../src/core/initial-state';
import { statusView, type BuildStatusView } from '../src/core/status-view';
import { syntheticBuild } from './synthetic-build';

const option = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
};
const BUILDS = Number(option('builds', '10'));
const SECONDS = Number(option('seconds', '60'));
const EVENTS = Number(option('events', '50000'));
const RUNS = Number(option('runs', '7'));
/** The big board of part 2: 20 builds, `EVENTS / 20` events each (also each live build's history). */
const BIG_BUILDS = 20;
const PER_BUILD = Math.floor(EVENTS / BIG_BUILDS);
/** The watcher's default `tailEveryMs`. */
const TAIL_MS = 200;
/** Live events a writer may need: one a second at the most, for the three windows and the warm-up. */
const LIVE_MAX = 4 * SECONDS + 300;
/** How long after a window ends its last events may still arrive before the page is read. */
const GRACE_MS = 3000;
/** The feed's first page (web/use-feed.ts PAGE_SIZE). */
const FEED_PAGE = 100;
const CHROMIUM = '/usr/bin/chromium';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const buildName = (i: number) => `build-${String(i + 1).padStart(2, '0')}`;
const logFile = (dir: string, i: number) => join(dir, `${buildName(i)}.events.jsonl`);

// ---------------------------------------------------------------------------------------------
// The builds: syntheticBuild's 5 agents become 10, each of the 5 taking turns by phase (odd
// phases the first name, even phases the second), so 10 agents appear in each build's events.

const AGENT_PAIRS: Record<string, [string, string]> = {
  'builder-1': ['builder-1', 'builder-4'],
  'builder-2': ['builder-2', 'builder-5'],
  'builder-3': ['builder-3', 'builder-6'],
  critic: ['critic-1', 'critic-2'],
  adversary: ['adversary-1', 'adversary-2'],
};
const AGENTS = Object.values(AGENT_PAIRS).flat();

function tenAgents(events: StewardEvent[]): StewardEvent[] {
  let turn = 0;
  return events.map((e) => {
    if (e.type === 'phase_started' && e.phase) turn = (Number(e.phase.slice(1)) + 1) % 2;
    const rename = (a: string | undefined) => (a === undefined ? a : (AGENT_PAIRS[a]?.[turn] ?? a));
    const out: StewardEvent = { ...e };
    if (e.agent !== undefined) out.agent = rename(e.agent);
    if (e.builder !== undefined) out.builder = rename(e.builder);
    if (e.reviewer !== undefined) out.reviewer = rename(e.reviewer);
    if (e.byAgent) out.byAgent = Object.fromEntries(Object.entries(e.byAgent).map(([a, v]) => [rename(a), v]));
    return out;
  });
}

/** Build `i`'s first `count` events (each build its own seed), its last event `endsAt`. */
function buildEvents(i: number, count: number, endsAt?: number): StewardEvent[] {
  const events = tenAgents(syntheticBuild(Infinity, count, 100 + i));
  if (endsAt === undefined) return events;
  const shift = endsAt - events[events.length - 1]!.at;
  return events.map((e) => ({ ...e, at: e.at + shift }));
}

/** A status view as the build's `status` query would answer it: 10 agents alive, in the phase its events reached. */
function syntheticStatus(name: string, events: readonly StewardEvent[]): BuildStatusView {
  const reached = 1 + events.filter((e) => e.type === 'phase_started').length;
  const agents = AGENTS.map((a) => `[[agent]]\nname = "${a}"\nkind = "loop"\nkickoff = "You are ${a}."\n`).join('\n');
  const phases = Array.from({ length: reached + 2 }, (_, p) => `{ id = "p${p + 1}" }`).join(', ');
  const toml = `name = "${name}"\n${agents}\n[loop]\nrepo = "work"\nphases = [${phases}]\n`;
  const parsed = parseConfigText(toml, {
    source: '/srv/bench/agents.toml',
    baseDir: '/srv/bench',
    homeDir: '/home/bench',
  });
  if (!parsed.ok) throw new Error(`bench config: ${parsed.issues.map((i) => i.message).join('; ')}`);
  const startedAt = events[0]!.at;
  const last = events[events.length - 1]!.at;
  const state = initialBuildState({
    buildId: `build/${name}`,
    hostId: 'bench',
    config: parsed.config,
    configHash: 'bench',
    now: startedAt,
    sessionIds: {},
  });
  AGENTS.forEach((a, k) => {
    state.agents[a] = {
      ...state.agents[a]!,
      alive: true,
      startedAt,
      idleSeconds: (k * 37) % 400,
      paneActivity: k % 3 === 0 ? 'busy' : 'idle',
    };
  });
  return statusView({ ...state, startedAt, launched: true, phaseIndex: reached - 1, phaseStartedAt: last });
}

/** Puts build `i` on the board as listed and with its status, as the watcher would. */
function putBuild(board: BuildBoard, i: number, history: readonly StewardEvent[]): string {
  const name = buildName(i);
  board.put(name, { status: syntheticStatus(name, history) }, () => listedBuild(name, `build/${name}`, 'RUNNING'));
  return name;
}

function handlerFor(board: BuildBoard) {
  return dashboardHandler({
    board,
    token: 'bench-token',
    readOnly: false,
    allowedHosts: new Set(['127.0.0.1', 'localhost']),
    runAction: () => Promise.reject(new Error('no actions in the bench')),
    paneOf: () => Promise.resolve(null),
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

// ---------------------------------------------------------------------------------------------
// The children. Each answers 'cpu' with its CPU time and clock, so the parent can take windows.

interface CpuReading {
  cpuMs: number;
  wallMs: number;
}

function answerCpuRequests(): void {
  process.on('message', (m) => {
    if (m !== 'cpu') return;
    const u = process.cpuUsage();
    process.send!({ cpuMs: (u.user + u.system) / 1000, wallMs: performance.now() } satisfies CpuReading);
  });
  process.on('disconnect', () => process.exit(0));
}

/** The dashboard server of parts 1 and 3: the board, its log follower, the HTTP server. */
async function serverChild(dir: string): Promise<void> {
  const board = new BuildBoard();
  const follower = new LogFollower(board, (message) => console.error(`server: ${message}`));
  for (let i = 0; i < BUILDS; i++) {
    follower.follow(putBuild(board, i, buildEvents(i, PER_BUILD)), logFile(dir, i));
  }
  await follower.readAll();
  follower.start(TAIL_MS);
  const url = await listen(createServer(handlerFor(board)));
  answerCpuRequests();
  process.send!({ url });
}

/** Appends each build's next events, one every 1–2 s a build, the builds staggered; `at` is the time of the write. */
function writerChild(dir: string): void {
  for (let i = 0; i < BUILDS; i++) {
    const live = buildEvents(i, PER_BUILD + LIVE_MAX).slice(PER_BUILD);
    let k = 0;
    const next = () => {
      const e = live[k++];
      if (!e) return;
      appendFileSync(logFile(dir, i), `${JSON.stringify({ ...e, at: Date.now() })}\n`);
      setTimeout(next, 1000 + Math.random() * 1000);
    };
    setTimeout(next, (i * 1500) / BUILDS);
  }
  answerCpuRequests();
}

function ask<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(what);
  });
}

function start(role: string, dir: string): ChildProcess {
  // The same options as this process (so the same builds), and its -r for the TypeScript.
  return fork(__filename, [...process.argv.slice(2), '--role', role, '--dir', dir], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: process.execArgv,
  });
}

/** Each child's CPU over the next `ms`, as % of one core. */
async function cpuWindow(children: ChildProcess[], ms: number): Promise<number[]> {
  const before = await Promise.all(children.map((c) => ask<CpuReading>(c, 'cpu')));
  await sleep(ms);
  const after = await Promise.all(children.map((c) => ask<CpuReading>(c, 'cpu')));
  return after.map((a, k) => (100 * (a.cpuMs - before[k]!.cpuMs)) / (a.wallMs - before[k]!.wallMs));
}

// ---------------------------------------------------------------------------------------------
// The page's probe, installed before any of its scripts: Date.now() when each event row
// (`[data-seq]`, keyed build#seq) first appears, each change of a build card's "N passed / M
// claimed", and the moment the first render is complete (`wantCards` cards, `wantRows` rows).

function pageProbe(wantCards: number, wantRows: number): string {
  return `(() => {
    const probe = { rows: {}, cards: [], firstCards: null, firstRows: null };
    window.__probe = probe;
    const shown = {};
    new MutationObserver((records) => {
      const t = Date.now();
      for (const r of records) for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        for (const row of n.matches('[data-seq]') ? [n] : n.querySelectorAll('[data-seq]')) {
          const key = row.dataset.build + '#' + row.dataset.seq;
          if (!(key in probe.rows)) probe.rows[key] = t;
        }
      }
      const cards = document.querySelectorAll('article[data-build]');
      for (const card of cards) {
        const m = /(\\d+) passed \\/ (\\d+) claimed/.exec(card.textContent);
        if (m && shown[card.dataset.build] !== m[0]) {
          shown[card.dataset.build] = m[0];
          probe.cards.push([card.dataset.build, Number(m[1]), Number(m[2]), t]);
        }
      }
      if (!probe.firstCards && cards.length >= ${wantCards}) probe.firstCards = { perf: performance.now(), at: t };
      if (!probe.firstRows && document.querySelectorAll('[data-seq]').length >= ${wantRows}) {
        probe.firstRows = { perf: performance.now(), at: t };
      }
    }).observe(document, { childList: true, subtree: true, characterData: true });
  })()`;
}

interface Probe {
  rows: Record<string, number>;
  cards: [build: string, passed: number, claimed: number, at: number][];
  firstCards: { perf: number; at: number } | null;
  firstRows: { perf: number; at: number } | null;
}

async function openPage(browser: Browser, wantCards: number, wantRows: number): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  page.on('pageerror', (err) => console.error(`page error: ${String(err)}`));
  await page.evaluateOnNewDocument(pageProbe(wantCards, wantRows));
  await page.bringToFront(); // a page in the background gets no frames
  return page;
}

const probeOf = (page: Page) => page.evaluate('window.__probe') as Promise<Probe>;

// ---------------------------------------------------------------------------------------------
// Figures.

const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;

function latencyRow(what: string, samples: number[], missing: number): string {
  const s = [...samples].sort((a, b) => a - b);
  return (
    `| ${what} | ${fmt(percentile(s, 0.5))} ms | ${fmt(percentile(s, 0.95))} ms | ${fmt(s[s.length - 1] ?? NaN)} ms ` +
    `| ${fmt(s[0] ?? NaN)} ms | ${s.length}${missing ? ` (${missing} never shown)` : ''} |`
  );
}

const spread = (xs: number[], digits = 0) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${fmt(percentile(s, 0.5), digits)} ms (min ${fmt(s[0]!, digits)}, max ${fmt(s[s.length - 1]!, digits)})`;
};

/** The events of each build's log as written (`at`: the time of the write for the live ones). */
async function readLogs(dir: string): Promise<StewardEvent[][]> {
  return Promise.all(
    Array.from({ length: BUILDS }, async (_, i) =>
      (await readFile(logFile(dir, i), 'utf8'))
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as StewardEvent),
    ),
  );
}

/** Feed: each live event written in [from, to] against the time its row first appeared. */
function feedLatencies(logs: StewardEvent[][], probe: Probe, from: number, to: number) {
  const samples: number[] = [];
  let missing = 0;
  logs.forEach((events, i) => {
    for (const e of events.slice(PER_BUILD)) {
      if (e.at < from || e.at > to) continue;
      const shown = probe.rows[`${buildName(i)}#${e.seq}`];
      if (shown === undefined) missing++;
      else samples.push(shown - e.at);
    }
  });
  return { samples, missing };
}

/**
 * Overview: it shows no event rows, so its latency is that of the events that change what a card
 * shows: "N passed / M claimed" (a gate claimed the first time, a gate passed). Each such event
 * written in [from, to] arrives when its card first shows the counts it made, or later ones.
 */
function overviewLatencies(logs: StewardEvent[][], probe: Probe, from: number, to: number) {
  const samples: number[] = [];
  let missing = 0;
  /** Counts a card showed that no prefix of its log has (should be none). */
  let unknown = 0;
  logs.forEach((events, i) => {
    const name = buildName(i);
    const snapshot = { ...listedBuild(name, `build/${name}`, 'RUNNING'), events: [] as StewardEvent[] };
    const counts = (n: number) => {
      const row = overviewRow({ ...snapshot, events: events.slice(0, n) }, to);
      return `${row.gatesPassed}/${row.gatesClaimed}`;
    };
    // The counts after each live event; each new pair of counts keyed to the event that made it (counts only grow).
    const firstIndexOf = new Map<string, number>();
    const changes: number[] = [];
    let previous = counts(PER_BUILD);
    firstIndexOf.set(previous, PER_BUILD - 1);
    for (let j = PER_BUILD; j < events.length; j++) {
      const c = counts(j + 1);
      if (c === previous) continue;
      firstIndexOf.set(c, j);
      changes.push(j);
      previous = c;
    }
    const shown = probe.cards
      .filter(([b]) => b === name)
      .map(([, passed, claimed, at]) => ({ index: firstIndexOf.get(`${passed}/${claimed}`) ?? -1, at }));
    unknown += shown.filter((s) => s.index === -1).length;
    for (const j of changes) {
      const e = events[j]!;
      if (e.at < from || e.at > to) continue;
      const arrival = shown.find((s) => s.index >= j);
      if (arrival === undefined) missing++;
      else samples.push(arrival.at - e.at);
    }
  });
  return { samples, missing, unknown };
}

// ---------------------------------------------------------------------------------------------
// Parts 1 and 3: live builds.

async function liveBuilds(browser: Browser): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-dashboard-bench-'));
  const historyEnd = Date.now() - 60_000;
  for (let i = 0; i < BUILDS; i++) {
    const history = buildEvents(i, PER_BUILD, historyEnd);
    await writeFile(logFile(dir, i), history.map((e) => `${JSON.stringify(e)}\n`).join(''));
  }
  const server = start('server', dir);
  const { url } = await new Promise<{ url: string }>((resolve) =>
    server.once('message', (m) => resolve(m as { url: string })),
  );
  const writer = start('writer', dir);
  await sleep(5000);

  console.log(
    `\n## 1, 3. ${BUILDS} builds running (${fmt(PER_BUILD)} events of history each), one event every 1–2 s a build, ` +
      `log tail every ${TAIL_MS} ms; windows of ${SECONDS} s`,
  );
  const cpuRows: string[] = [];
  const measure = async (what: string) => {
    const load = loadavg()[0]!;
    const from = Date.now();
    const [serverCpu, writerCpu] = await cpuWindow([server, writer], SECONDS * 1000);
    const to = Date.now();
    cpuRows.push(
      `| ${what} | **${fmt(serverCpu!, 1)}%** | ${fmt(writerCpu!, 1)}% | ${fmt(load, 2)} → ${fmt(loadavg()[0]!, 2)} |`,
    );
    return { from, to };
  };

  await measure('no page open');

  const feed = await openPage(browser, Infinity, FEED_PAGE);
  await feed.goto(`${url}feed`, { waitUntil: 'domcontentloaded' });
  await feed.waitForFunction('document.body.dataset.live === "open" && window.__probe.firstRows', { timeout: 30_000 });
  const feedWindow = await measure('the feed open (`/feed`)');
  await sleep(GRACE_MS);
  const feedProbe = await probeOf(feed);
  await feed.close();

  const overview = await openPage(browser, BUILDS, Infinity);
  await overview.goto(url, { waitUntil: 'domcontentloaded' });
  await overview.waitForFunction('document.body.dataset.live === "open" && window.__probe.firstCards', {
    timeout: 30_000,
  });
  const overviewWindow = await measure('the overview open (`/`)');
  await sleep(GRACE_MS);
  const overviewProbe = await probeOf(overview);
  await overview.close();

  writer.kill();
  server.kill();
  const logs = await readLogs(dir);
  await rm(dir, { recursive: true, force: true });
  const written = logs.reduce((n, events) => n + events.length - PER_BUILD, 0);

  const onFeed = feedLatencies(logs, feedProbe, feedWindow.from, feedWindow.to);
  const onOverview = overviewLatencies(logs, overviewProbe, overviewWindow.from, overviewWindow.to);
  console.log(`\n${fmt(written)} events written in all\n`);
  console.log('| event written → in the DOM | median | p95 | max | min | n |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(latencyRow('feed (`/feed`): its row', onFeed.samples, onFeed.missing));
  console.log(
    latencyRow('overview (`/`): its card\'s "passed / claimed" counts', onOverview.samples, onOverview.missing),
  );
  if (onOverview.unknown) console.log(`(${onOverview.unknown} card counts matched no prefix of their build's log)`);
  console.log(
    '\n| window | server process CPU (% of one core) | writer process (not in the server figure) | load average (1 min) |',
  );
  console.log('| --- | ---: | ---: | --- |');
  for (const row of cpuRows) console.log(row);
}

// ---------------------------------------------------------------------------------------------
// Part 2: a big board, first renders and route times.

async function bigBoard(browser: Browser): Promise<void> {
  const board = new BuildBoard();
  const end = Date.now() - 60_000;
  let first: StewardEvent[] = [];
  for (let i = 0; i < BIG_BUILDS; i++) {
    const events = buildEvents(i, PER_BUILD, end - i * 60_000);
    board.addEvents(putBuild(board, i, events), events);
    if (i === 0) first = events;
  }
  // A new event of build-01, as a running build writes one: the board's version moves, so the
  // views cached for the last version are computed again (cold).
  const spare = buildEvents(0, PER_BUILD + 10 * RUNS + 10).slice(PER_BUILD);
  const newEvent = () => board.addEvents(buildName(0), [{ ...spare.shift()!, at: Date.now() }]);

  // The server's time for a request: from the handler's call to the response's last byte handed to the socket.
  const handler = handlerFor(board);
  const times: number[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => times.push(Number(process.hrtime.bigint() - start) / 1e6));
    handler(req, res);
  });
  const url = await listen(server);
  const serverTime = async (path: string): Promise<{ ms: number; bytes: number }> => {
    const n = times.length;
    const body = await (await fetch(`${url}${path.slice(1)}`)).arrayBuffer();
    while (times.length === n) await sleep(1);
    return { ms: times[times.length - 1]!, bytes: body.byteLength };
  };

  console.log(
    `\n## 2. ${BIG_BUILDS} builds × ${AGENTS.length} agents, ${fmt(board.journal.all().length)} events in all ` +
      `(${fmt(PER_BUILD)} a build, from syntheticBuild, a seed a build); ${RUNS} runs each\n`,
  );
  console.log('| route (server time: handler called → response written) | time | response |');
  console.log('| --- | --- | ---: |');
  const route = async (what: string, path: string, before: () => unknown) => {
    const ms: number[] = [];
    let bytes = 0;
    await serverTime(path); // warm-up
    for (let r = 0; r < RUNS; r++) {
      before();
      const t = await serverTime(path);
      ms.push(t.ms);
      bytes = t.bytes;
    }
    console.log(`| ${what} | ${spread(ms, 1)} | ${fmt(bytes / 1024)} KiB |`);
  };
  await route('`/api/overview`, cold (after a new event)', '/api/overview', newEvent);
  await route('`/api/overview`, cached (same board version, < 1 s)', '/api/overview', () => undefined);
  await route('`/api/feed?limit=100` (first page)', '/api/feed?limit=100', newEvent);
  await route(`\`/api/builds/${buildName(0)}\` (${fmt(first.length)} events)`, `/api/builds/${buildName(0)}`, newEvent);

  console.log('\n| first render in chromium | page-side, from navigation start | wall, from `goto` |');
  console.log('| --- | --- | --- |');
  const render = async (what: string, path: string, cards: number, rows: number, key: 'firstCards' | 'firstRows') => {
    const perf: number[] = [];
    const wall: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const page = await openPage(browser, cards, rows);
      newEvent(); // the view is computed for this page, as with builds running
      const t0 = Date.now();
      await page.goto(`${url}${path.slice(1)}`, { waitUntil: 'domcontentloaded' });
      await page.waitForFunction(`window.__probe.${key}`, { timeout: 60_000, polling: 50 });
      const done = (await probeOf(page))[key]!;
      perf.push(done.perf);
      wall.push(done.at - t0);
      await page.close();
    }
    console.log(`| ${what} | ${spread(perf)} | ${spread(wall)} |`);
  };
  await render(`overview: all ${BIG_BUILDS} build cards`, '/', BIG_BUILDS, Infinity, 'firstCards');
  await render(`feed: its first page (${FEED_PAGE} rows)`, '/feed', Infinity, FEED_PAGE, 'firstRows');

  board.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

async function main(): Promise<void> {
  const chromium = (await promisify(execFile)(CHROMIUM, ['--version'])).stdout.trim();
  console.log(
    `# dashboard bench: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${fmt(totalmem() / 2 ** 30)} GiB, ` +
      `Node ${process.version}, ${chromium}, ${new Date().toISOString()}, load average ${loadavg()
        .map((l) => fmt(l, 2))
        .join(' ')}`,
  );
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    protocolTimeout: 120_000,
  });
  try {
    await bigBoard(browser);
    await liveBuilds(browser);
  } finally {
    await browser.close();
  }
}

const role = option('role', 'main');
const run =
  role === 'server' ? serverChild(option('dir', '')) : role === 'writer' ? writerChild(option('dir', '')) : main();
Promise.resolve(run).catch((err) => {
  console.error(err);
  process.exit(1);
});
