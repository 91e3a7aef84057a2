/**
 * Metrics and report bench: how long `buildMetrics` takes to fold a long event log, whether that
 * grows linearly, and how long the report takes to render for a big build. Pure CPU, no server.
 * Prints figures; never passes or fails on time.
 *
 *   node -r ./bench/ts-register.cjs bench/metrics.ts [--events 100000] [--gates 1000] [--runs 11]
 */
import { cpus, totalmem } from 'node:os';
import { buildInsights, buildMetrics } from '../src/core/metrics';
import { reportHtml, reportIncidents, reportJson, reportMarkdown, type ReportInput } from '../src/core/report';
import { syntheticBuild } from './synthetic-build';

const option = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = option('events', 100_000);
const GATES = option('gates', 1000);
const RUNS = option('runs', 11);
const WARMUP = 5;

/** Times of `runs` calls of `fn` after `warmup` calls (optimised code, steady heap), fastest first. */
function timed(fn: () => unknown, warmup = WARMUP, runs = RUNS): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function main(): void {
  console.log(
    `# metrics bench: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(`median of ${RUNS} runs after ${WARMUP} warm-up runs\n`);

  const big = syntheticBuild(Infinity, EVENTS);
  const small = big.slice(0, EVENTS / 10);
  const now = big[big.length - 1].at + 60_000;
  const counts = new Map<string, number>();
  for (const e of big) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  console.log(`events by type (${fmt(big.length)}): ${[...counts].map(([t, n]) => `${t} ${fmt(n)}`).join(', ')}`);

  // Both sizes warmed up, then timed in alternation, so JIT tiering and the other core's load
  // weigh on both alike.
  const foldSmall = () => buildMetrics(small, { now });
  const foldBig = () => buildMetrics(big, { now });
  for (let i = 0; i < WARMUP; i++) {
    foldSmall();
    foldBig();
  }
  const smallTimes: number[] = [];
  const bigTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    smallTimes.push(...timed(foldSmall, 0, 1));
    bigTimes.push(...timed(foldBig, 0, 1));
  }
  smallTimes.sort((x, y) => x - y);
  bigTimes.sort((x, y) => x - y);
  const tSmall = median(smallTimes);
  const tBig = median(bigTimes);
  const m = buildMetrics(big, { now });
  console.log(
    `folded: ${fmt(m.gates.length)} gates, ${m.phases.length} phases, ${m.agents.length} agents, $${fmt(m.build.costUsd, 2)}`,
  );
  // The fastest run is the one the other core's load disturbed least: its ratio is the cleaner
  // test of linearity; the median is what to expect.
  const row = (n: number, times: number[]) => {
    const ms = median(times);
    return `| fold ${fmt(n)} events | median ${fmt(ms, 1)} ms, fastest ${fmt(times[0], 1)} ms | ${fmt(n / (ms / 1000))} events/s | ${fmt((ms * 1e6) / n)} ns/event |`;
  };
  console.log(row(small.length, smallTimes));
  console.log(row(big.length, bigTimes));
  console.log(
    `| time ratio ${fmt(big.length)} / ${fmt(small.length)} (linear: 10.0) | median ${fmt(tBig / tSmall, 2)}, fastest ${fmt(bigTimes[0] / smallTimes[0], 2)} |`,
  );

  const build = syntheticBuild(GATES);
  const end = build[build.length - 1].at + 60_000;
  const input = (): ReportInput => {
    const metrics = buildMetrics(build, { now: end });
    return {
      build: 'bench',
      generatedAt: end,
      metrics,
      insights: buildInsights(metrics),
      incidents: reportIncidents(build),
    };
  };
  const report = input();
  console.log(
    `\nreport build: ${fmt(GATES)} gates, ${fmt(build.length)} events, ${fmt(report.incidents.length)} incidents, ${report.insights.length} insights`,
  );
  console.log(`| metrics + insights + incidents | ${fmt(median(timed(input)), 1)} ms |`);
  for (const [name, render] of [
    ['markdown', reportMarkdown],
    ['html', reportHtml],
    ['json', reportJson],
  ] as const) {
    const ms = median(timed(() => render(report)));
    const bytes = Buffer.byteLength(render(report), 'utf8');
    console.log(`| render ${name} | ${fmt(ms, 1)} ms | ${fmt(bytes / 1024)} KiB |`);
  }
}

main();
