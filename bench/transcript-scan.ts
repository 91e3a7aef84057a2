/**
 * Transcript scanning bench: Steward's scanner against ccusage@17.2.1 on the same generated corpus.
 *
 *   npm run build && node --expose-gc -r ./bench/ts-register.cjs bench/transcript-scan.ts \
 *     [--mb 200] [--runs 5] [--keep] [--no-ccusage]
 *
 * The fresh-process figures run the real CLI (`bin/steward tokens scan --json`, compiled dist/,
 * its own fast entry), one thread and the default, alternating with ccusage, `--runs` times each,
 * and give medians; the load average is printed with every run, as other work skews them all.
 * Prints figures and ratios; asserts nothing about time. Needs the npm registry for ccusage
 * (fetched by npx into its cache, never added to package.json); without it, says why and goes on.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { discoverTranscripts } from '../src/host/transcript-discovery';
import { readTranscripts } from '../src/host/transcript-reader';
import { scanTranscriptDirs } from '../src/host/transcript-scan';
import { scanOutput, type ScanOutput } from '../src/client/commands/tokens';
import { emptyLedger, ingestRecord } from '../src/core/tokens/ledger';
import { appendLines, generateCorpus, type Totals } from './transcript-corpus';

const CCUSAGE = 'ccusage@17.2.1';
const MB = 1024 * 1024;

interface Row extends Totals {
  cost?: number;
}

function flag(name: string): boolean {
  return process.argv.includes(name);
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

interface Timed extends ReturnType<typeof run> {
  rssMb: number;
  /** 1-minute load average when it started. */
  load: number;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { ok: boolean; stdout: string; stderr: string; wall: number } {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 256 * MB, timeout: 20 * 60 * 1000 });
  const wall = seconds(start);
  const ok = r.status === 0 && !r.error;
  return { ok, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : ''), wall };
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const pct = (a: number, b: number): string => (b === 0 ? 'n/a' : `${(((a - b) / b) * 100).toFixed(2)}%`);

