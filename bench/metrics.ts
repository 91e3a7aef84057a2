/**
 * Metrics and report bench: how long `buildMetrics` takes to fold a long event log, whether that
 * grows linearly, and how long the report takes to render for a big build. Pure CPU, no server.
 * Prints figures; never passes or fails on time.
 *
 *   node -r ./bench/ts-register.cjs bench/metrics.ts [--events 100000] [--gates 1000] [--runs 11]
 */
import { cpus, totalmem } from 'node:os';
import type { EventType, StewardEvent } from '../src/core/events';
import { buildInsights, buildMetrics } from '../src/core/metrics';
import { reportHtml, reportIncidents, reportJson, reportMarkdown, type ReportInput } from '../src/core/report';

const option = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = option('events', 100_000);
const GATES = option('gates', 1000);
const RUNS = option('runs', 11);
const WARMUP = 5;

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const BUILDERS = ['builder-1', 'builder-2', 'builder-3'];
const REVIEWERS = ['critic', 'adversary'];
const AGENTS = [...BUILDERS, ...REVIEWERS];
const GATES_PER_PHASE = 50;

/** A seeded generator (mulberry32), so every run folds the same build. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tokens = (n: number) => ({
  input_tokens: Math.round(n * 0.02),
  output_tokens: Math.round(n * 0.05),
  cache_creation_input_tokens: Math.round(n * 0.08),
  cache_read_input_tokens: Math.round(n * 0.85),
});

/**
 * A build as a supervisor records it: phases of 50 gates; each gate claimed by one of 3 builders,
 * reviewed by 1–2 reviewers per round (70% pass in round 1, then 20% / 8% / 2% need 2 / 3 / 4
 * rounds), its token window; panes flipping busy/idle around the work; pings, DONE-nudges (5%),
 * rate limits (1%), reboots and failed actions (0.5%); each phase closed by its window. Stops
 * after `gates` gates or once `maxEvents` events are made (cut to exactly that many).
 */
function syntheticBuild(gates: number, maxEvents = Infinity): StewardEvent[] {
  const rnd = random(14);
  const events: StewardEvent[] = [];
  let now = T0;
  const add = (type: EventType, fields: Partial<StewardEvent> = {}) =>
    events.push({
      seq: events.length + 1,
      at: now,
      type,
      message: `${type} ${fields.gate ?? fields.agent ?? ''}`,
      ...fields,
    });
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const wait = (maxMinutes: number) => (now += Math.round(rnd() * maxMinutes * 60_000) + 1000);
  const flip = (agent: string) => {
    add('agent_busy', { agent });
    wait(6);
    add('agent_idle', { agent });
  };

  add('build_started', { message: 'build bench started' });
  for (const agent of AGENTS) add('agent_started', { agent, phase: 'p1' });
  let phase = 1;
  for (let g = 1; g <= gates && events.length < maxEvents; g++) {
    const gate = `feature-${g}`;
    const builder = pick(BUILDERS);
    const phaseId = `p${phase}`;
    const r = rnd();
    const rounds = r < 0.7 ? 1 : r < 0.9 ? 2 : r < 0.98 ? 3 : 4;
    const claimedAt = now;
    for (let round = 1; round <= rounds; round++) {
      flip(builder);
      add('gate_claimed', { agent: builder, builder, gate, sha: `c${g}r${round}`, attempt: round, phase: phaseId });
      const roundAt = now;
      const reviewers = rnd() < 0.5 ? REVIEWERS : [pick(REVIEWERS)];
      for (const reviewer of reviewers) add('ping_sent', { agent: reviewer, phase: phaseId });
      for (const reviewer of reviewers) {
        flip(reviewer);
        const verdict = round < rounds && reviewer === reviewers[0] ? 'fail' : 'pass';
        add('gate_reviewed', {
          agent: reviewer,
          reviewer,
          gate,
          sha: `v${g}r${round}`,
          verdict,
          attempt: round,
          durationMs: now - roundAt,
        });
        if (verdict === 'fail') add('gate_failed', { gate, reviewer, builder, attempt: round, sha: `v${g}r${round}` });
      }
      if (rnd() < 0.05) add('agent_nudged', { agent: builder, message: 'DONE-nudge: the pane is idle' });
      if (rnd() < 0.01) add('agent_rate_limited', { agent: builder, message: 'usage limit reached' });
      if (rnd() < 0.01) {
        wait(20);
        add('agent_resumed', { agent: builder, message: 'usage limit reset' });
      }
      if (rnd() < 0.005) add('action_failed', { agent: pick(AGENTS), message: 'send failed after retries' });
      if (rnd() < 0.005) add('agent_rebooted', { agent: builder, message: 'stalled: rebooted' });
    }
    add('gate_passed', { gate, builder, attempt: rounds, durationMs: now - claimedAt });
    const cost = 0.2 + rnd() * 2;
    add('tokens_recorded', {
      phase: phaseId,
      gate,
      tokens: tokens(cost * 400_000),
      costUsd: cost,
      durationMs: now - claimedAt,
      byAgent: {
        [builder]: { tokens: tokens(cost * 300_000), costUsd: cost * 0.75 },
        critic: { tokens: tokens(cost * 100_000), costUsd: cost * 0.25 },
      },
    });
    if (g % GATES_PER_PHASE === 0) {
      const phaseCost = cost * GATES_PER_PHASE * 1.1;
      add('tokens_recorded', { phase: phaseId, tokens: tokens(phaseCost * 400_000), costUsd: phaseCost });
      add('phase_completed', { phase: phaseId });
      phase++;
      add('phase_started', { phase: `p${phase}` });
    }
  }
  return events.slice(0, maxEvents);
}

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
