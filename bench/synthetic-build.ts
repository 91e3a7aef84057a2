/**
 * A long build as a supervisor records it, made up for the benches (metrics, dashboard): the same
 * build for the same seed.
 */
import type { EventType, StewardEvent } from '../src/core/events';

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
export function syntheticBuild(gates: number, maxEvents = Infinity, seed = 14, t0 = T0): StewardEvent[] {
  const rnd = random(seed);
  const events: StewardEvent[] = [];
  let now = t0;
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