function table(rows: [string, Row][]): void {
  const head = ['', 'input', 'output', 'cache write', 'cache read', 'cost $'];
  const body = rows.map(([name, r]) => [
    name,
    fmt(r.input),
    fmt(r.output),
    fmt(r.cacheWrite),
    fmt(r.cacheRead),
    r.cost === undefined ? '' : r.cost.toFixed(2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  for (const cells of [head, ...body])
    console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}

const same = (a: Totals, b: Totals): boolean =>
  a.input === b.input && a.output === b.output && a.cacheWrite === b.cacheWrite && a.cacheRead === b.cacheRead;

/** Memory held per dedup key, measured on a ledger of `n` keys (needs --expose-gc to mean much). */
function ledgerMemory(n: number): { heapMb: number; jsonMb: number } {
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const ledger = emptyLedger();
  const usage = {
    input_tokens: 3,
    output_tokens: 120,
    cache_creation_input_tokens: 500,
    cache_creation_5m: 500,
    cache_creation_1h: 0,
    cache_read_input_tokens: 40000,
  };
  for (let i = 0; i < n; i++) {
    const rec = {
      kind: 'usage' as const,
      key: `msg_01${i.toString(36).padStart(22, 'x')}`,
      model: 'claude-sonnet-4-5-20250929',
      usage,
      sessionId: `s${i % 500}`,
      isSidechain: false,
      timestamp: '',
    };
    ingestRecord(ledger, rec, { source: `agent-${i % 5}` });
  }
  global.gc?.();
  const heapMb = (process.memoryUsage().heapUsed - before) / MB;
  return { heapMb, jsonMb: JSON.stringify(ledger).length / MB };
}

async function main(): Promise<void> {
  const targetMb = option('--mb', 200);
  const root = mkdtempSync(path.join(tmpdir(), 'steward-bench-'));
  const dir = path.join(root, 'claude');
  console.log(`# Transcript scanning bench — ${new Date().toISOString()}`);
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, node ${process.version}`,
  );

  let start = process.hrtime.bigint();
  const corpus = generateCorpus(dir, targetMb * MB);
  console.log(
    `corpus: ${(corpus.bytes / MB).toFixed(1)} MB, ${fmt(corpus.files)} files, ${fmt(corpus.lines)} lines, ` +
      `${fmt(corpus.messages)} distinct messages (generated in ${seconds(start).toFixed(1)} s) at ${dir}`,
  );

  // 1. In-process scan: the scanner alone.
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  start = process.hrtime.bigint();
  const scan = await scanTranscriptDirs([dir]);
  const inProcess = seconds(start);
  global.gc?.(); // with --expose-gc, what stays is the ledger and reader state
  const heapAfter = process.memoryUsage().heapUsed;
  const stewardOut = await scanOutput([dir]);
  const steward: Row = {
    input: stewardOut.total.input_tokens,
    output: stewardOut.total.output_tokens,
    cacheWrite: stewardOut.total.cache_creation_input_tokens,
    cacheRead: stewardOut.total.cache_read_input_tokens,
    cost: stewardOut.total.cost_usd,
  };
  const ledgerJson = JSON.stringify(scan.ledger).length;
  console.log(
    `steward in-process: ${inProcess.toFixed(2)} s, ${(corpus.bytes / MB / inProcess).toFixed(0)} MB/s; ` +
      `${fmt(Object.keys(scan.ledger.keys).length)} keys, heap +${((heapAfter - heapBefore) / MB).toFixed(0)} MB, ` +
      `saved ledger ${(ledgerJson / MB).toFixed(1)} MB`,
  );

  // 1b. The compiled scanner (what the CLI runs), in this process: one thread, two, and the default.
  const dist = path.join(__dirname, '..', 'dist', 'host', 'transcript-scan.js');
  if (existsSync(dist)) {
    const compiled = (await import(dist)) as typeof import('../src/host/transcript-scan');
    for (const threads of [1, 2, undefined]) {
      start = process.hrtime.bigint();
      const r = await compiled.scanTranscriptDirs([dir], { threads });
      const s = seconds(start);
      console.log(
        `steward in-process, dist, ${threads ? '' : 'default: '}${r.threads} thread${r.threads > 1 ? 's' : ''}: ` +
          `${s.toFixed(2)} s, ${(corpus.bytes / MB / s).toFixed(0)} MB/s` +
          ` (load ${loadavg()[0].toFixed(1)})`,
      );
    }
  } else console.log('no dist/: `npm run build` first for the compiled and CLI figures');

  // 2. Fresh processes, the fair comparison with ccusage (start-up included): the real CLI (dist/)
  //    on one thread, on two and by default (two on idle cores, else one), and ccusage, alternating,
  //    `--runs` times; medians.
  const runs = option('--runs', 1);
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const timed = (cmd: string, args: string[], env: NodeJS.ProcessEnv): Timed => {
    const load = loadavg()[0];
    const r = timeBin ? run(timeBin, ['-f', 'maxrss_kb=%M', cmd, ...args], env) : run(cmd, args, env);
    const rssKb = /maxrss_kb=(\d+)/.exec(r.stderr)?.[1];
    return { ...r, rssMb: rssKb ? Number(rssKb) / 1024 : NaN, load };
  };
  const cli = (threads?: number): Timed =>
    timed(process.execPath, [path.join(__dirname, '..', 'bin', 'steward'), 'tokens', 'scan', '--json', dir], {
      ...process.env,
      ...(threads ? { STEWARD_SCAN_THREADS: String(threads) } : {}),
    });
  const ccusageEnv = { ...process.env, CLAUDE_CONFIG_DIR: dir };
  const ccusageArgs = ['-y', CCUSAGE, 'daily', '--json', '--offline'];
  let warm: ReturnType<typeof run> | undefined;
  if (!flag('--no-ccusage')) {
    warm = run('npx', ['-y', CCUSAGE, '--version'], ccusageEnv);
    if (!warm.ok) {
      console.log(
        `ccusage: could not run \`npx -y ${CCUSAGE}\`: ${warm.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      );
      warm = undefined;
    }
  }
  const series: Record<'one' | 'two' | 'auto' | 'ccusage', Timed[]> = { one: [], two: [], auto: [], ccusage: [] };
  let cliTotals: Row | undefined;
  let ccusage: Row | undefined;
  const describe = (t: Timed): string =>
    t.ok
      ? `${t.wall.toFixed(2)} s wall, peak RSS ${t.rssMb.toFixed(0)} MB (load ${t.load.toFixed(1)})`
      : `failed: ${t.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  for (let i = 1; i <= runs; i++) {
    const one = cli(1);
    const two = cli(2);
    const auto = cli();
    series.one.push(one);
    series.two.push(two);
    series.auto.push(auto);
    console.log(
      `run ${i}: steward CLI, 1 thread: ${describe(one)}; 2 threads: ${describe(two)}; default: ${describe(auto)}`,
    );
    if (auto.ok) {
      const t = (JSON.parse(auto.stdout) as ScanOutput).total;
      cliTotals = {
        input: t.input_tokens,
        output: t.output_tokens,
        cacheWrite: t.cache_creation_input_tokens,
        cacheRead: t.cache_read_input_tokens,
        cost: t.cost_usd,
      };
    }
    if (warm) {
      const r = timed('npx', ccusageArgs, ccusageEnv);
      series.ccusage.push(r);
      console.log(`run ${i}: ccusage ${warm.stdout.trim()}: ${describe(r)}`);
      if (r.ok) {
        const t = JSON.parse(r.stdout).totals;
        ccusage = {
          input: t.inputTokens,
          output: t.outputTokens,
          cacheWrite: t.cacheCreationTokens,
          cacheRead: t.cacheReadTokens,
          cost: t.totalCost,
        };
      }
    }
  }
  const med = (ts: Timed[], f: (t: Timed) => number): number => median(ts.filter((t) => t.ok).map(f));
  const cliWall = med(series.auto, (t) => t.wall);
  console.log(
    `steward CLI (median of ${runs}): ${cliWall.toFixed(2)} s wall, peak RSS ${med(series.auto, (t) => t.rssMb).toFixed(0)} MB; ` +
      `1 thread: ${med(series.one, (t) => t.wall).toFixed(2)} s, ${med(series.one, (t) => t.rssMb).toFixed(0)} MB; ` +
      `2 threads: ${med(series.two, (t) => t.wall).toFixed(2)} s, ${med(series.two, (t) => t.rssMb).toFixed(0)} MB`,
  );
  const ccusageWall = med(series.ccusage, (t) => t.wall);
  if (series.ccusage.some((t) => t.ok)) {
    const ratios = series.auto.map((t, i) => (series.ccusage[i]?.ok && t.ok ? series.ccusage[i].wall / t.wall : NaN));
    console.log(
      `ccusage (median of ${runs}): ${ccusageWall.toFixed(2)} s wall, peak RSS ${med(series.ccusage, (t) => t.rssMb).toFixed(0)} MB ` +
        `(npx start-up ${warm!.wall.toFixed(2)} s, measured on --version)`,
    );
    console.log(
      `ratio: steward is ${(ccusageWall / cliWall).toFixed(1)}x faster than ccusage (medians; per run ` +
        `${ratios.map((x) => x.toFixed(1)).join(', ')}), wall clock, fresh process each`,
    );
  }
  if (cliTotals && !same(cliTotals, steward)) console.log('the CLI totals differ from the in-process scan: NO');

  console.log('');
  const rows: [string, Row][] = [['steward', steward]];
  if (cliTotals) rows.push(['steward CLI', cliTotals]);
  if (ccusage) rows.push(['ccusage 17.2.1', ccusage]);
  rows.push(['expected, steward rules', corpus.expected.steward], ['expected, ccusage rules', corpus.expected.ccusage]);
  table(rows);
  console.log(`steward matches its expected totals: ${same(steward, corpus.expected.steward) ? 'yes' : 'NO'}`);
  if (ccusage) {
    console.log(
      `ccusage matches the totals its own rules predict: ${same(ccusage, corpus.expected.ccusage) ? 'yes' : 'NO'}`,
    );
    console.log(
      `totals agree (steward vs ccusage): ${same(steward, ccusage) ? 'yes' : 'no'} — ` +
        `ccusage vs steward: input ${pct(ccusage.input, steward.input)}, output ${pct(ccusage.output, steward.output)}, ` +
        `cache write ${pct(ccusage.cacheWrite, steward.cacheWrite)}, cache read ${pct(ccusage.cacheRead, steward.cacheRead)}, ` +
        `cost ${pct(ccusage.cost ?? 0, steward.cost ?? 0)}`,
    );
  }

  // 3. One incremental tick after appending ~1 MB to one session file, with every cursor in place.
  const files = (await discoverTranscripts(dir)).map((f) => ({
    path: f.path,
    source: f.project,
    sessionId: f.sessionId || undefined,
  }));
  const target = files.find((f) => !f.path.includes('subagents'))!;
  const appended = appendLines(target.sessionId ?? 'bench', MB);
  appendFileSync(target.path, appended);
  start = process.hrtime.bigint();
  const tick = await readTranscripts(scan.reader, files, scan.ledger);
  const tickSeconds = seconds(start);
  console.log('');
  console.log(
    `incremental tick: appended ${(appended.length / MB).toFixed(2)} MB to 1 of ${fmt(files.length)} files; ` +
      `tick read ${fmt(tick.bytesRead)} bytes, ${fmt(tick.lines)} lines from ${tick.filesRead} file in ${(tickSeconds * 1000).toFixed(0)} ms`,
  );
  const keys = 500_000;
  const mem = ledgerMemory(keys);
  console.log(
    `ledger memory: ${fmt(keys)} keys hold ${mem.heapMb.toFixed(0)} MB of heap (${((mem.heapMb * MB) / keys).toFixed(0)} bytes/key), ${mem.jsonMb.toFixed(0)} MB as JSON`,
  );
  if (ccusage) console.log(`summary: steward ${cliWall.toFixed(2)} s vs ccusage ${ccusageWall.toFixed(2)} s (medians)`);

  if (flag('--keep')) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
