import type { EventTokens, EventType, StewardEvent } from '../../src/core/events';
import { buildMetrics, zeroTokens } from '../../src/core/metrics';

/** 2026-01-05 09:00:00 UTC: when the builds in these tests start. */
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;
const at = (min: number) => T0 + min * MIN;

type Spec = [minute: number, type: EventType, data?: Partial<StewardEvent>];

/** Events numbered in order, `at` given in minutes after T0. */
function log(...specs: Spec[]): StewardEvent[] {
  return specs.map(([min, type, data], i) => ({ seq: i + 1, at: at(min), type, message: type, ...data }));
}

const tok = (input: number, output: number, write: number, read: number): EventTokens => ({
  input_tokens: input,
  output_tokens: output,
  cache_creation_input_tokens: write,
  cache_read_input_tokens: read,
});

const usd = (costUsd: number, tokens = zeroTokens()) => ({ tokens, costUsd });

/** Round `attempt` of gate g1: the builder's claim (sha c<attempt>) and the reviewer's verdict (sha r<attempt>). */
const claim = (min: number, attempt: number): Spec => [
  min,
  'gate_claimed',
  { agent: 'builder', builder: 'builder', gate: 'g1', sha: `c${attempt}`, attempt, phase: 'p1' },
];
const review = (min: number, attempt: number, verdict: 'pass' | 'fail', waitMin: number): Spec => [
  min,
  'gate_reviewed',
  {
    agent: 'reviewer',
    reviewer: 'reviewer',
    gate: 'g1',
    sha: `r${attempt}`,
    verdict,
    durationMs: waitMin * MIN,
    attempt,
  },
];

/** A gate failed twice, then passed in its third round; its windows and its phase's closed at the end. */
const threeRounds = log(
  [0, 'build_started'],
  [0, 'agent_started', { agent: 'builder', phase: 'p1' }],
  [0, 'agent_started', { agent: 'reviewer', phase: 'p1' }],
  claim(10, 1),
  review(15, 1, 'fail', 5),
  [15, 'gate_failed', { gate: 'g1', reviewer: 'reviewer', builder: 'builder', attempt: 1, sha: 'r1' }],
  claim(25, 2),
  review(27, 2, 'fail', 2),
  [27, 'gate_failed', { gate: 'g1', reviewer: 'reviewer', builder: 'builder', attempt: 2, sha: 'r2' }],
  claim(40, 3),
  review(44, 3, 'pass', 4),
  [44, 'gate_passed', { gate: 'g1', builder: 'builder', attempt: 3, durationMs: 34 * MIN }],
  [
    50,
    'tokens_recorded',
    {
      phase: 'p1',
      gate: 'g1',
      tokens: tok(100, 50, 0, 1000),
      costUsd: 0.5,
      durationMs: 40 * MIN,
      byAgent: { builder: usd(0.4, tok(80, 40, 0, 800)), reviewer: usd(0.1, tok(20, 10, 0, 200)) },
    },
  ],
  [
    50,
    'tokens_recorded',
    {
      phase: 'p1',
      tokens: tok(150, 80, 10, 2000),
      costUsd: 0.8,
      durationMs: 50 * MIN,
      byAgent: { builder: usd(0.6, tok(110, 60, 10, 1500)), reviewer: usd(0.2, tok(40, 20, 0, 500)) },
    },
  ],
  [50, 'phase_completed', { phase: 'p1', durationMs: 50 * MIN }],
  [50, 'sequence_completed'],
);

