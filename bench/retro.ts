/**
 * Retro bench: how long `steward retro` takes over a big store, and how much memory. Generates
 * `--gates` gate records (10 a build, plus 3 phase records a build: the planted store of
 * test/unit/support/retro-store-fixture.ts, builds an hour apart) into a temp store, then times
 * `readRetroStore` and `retroAnalysis` in a fresh child process, so its peak RSS is theirs alone.
 * Prints figures; never passes or fails on them.
 *
 *   node -r ./bench/ts-register.cjs bench/retro.ts [--gates 100000] [--runs 5]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { retroAnalysis } from '../src/core/learning/analysis';
import { DEFAULT_RETRO_THRESHOLDS } from '../src/core/learning/thresholds';
import { appendRetroRecords, readRetroStore, retroRecordsFile } from '../src/host/retro-store';
import { retroStoreFixture } from '../test/unit/support/retro-store-fixture';

const option = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const GATES = option('gates', 100_000);
const RUNS = option('runs', 5);
const HOUR_MS = 3_600_000;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 1)} MiB`;

const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** The child: read and analyse the store in `dir`, sampling RSS while the read runs (the analysis is synchronous: RSS after it). */
async function measure(dir: string, now: number): Promise<void> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = process.hrtime.bigint();
  const store = await readRetroStore(dir);
  const readMs = since(t0);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const options = { now, windowMs: 7 * 24 * HOUR_MS, thresholds: { ...DEFAULT_RETRO_THRESHOLDS } };
  const t1 = process.hrtime.bigint();
  const insights = retroAnalysis(store.records, options);
  const firstMs = since(t1);
  peak = Math.max(peak, process.memoryUsage().rss);
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    retroAnalysis(store.records, options);
    warm.push(since(t));
  }
  warm.sort((a, b) => a - b);
  const json = JSON.stringify(insights);
  console.log(
    `| readRetroStore | ${fmt(readMs)} ms | ${fmt(store.records.length)} records, ${store.skipped} skipped |`,
  );
  console.log(
    `| retroAnalysis, first run | ${fmt(firstMs)} ms | ${insights.recommendations.length} recommendations, ${insights.outliers.length} outliers |`,
  );
  console.log(
    `| retroAnalysis, median of ${RUNS} more | ${fmt(warm[Math.floor(RUNS / 2)])} ms | fastest ${fmt(warm[0])} ms |`,
  );
  console.log(`| read + first analysis | ${fmt(readMs + firstMs)} ms | |`);
  console.log(`| peak RSS (sampled) | ${mib(peak)} | heap used now ${mib(process.memoryUsage().heapUsed)} |`);
  console.log(`| peak RSS (getrusage maxrss) | ${mib(process.resourceUsage().maxRSS * 1024)} | whole child process |`);
  console.log(`| insights JSON | ${fmt(json.length / 1024, 1)} KiB | |`);
  console.log(`rules fired: ${insights.recommendations.map((r) => r.rule).join(', ')}`);
}

async function main(): Promise<void> {
  const measureAt = process.argv.indexOf('--measure');
  if (measureAt >= 0) return measure(process.argv[measureAt + 1], Number(process.argv[measureAt + 2]));

  console.log(
    `# retro bench: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'steward-retro-bench-'));
  try {
    const t = process.hrtime.bigint();
    const fixture = retroStoreFixture({ builds: Math.ceil(GATES / 10), spacingMs: HOUR_MS });
    for (let i = 0; i < fixture.records.length; i += 10_000)
      await appendRetroRecords(dir, fixture.records.slice(i, i + 10_000));
    const gates = fixture.records.filter((r) => r.kind === 'gate').length;
    console.log(
      `store: ${fmt(gates)} gates + ${fmt(fixture.records.length - gates)} phases, ${mib(statSync(retroRecordsFile(dir)).size)} (generated in ${fmt(since(t))} ms)\n`,
    );
    console.log('| step | time | notes |\n|---|---|---|');
    // A fresh process: its peak RSS is the read and the analysis, not the generator's.
    const args = [...process.execArgv, __filename, '--measure', dir, String(fixture.now), '--runs', String(RUNS)];
    process.stdout.write(execFileSync(process.execPath, args, { encoding: 'utf8', cwd: process.cwd() }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
