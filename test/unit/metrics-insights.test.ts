import type { StewardEvent } from '../../src/core/events';
import { buildInsights, buildMetrics, distribution, percentile } from '../../src/core/metrics';

describe('percentile and distribution (nearest rank)', () => {
  test('known lists', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 90)).toBe(7);
    const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(oneToTen, 50)).toBe(5);
    expect(percentile(oneToTen, 90)).toBe(9);
    expect(percentile(oneToTen, 100)).toBe(10);
    expect(percentile(oneToTen, 0)).toBe(1);
    expect(distribution([9, 1, 8, 2, 7, 3, 6, 4, 5])).toEqual({ count: 9, median: 5, p90: 9 });
    expect(distribution([3, 1, 4, 2])).toEqual({ count: 4, median: 2, p90: 4 });
    expect(distribution(Array.from({ length: 20 }, (_, i) => 20 - i))).toEqual({ count: 20, median: 10, p90: 18 });
    expect(distribution([])).toEqual({ count: 0, median: null, p90: null });
  });

  test('the values given are not reordered', () => {
    const values = [3, 1, 2];
    distribution(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const MIN = 60_000;

interface GateSpec {
  gate: string;
  builder: string;
  claimAt: number;
  /** Minutes from the claim to the pass; absent: never reviewed. */
  passAfter?: number;
  rounds?: number;
  costUsd?: number;
}

/** One phase of gates, in the order given: claims, fails for the extra rounds, the pass, the gate's window. */
function gateEvents(specs: GateSpec[]): StewardEvent[] {
  const out: Omit<StewardEvent, 'seq'>[] = [{ at: T0, type: 'build_started', message: 'start' }];
  for (const g of specs) {
    const claim = T0 + g.claimAt * MIN;
    const base = { gate: g.gate, phase: 'p1', builder: g.builder };
    const rounds = g.rounds ?? 1;
    for (let r = 1; r <= rounds; r++) {
      out.push({
        ...base,
        at: claim + (r - 1) * MIN,
        type: 'gate_claimed',
        agent: g.builder,
        attempt: r,
        message: 'c',
      });
      if (g.passAfter === undefined) break;
      const verdict = r < rounds ? 'fail' : 'pass';
      out.push({
        ...base,
        at: claim + r * MIN - 1,
        type: 'gate_reviewed',
        reviewer: 'rev',
        verdict,
        attempt: r,
        message: 'r',
      });
    }
    if (g.passAfter !== undefined) {
      out.push({ ...base, at: claim + g.passAfter * MIN, type: 'gate_passed', attempt: rounds, message: 'p' });
    }
    if (g.costUsd !== undefined) {
      const byAgent = {
        [g.builder]: {
          tokens: { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
          costUsd: g.costUsd,
        },
      };
      out.push({ ...base, at: claim + 1, type: 'tokens_recorded', costUsd: g.costUsd, byAgent, message: 't' });
    }
  }
  return out.map((e, i) => ({ ...e, seq: i + 1 }));
}

describe('buildInsights', () => {
  const events = gateEvents([
    { gate: 'a', builder: 'ann', claimAt: 0, passAfter: 10, costUsd: 1 },
    { gate: 'b', builder: 'ann', claimAt: 10, passAfter: 10, costUsd: 1 },
    { gate: 'c', builder: 'bob', claimAt: 20, passAfter: 10, costUsd: 3 },
    { gate: 'd', builder: 'ann', claimAt: 30, passAfter: 40, rounds: 3, costUsd: 2 },
    { gate: 'e', builder: 'bob', claimAt: 80 },
  ]);
  const metrics = buildMetrics(events, { now: T0 + 120 * MIN });
  const insights = buildInsights(metrics);

  test('the figures it is judged on', () => {
    expect(metrics.gates.map((g) => [g.gate, g.timeToPassMs, g.rounds])).toEqual([
      ['a', 10 * MIN, 1],
      ['b', 10 * MIN, 1],
      ['c', 10 * MIN, 1],
      ['d', 40 * MIN, 3],
      ['e', null, 1],
    ]);
    expect(metrics.agents.map((a) => [a.agent, a.costPerGateUsd])).toEqual([
      ['ann', 1.333333],
      ['rev', null],
      ['bob', 1.5],
    ]);
    // Six reviews, each a minute (less 1 ms) after its round's claim.
    expect(metrics.build.timeToReview).toEqual({ count: 6, median: MIN - 1, p90: MIN - 1 });
  });

  test('a slow gate, the costliest agent, many rounds, an unanswered claim', () => {
    expect(insights).toEqual([
      { kind: 'slow_gate', message: 'gate d took 40.0 min to pass, 4.0× the median gate (10.0 min)' },
      { kind: 'costliest_agent', message: 'bob has the highest cost per gate: $1.5000 over 2 gate(s)' },
      { kind: 'many_rounds', message: '1 gate(s) needed more than 2 review rounds: d (3)' },
      {
        kind: 'unanswered_claim',
        message: "gate e has waited 40.0 min for its first review, longer than the build's p90 (60 s)",
      },
    ]);
  });

  test('a build where nothing stands out has no insight', () => {
    const calm = buildMetrics(
      gateEvents([
        { gate: 'a', builder: 'ann', claimAt: 0, passAfter: 10 },
        { gate: 'b', builder: 'ann', claimAt: 10, passAfter: 20 },
      ]),
      { now: T0 + 60 * MIN },
    );
    // Nothing spent (no token windows): no costliest agent either.
    expect(buildInsights(calm)).toEqual([]);
    expect(buildInsights(buildMetrics([], { now: T0 }))).toEqual([]);
  });

  test('many slow or many-round gates: each slow one, and the many-round ones named up to ten', () => {
    const specs: GateSpec[] = Array.from({ length: 12 }, (_, i) => ({
      gate: `g${i}`,
      builder: 'ann',
      claimAt: i * 100,
      passAfter: 5,
      rounds: 3,
    }));
    const names = buildInsights(buildMetrics(gateEvents(specs), { now: T0 + 2000 * MIN })).find(
      (i) => i.kind === 'many_rounds',
    );
    expect(names?.message).toBe(
      '12 gate(s) needed more than 2 review rounds: g0 (3), g1 (3), g2 (3), g3 (3), g4 (3), g5 (3), g6 (3), g7 (3), g8 (3), g9 (3) and 2 more',
    );
  });
});