describe('buildMetrics: a gate failed twice then passed', () => {
  const m = buildMetrics(threeRounds, { now: at(90) });

  test('the gate: three rounds, its times, every verdict', () => {
    expect(m.gates).toEqual([
      {
        gate: 'g1',
        phase: 'p1',
        builder: 'builder',
        reviewers: ['reviewer'],
        claimedAt: at(10),
        timeToClaimMs: 10 * MIN,
        timeToFirstReviewMs: 5 * MIN,
        passedAt: at(44),
        timeToPassMs: 34 * MIN,
        rounds: 3,
        verdicts: [
          { reviewer: 'reviewer', verdict: 'fail', at: at(15), attempt: 1, sha: 'r1' },
          { reviewer: 'reviewer', verdict: 'fail', at: at(27), attempt: 2, sha: 'r2' },
          { reviewer: 'reviewer', verdict: 'pass', at: at(44), attempt: 3, sha: 'r3' },
        ],
        status: 'passed',
        tokens: tok(100, 50, 0, 1000),
        costUsd: 0.5,
      },
    ]);
  });

  test('the build: completed at the sequence end; totals from the phase window only', () => {
    expect(m.build).toEqual({
      startedAt: T0,
      endedAt: at(50),
      status: 'completed',
      durationMs: 50 * MIN,
      tokens: tok(150, 80, 10, 2000),
      costUsd: 0.8,
      costPerHourUsd: 0.96,
      gatesPassed: 1,
      gatesPerHour: 1.2,
      firstPassQuality: 0,
      errorRate: 0,
      escalations: 0,
      // Waits 5, 2 and 4 min: sorted [2, 4, 5], ranks ceil(1.5) = 2 and ceil(2.7) = 3.
      timeToReview: { count: 3, median: 4 * MIN, p90: 5 * MIN },
      reviewRounds: { count: 1, median: 3, p90: 3 },
    });
    // The gate window counts until the phase window that holds it closes; then only the rest is added.
    expect(m.costOverTime).toEqual([
      { at: at(50), costUsd: 0.5 },
      { at: at(50), costUsd: 0.8 },
    ]);
  });

  test('the phase and the agents', () => {
    expect(m.phases).toEqual([
      {
        phase: 'p1',
        startedAt: T0,
        endedAt: at(50),
        durationMs: 50 * MIN,
        gatesPassed: 1,
        gatesFailed: 1,
        tokens: tok(150, 80, 10, 2000),
        costUsd: 0.8,
        nudges: 0,
        reboots: 0,
        rateLimitWaits: 0,
        escalations: 0,
      },
    ]);
    const [builder, reviewer] = m.agents;
    expect(builder).toEqual({
      agent: 'builder',
      busyShare: null,
      gatesClaimed: 1,
      gatesReviewed: 0,
      firstPassRate: 0,
      rejectionRate: null,
      tokens: tok(110, 60, 10, 1500),
      costUsd: 0.6,
      costPerGateUsd: 0.6,
      reboots: 0,
      rateLimitedMs: 0,
    });
    expect(reviewer).toMatchObject({ agent: 'reviewer', gatesClaimed: 0, gatesReviewed: 1, costPerGateUsd: null });
    expect(reviewer.rejectionRate).toBeCloseTo(2 / 3, 12);
    expect(m.agents).toHaveLength(2);
  });

  test('the same events in another order fold the same (sorted by seq)', () => {
    expect(buildMetrics([...threeRounds].reverse(), { now: at(90) })).toEqual(m);
  });
});

describe('buildMetrics: reviews after the pass, by no agent, and a label claimed again', () => {
  const events = log(
    [0, 'build_started'],
    claim(10, 1),
    review(12, 1, 'pass', 2),
    [12, 'gate_passed', { gate: 'g1', builder: 'builder', attempt: 1, durationMs: 2 * MIN }],
    [20, 'gate_reviewed', { gate: 'g1', verdict: 'fail', phase: 'p1', sha: 'late' }],
    claim(30, 1),
  );
  const m = buildMetrics(events, { now: at(40) });

  test('a late review is a verdict but no wait; a reviewer that is no agent gets no agent row', () => {
    expect(m.gates[0].verdicts.map((v) => [v.reviewer, v.verdict, v.attempt])).toEqual([
      ['reviewer', 'pass', 1],
      ['unknown', 'fail', 1],
    ]);
    expect(m.build.timeToReview).toEqual({ count: 1, median: 2 * MIN, p90: 2 * MIN });
    expect(m.agents.map((a) => a.agent)).toEqual(['builder', 'reviewer']);
  });

  test('the passed label claimed again is a new gate, open, with its own time to claim', () => {
    expect(m.gates.map((g) => [g.gate, g.status, g.claimedAt, g.timeToClaimMs, g.rounds])).toEqual([
      ['g1', 'passed', at(10), 10 * MIN, 1],
      ['g1', 'open', at(30), 20 * MIN, 1],
    ]);
    expect(m.phases[0]).toMatchObject({ gatesPassed: 1, gatesFailed: 0 });
    expect(m.agents[0]).toMatchObject({ agent: 'builder', gatesClaimed: 2, firstPassRate: 1 });
  });
});

