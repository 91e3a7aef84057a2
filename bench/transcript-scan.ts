/**
 * Transcript scanning bench: Steward's scanner against ccusage@17.2.1 on the same generated corpus.
 *
 *   node --expose-gc -r ./bench/ts-register.cjs bench/transcript-scan.ts [--mb 200] [--keep] [--no-ccusage]
 *
 * Prints figures and ratios; asserts nothing about time. Needs the npm registry for ccusage
 * (fetched by npx into its cache, never added to package.json); without it, says why and goes on.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { discoverTranscripts } from '../src/host/transcript-discovery';
import { readTranscripts } from '../src/host/transcript-reader';
import { scanTranscriptDirs } from '../src/host/transcript-scan';
import { scanOutput } from '../src/client/commands/tokens';
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

/** The child-process half: a fresh `node` scanning the dir, as the CLI would. Prints JSON totals. */
async function scanOnly(dir: string): Promise<void> {
  const out = await scanOutput([dir]);
  process.stdout.write(JSON.stringify({ ...out.total, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
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

  // 2. Wall clock of a fresh process each, the fair comparison with ccusage (startup included).
  const self = [...process.execArgv, __filename, '--scan-only', dir];
  const child = run(process.execPath, self, process.env);
  const childRss = child.ok ? (JSON.parse(child.stdout) as { maxRssMb: number }).maxRssMb : NaN;
  console.log(
    `steward process:    ${child.wall.toFixed(2)} s wall, peak RSS ${childRss.toFixed(0)} MB` +
      (child.ok ? '' : ` (failed: ${child.stderr.trim().split('\n').pop()})`),
  );

  let ccusage: Row | undefined;
  let ccusageWall = 0;
  if (!flag('--no-ccusage')) {
    const env = { ...process.env, CLAUDE_CONFIG_DIR: dir };
    const warm = run('npx', ['-y', CCUSAGE, '--version'], env);
    if (!warm.ok) {
      console.log(
        `ccusage: could not run \`npx -y ${CCUSAGE}\`: ${warm.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      );
    } else {
      // GNU time, when installed, reports the peak RSS of ccusage's process tree's largest member.
      const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
      const args = ['-y', CCUSAGE, 'daily', '--json', '--offline'];
      const r = timeBin ? run(timeBin, ['-f', 'maxrss_kb=%M', 'npx', ...args], env) : run('npx', args, env);
      const rssKb = /maxrss_kb=(\d+)/.exec(r.stderr)?.[1];
      ccusageWall = r.wall;
      if (!r.ok)
        console.log(
          `ccusage failed after ${r.wall.toFixed(1)} s: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
        );
      else {
        const t = JSON.parse(r.stdout).totals;
        ccusage = {
          input: t.inputTokens,
          output: t.outputTokens,
          cacheWrite: t.cacheCreationTokens,
          cacheRead: t.cacheReadTokens,
          cost: t.totalCost,
        };
        console.log(
          `ccusage ${warm.stdout.trim()}:     ${r.wall.toFixed(2)} s wall` +
            (rssKb ? `, peak RSS ${(Number(rssKb) / 1024).toFixed(0)} MB` : '') +
            ` (npx start-up ${warm.wall.toFixed(2)} s, measured on --version)`,
        );
        console.log(
          `ratio: steward is ${(r.wall / child.wall).toFixed(1)}x faster than ccusage (wall clock, fresh process each)`,
        );
      }
    }
  }

  console.log('');
  const rows: [string, Row][] = [['steward', steward]];
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
  if (ccusage) console.log(`summary: steward ${child.wall.toFixed(2)} s vs ccusage ${ccusageWall.toFixed(2)} s`);

  if (flag('--keep')) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}

if (process.argv.includes('--scan-only')) {
  void scanOnly(process.argv[process.argv.indexOf('--scan-only') + 1]);
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