describe('buildMetrics: a reviewer that never answered', () => {
  const events = log(
    [0, 'build_started'],
    [2, 'gate_claimed', { agent: 'builder', builder: 'builder', gate: 'g0', attempt: 1, phase: 'p1' }],
    [
      5,
      'gate_reviewed',
      { agent: 'critic', reviewer: 'critic', gate: 'g0', verdict: 'pass', durationMs: 3 * MIN, attempt: 1 },
    ],
    [5, 'gate_passed', { gate: 'g0', builder: 'builder', attempt: 1, durationMs: 3 * MIN }],
    [10, 'gate_claimed', { agent: 'builder', builder: 'builder', gate: 'g1', attempt: 1, phase: 'p1' }],
  );
  const m = buildMetrics(events, { now: at(70) });

  test('its gate stays open, with no time to review or pass', () => {
    expect(m.gates[1]).toMatchObject({
      gate: 'g1',
      status: 'open',
      rounds: 1,
      reviewers: [],
      verdicts: [],
      timeToFirstReviewMs: null,
      passedAt: null,
      timeToPassMs: null,
      // From the previous gate's first claim in the phase.
      timeToClaimMs: 8 * MIN,
    });
    expect(m.gates[0]).toMatchObject({ timeToClaimMs: 2 * MIN, timeToFirstReviewMs: 3 * MIN, status: 'passed' });
  });

  test('the build runs to now; first-pass quality counts the gate that passed', () => {
    expect(m.build).toMatchObject({
      status: 'running',
      endedAt: null,
      durationMs: 70 * MIN,
      gatesPassed: 1,
      firstPassQuality: 1,
      timeToReview: { count: 1, median: 3 * MIN, p90: 3 * MIN },
      reviewRounds: { count: 1, median: 1, p90: 1 },
    });
    expect(m.agents.find((a) => a.agent === 'builder')).toMatchObject({ gatesClaimed: 2, firstPassRate: 1 });
  });
});

describe('buildMetrics: a build stopped mid-phase', () => {
  const events = log(
    [0, 'build_started'],
    [0, 'ping_sent', { agent: 'builder', phase: 'p1' }],
    [20, 'phase_completed', { phase: 'p1' }],
    [20, 'phase_started', { phase: 'p2' }],
    [20, 'agent_busy', { agent: 'critic' }],
    [25, 'agent_busy', { agent: 'builder' }],
    [30, 'agent_idle', { agent: 'critic' }],
    [35, 'stopped'],
  );
  const m = buildMetrics(events, { now: at(100) });

  test('the build and its open phase end at the stop, not at now', () => {
    expect(m.build).toMatchObject({ status: 'stopped', startedAt: T0, endedAt: at(35), durationMs: 35 * MIN });
    expect(m.phases.map((p) => [p.phase, p.startedAt, p.endedAt, p.durationMs])).toEqual([
      ['p1', T0, at(20), 20 * MIN],
      ['p2', at(20), at(35), 15 * MIN],
    ]);
  });

  test('busy time counts to the stop as well', () => {
    const share = Object.fromEntries(m.agents.map((a) => [a.agent, a.busyShare]));
    expect(share).toEqual({ builder: 1, critic: 10 / 15 });
  });
});

describe('buildMetrics: a reloaded config', () => {
  const done = log(
    [0, 'build_started'],
    [5, 'config_reloaded'],
    [10, 'phase_completed', { phase: 'p1', durationMs: 10 * MIN }],
    [10, 'phase_started', { phase: 'p2' }],
    [30, 'phase_completed', { phase: 'p2', durationMs: 20 * MIN }],
    [30, 'sequence_completed'],
  );

  test('a config reload in a phase changes no figure; a sequence end completes the build', () => {
    const m = buildMetrics(done, { now: at(60) });
    expect(m.build).toMatchObject({ status: 'completed', endedAt: at(30), durationMs: 30 * MIN });
    expect(m.phases.map((p) => [p.phase, p.startedAt, p.endedAt, p.durationMs])).toEqual([
      ['p1', T0, at(10), 10 * MIN],
      ['p2', at(10), at(30), 20 * MIN],
    ]);
  });

  test('phases appended after the end reopen the build; the new phase runs to now', () => {
    const reopened = [
      ...done,
      ...log([40, 'config_reloaded'], [40, 'phases_appended'], [40, 'phase_started', { phase: 'p3' }]).map((e) => ({
        ...e,
        seq: e.seq + done.length,
      })),
    ];
    const m = buildMetrics(reopened, { now: at(60) });
    expect(m.build).toMatchObject({ status: 'running', endedAt: null, durationMs: 60 * MIN });
    expect(m.phases[2]).toMatchObject({ phase: 'p3', startedAt: at(40), endedAt: null, durationMs: 20 * MIN });
  });

  test('phases_appended alone reopens it too', () => {
    const m = buildMetrics([...done, { seq: 99, at: at(45), type: 'phases_appended', message: '' }], { now: at(60) });
    expect(m.build.status).toBe('running');
  });
});

describe('buildMetrics: old events without data fields', () => {
  /** An event as logs had them before the data fields: a type, maybe an agent or a phase, a message. */
  const old = (min: number, type: EventType, who: { agent?: string; phase?: string } = {}): Spec => [min, type, who];
  const builder = { agent: 'builder' };
  const events = log(
    old(0, 'build_started'),
    old(0, 'agent_started', builder),
    old(5, 'agent_nudged', builder),
    old(12, 'tokens_recorded', { phase: 'p1' }),
    old(12, 'gate_claimed', builder),
    old(20, 'phase_completed', { phase: 'p1' }),
    old(20, 'phase_started', { phase: 'p2' }),
    old(25, 'agent_rebooted', builder),
    old(26, 'agent_nudged', builder),
  );
  const m = buildMetrics(events, { now: at(30) });

  test('phases from phase_started/phase_completed times; what came before the first phase name is in it', () => {
    expect(m.phases.map((p) => [p.phase, p.durationMs, p.nudges, p.reboots])).toEqual([
      ['p1', 20 * MIN, 1, 0],
      ['p2', 10 * MIN, 1, 1],
    ]);
  });

  test('no gate, no tokens, no cost; the agent still counts', () => {
    expect(m.gates).toEqual([]);
    expect(m.costOverTime).toEqual([]);
    expect(m.build).toMatchObject({ tokens: zeroTokens(), costUsd: 0, gatesPassed: 0, firstPassQuality: null });
    expect(m.build.timeToReview).toEqual({ count: 0, median: null, p90: null });
    expect(m.agents).toEqual([expect.objectContaining({ agent: 'builder', reboots: 1, busyShare: null })]);
  });

  test('no events at all', () => {
    const empty = buildMetrics([], { now: at(5) });
    expect(empty.build).toMatchObject({ startedAt: null, status: 'running', durationMs: 0, costPerHourUsd: null });
    expect(empty.phases).toEqual([]);
  });
});

describe('buildMetrics: busy share, rate limits, error rate, escalations', () => {
  /** Agent `name`'s event at a minute, with more fields if given. */
  const on =
    (name: string) =>
    (min: number, type: EventType, more: Partial<StewardEvent> = {}): Spec => [min, type, { agent: name, ...more }];
  const [a, b, c] = [on('a'), on('b'), on('c')];
  const events = log(
    [0, 'build_started'],
    a(0, 'agent_busy'),
    a(5, 'agent_busy'),
    a(10, 'agent_idle'),
    b(10, 'agent_idle'),
    a(10, 'ping_sent', { phase: 'p1' }),
    b(10, 'ping_sent'),
    b(11, 'ping_sent'),
    b(12, 'agent_rate_limited'),
    a(15, 'agent_nudged'),
    a(18, 'action_failed'),
    a(20, 'agent_busy'),
    a(25, 'agent_idle'),
    b(27, 'agent_resumed'),
    b(30, 'agent_busy'),
    c(30, 'agent_rate_limited'),
    c(31, 'agent_resumed', { durationMs: 7 * MIN }),
    b(32, 'agent_rate_limited'),
    c(33, 'crash_loop'),
    a(34, 'agent_blocked'),
  );
  const m = buildMetrics(events, { now: at(40) });
  const agent = (name: string) => m.agents.find((a) => a.agent === name)!;

  test('busy share: busy intervals over the time observed since the first busy/idle event', () => {
    expect(agent('a').busyShare).toBe(15 / 40);
    expect(agent('b').busyShare).toBe(10 / 30);
    expect(agent('c').busyShare).toBeNull();
  });

  test('rate-limited time: to the resume, its durationMs, or to now while it lasts', () => {
    expect(agent('b').rateLimitedMs).toBe(15 * MIN + 8 * MIN);
    expect(agent('c').rateLimitedMs).toBe(7 * MIN);
  });

  test('error rate: failed actions over the actions attempted; escalations per build and phase', () => {
    // 3 pings, 1 nudge, 2 resumes performed, 1 failed.
    expect(m.build.errorRate).toBe(1 / 7);
    expect(m.build.escalations).toBe(2);
    expect(m.phases).toEqual([expect.objectContaining({ phase: 'p1', nudges: 1, rateLimitWaits: 3, escalations: 2 })]);
  });

  test('no action at all: no error rate', () => {
    expect(buildMetrics(log([0, 'build_started']), { now: at(1) }).build.errorRate).toBeNull();
  });
});

describe('buildMetrics: token windows', () => {
  const windows = log(
    [0, 'build_started'],
    [0, 'phase_started', { phase: 'p1' }],
    [
      10,
      'tokens_recorded',
      { phase: 'p1', gate: 'g1', tokens: tok(10, 1, 0, 0), costUsd: 0.3, byAgent: { x: usd(0.3) } },
    ],
    [
      20,
      'tokens_recorded',
      { phase: 'p1', gate: 'g2', tokens: tok(20, 2, 0, 0), costUsd: 0.2, byAgent: { x: usd(0.2) } },
    ],
  );

  test('without a closed phase window, the gate windows make the totals', () => {
    const m = buildMetrics(windows, { now: at(30) });
    expect(m.build).toMatchObject({ tokens: tok(30, 3, 0, 0), costUsd: 0.5 });
    expect(m.phases[0]).toMatchObject({ tokens: tok(30, 3, 0, 0), costUsd: 0.5 });
    expect(m.costOverTime).toEqual([
      { at: at(10), costUsd: 0.3 },
      { at: at(20), costUsd: 0.5 },
    ]);
    expect(m.agents[0]).toMatchObject({ agent: 'x', costUsd: 0.5 });
    expect(m.gates.map((g) => [g.gate, g.costUsd, g.status, g.rounds])).toEqual([
      ['g1', 0.3, 'open', 0],
      ['g2', 0.2, 'open', 0],
    ]);
  });

  test('the phase window then replaces them, and the next phase counts its gates again', () => {
    const more = log(
      [30, 'tokens_recorded', { phase: 'p1', tokens: tok(40, 4, 0, 0), costUsd: 0.7, byAgent: { x: usd(0.7) } }],
      [30, 'phase_completed', { phase: 'p1' }],
      [30, 'phase_started', { phase: 'p2' }],
      [
        35,
        'tokens_recorded',
        { phase: 'p2', gate: 'g3', tokens: tok(1, 1, 1, 1), costUsd: 0.05, byAgent: { y: usd(0.05) } },
      ],
    ).map((e) => ({ ...e, seq: e.seq + windows.length }));
    const m = buildMetrics([...windows, ...more], { now: at(40) });
    expect(m.build).toMatchObject({ tokens: tok(41, 5, 1, 1), costUsd: 0.75 });
    expect(m.costOverTime.map((p) => p.costUsd)).toEqual([0.3, 0.5, 0.7, 0.75]);
    expect(m.agents.map((a) => [a.agent, a.costUsd])).toEqual([
      ['x', 0.7],
      ['y', 0.05],
    ]);
  });
});
