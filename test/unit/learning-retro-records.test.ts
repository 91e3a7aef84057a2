import type { EventTokens, EventType, NewEvent, StewardEvent } from '../../src/core/events';
import type { GateRecord, PhaseRecord, RetroRecord } from '../../src/core/learning/types';
import { gateRecordId, phaseRecordId, retroRecords, type RetroInfo } from '../../src/core/learning/retro-records';
import { operatorDecision } from '../../src/core/operator';
import { phaseAdvanceDecision } from '../../src/core/phase-advance';
import { zeroTokens } from '../../src/core/metrics';
import { MINUTE, stateFor, T0, TEAM_TOML } from './support/build-state';

const at = (min: number) => T0 + min * MINUTE;

type Spec = [minute: number, type: EventType, data?: Partial<StewardEvent>];

/** Events numbered in order, `at` given in minutes after T0. */
function log(...specs: Spec[]): StewardEvent[] {
  return specs.map(([min, type, data], i) => ({ seq: i + 1, at: at(min), type, message: type, ...data }));
}

/** What a decision returned, as the events it records at `min` (after `specs`). */
function then(events: StewardEvent[], min: number, decided: readonly NewEvent[]): StewardEvent[] {
  return [
    ...events,
    ...decided.map((e, i) => ({ ...e, seq: events.length + i + 1, at: e.at ?? at(min) }) as StewardEvent),
  ];
}

const tok = (input: number, output: number): EventTokens => ({
  ...zeroTokens(),
  input_tokens: input,
  output_tokens: output,
});

const claim = (min: number, gate: string, attempt: number, phase: string): Spec => [
  min,
  'gate_claimed',
  { agent: 'builder', builder: 'builder', gate, attempt, phase },
];
const review = (min: number, gate: string, attempt: number, verdict: 'pass' | 'fail'): Spec => [
  min,
  'gate_reviewed',
  { agent: 'adversary', reviewer: 'adversary', gate, attempt, verdict },
];
const passed = (min: number, gate: string, attempt: number): Spec => [
  min,
  'gate_passed',
  { gate, builder: 'builder', attempt },
];
const failed = (min: number, gate: string, attempt: number): Spec => [
  min,
  'gate_failed',
  { gate, builder: 'builder', reviewer: 'adversary', attempt },
];

/** A build starting with p1. */
const OPENING: Spec[] = [
  [0, 'build_started'],
  [0, 'phase_started', { phase: 'p1' }],
];

const INFO: RetroInfo = { build: 'demo', buildStartedAt: T0, configHash: 'h1', now: at(200) };

/** The first phase of the demo: p1-gate fails its first review, passes its second. */
const p1 = log(
  [0, 'build_started'],
  [0, 'phase_started', { phase: 'p1' }],
  [0, 'agent_started', { agent: 'builder', phase: 'p1' }],
  [0, 'agent_started', { agent: 'adversary', phase: 'p1' }],
  claim(10, 'p1-gate', 1, 'p1'),
  // Counted in the gate: the builder, while its gate is open.
  [12, 'agent_nudged', { agent: 'builder', phase: 'p1' }],
  review(15, 'p1-gate', 1, 'fail'),
  failed(15, 'p1-gate', 1),
  // A rate-limit wait of 5 minutes, and an escalation of no agent (counted in the gate too).
  [16, 'agent_rate_limited', { agent: 'builder', phase: 'p1' }],
  [17, 'budget_exceeded', {}],
  [21, 'agent_resumed', { agent: 'builder', phase: 'p1', durationMs: 5 * MINUTE }],
  claim(25, 'p1-gate', 2, 'p1'),
  review(30, 'p1-gate', 2, 'pass'),
  passed(30, 'p1-gate', 2),
  // After the pass: in the phase, not in the gate.
  [32, 'agent_nudged', { agent: 'adversary', phase: 'p1' }],
  [
    40,
    'tokens_recorded',
    {
      phase: 'p1',
      gate: 'p1-gate',
      tokens: tok(100, 10),
      costUsd: 0.25,
      byAgent: { builder: { tokens: tok(100, 10), costUsd: 0.25 } },
    },
  ],
  [40, 'tokens_recorded', { phase: 'p1', tokens: tok(300, 30), costUsd: 0.75 }],
  [40, 'phase_completed', { phase: 'p1', durationMs: 40 * MINUTE, message: 'phase p1 done in 2400s' }],
  [40, 'phase_started', { phase: 'p2' }],
);

/** p2: p2-gate passes its first review; the sequence completes. */
const completed = [
  ...p1,
  ...log(
    claim(50, 'p2-gate', 1, 'p2'),
    [52, 'agent_rebooted', { agent: 'adversary', phase: 'p2' }],
    review(55, 'p2-gate', 1, 'pass'),
    passed(55, 'p2-gate', 1),
    [60, 'phase_completed', { phase: 'p2', durationMs: 20 * MINUTE, message: 'phase p2 done in 1200s' }],
    [60, 'sequence_completed'],
  ).map((e) => ({ ...e, seq: e.seq + p1.length })),
];

const byId = (records: RetroRecord[]) => Object.fromEntries(records.map((r) => [r.id, r]));
const summary = (records: RetroRecord[]) =>
  records.map((r) => [r.kind, r.kind === 'gate' ? `${r.phase}/${r.gate}` : r.phase, r.outcome]);

describe('retroRecords: a completed build', () => {
  const records = retroRecords(completed, INFO, 'all-ended');

  test('one record per phase, each followed by its gates', () => {
    expect(summary(records)).toEqual([
      ['phase', 'p1', 'passed'],
      ['gate', 'p1/p1-gate', 'passed'],
      ['phase', 'p2', 'passed'],
      ['gate', 'p2/p2-gate', 'passed'],
    ]);
    expect(records.map((r) => r.id)).toEqual([
      'demo@' + T0 + '/p1',
      'demo@' + T0 + '/p1/p1-gate#1',
      'demo@' + T0 + '/p2',
      'demo@' + T0 + '/p2/p2-gate#1',
    ]);
  });

  test('the phase record: its times, tokens, agents and counts', () => {
    expect(records[0]).toEqual<PhaseRecord>({
      v: 1,
      kind: 'phase',
      id: phaseRecordId(INFO, 'p1'),
      build: 'demo',
      buildStartedAt: T0,
      configHash: 'h1',
      phase: 'p1',
      outcome: 'passed',
      startedAt: T0,
      endedAt: at(40),
      durationMs: 40 * MINUTE,
      tokens: tok(300, 30),
      costUsd: 0.75,
      recordedAt: at(200),
      // The escalation of no agent names nobody.
      agents: ['adversary', 'builder'],
      gatesPassed: 1,
      gatesFailed: 1,
      nudges: 2,
      reboots: 0,
      rateLimitWaits: 1,
      rateLimitedMs: 5 * MINUTE,
      escalations: 1,
    });
  });

  test('the gate record: rounds, verdicts, first pass, and what happened while it was open', () => {
    expect(records[1]).toEqual<GateRecord>({
      v: 1,
      kind: 'gate',
      id: gateRecordId(INFO, 'p1', 'p1-gate', 1),
      build: 'demo',
      buildStartedAt: T0,
      configHash: 'h1',
      phase: 'p1',
      outcome: 'passed',
      startedAt: at(10),
      endedAt: at(30),
      durationMs: 20 * MINUTE,
      tokens: tok(100, 10),
      costUsd: 0.25,
      recordedAt: at(200),
      gate: 'p1-gate',
      builder: 'builder',
      reviewers: ['adversary'],
      agents: ['builder', 'adversary'],
      rounds: 2,
      verdicts: [
        { reviewer: 'adversary', verdict: 'fail', attempt: 1, at: at(15) },
        { reviewer: 'adversary', verdict: 'pass', attempt: 2, at: at(30) },
      ],
      firstPass: false,
      timeToFirstReviewMs: 5 * MINUTE,
      // The builder's nudge at 12 (not the adversary's after the pass), its wait, the budget escalation.
      nudges: 1,
      reboots: 0,
      rateLimitWaits: 1,
      escalations: 1,
    });
    expect(records[3]).toMatchObject({ rounds: 1, firstPass: true, reboots: 1, nudges: 0, outcome: 'passed' });
    expect(records[2]).toMatchObject({ agents: ['adversary', 'builder'], reboots: 1, rateLimitedMs: 0 });
  });

  test('one phase: its record and its gates only', () => {
    expect(retroRecords(completed, INFO, { phase: 'p2' })).toEqual(records.slice(2));
    expect(retroRecords(completed, INFO, { phase: 'nope' })).toEqual([]);
  });

  test('the models used, per agent of each record, when known', () => {
    const models = { builder: ['claude-opus-4'], adversary: ['claude-sonnet-4'], librarian: ['claude-haiku'] };
    const [phase, gate] = retroRecords(completed, { ...INFO, models }, { phase: 'p1' });
    expect(phase.models).toEqual({ adversary: ['claude-sonnet-4'], builder: ['claude-opus-4'] });
    expect(gate.models).toEqual({ builder: ['claude-opus-4'], adversary: ['claude-sonnet-4'] });
    expect(records[0]).not.toHaveProperty('models');
  });
});

describe('retroRecords: ids and replays', () => {
  test('a phase record made when it completed has the same id (and figures) as the one made at the end', () => {
    const early = retroRecords(p1, { ...INFO, now: at(41) }, { phase: 'p1' });
    const late = retroRecords(completed, { ...INFO, now: at(90) }, 'all-ended');
    expect(early.map((r) => r.id)).toEqual(late.slice(0, 2).map((r) => r.id));
    const figures = (r: RetroRecord) => ({ ...r, recordedAt: 0 });
    expect(early.map(figures)).toEqual(late.slice(0, 2).map(figures));
  });

  test('the same events fold to the same records: again, in another order, or read twice', () => {
    const once = retroRecords(completed, INFO, 'all-ended');
    expect(retroRecords(completed, INFO, 'all-ended')).toEqual(once);
    expect(retroRecords([...completed].reverse(), INFO, 'all-ended')).toEqual(once);
    expect(JSON.parse(JSON.stringify(retroRecords(completed, INFO, 'all-ended')))).toEqual(once);
  });

  test('a label claimed again after its pass is its next run: #2', () => {
    const events = [
      ...p1,
      ...log(claim(45, 'p1-gate', 1, 'p2'), review(46, 'p1-gate', 1, 'pass'), passed(46, 'p1-gate', 1)).map((e) => ({
        ...e,
        seq: e.seq + p1.length,
      })),
    ];
    const again = [
      ...events,
      ...log(claim(47, 'p1-gate', 1, 'p2'), [48, 'stopped']).map((e) => ({ ...e, seq: e.seq + events.length })),
    ];
    const ids = retroRecords(again, INFO, 'all-ended').map((r) => r.id);
    expect(ids).toEqual([
      phaseRecordId(INFO, 'p1'),
      gateRecordId(INFO, 'p1', 'p1-gate', 1),
      phaseRecordId(INFO, 'p2'),
      gateRecordId(INFO, 'p2', 'p1-gate', 1),
      gateRecordId(INFO, 'p2', 'p1-gate', 2),
    ]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(byId(retroRecords(again, INFO, 'all-ended'))[gateRecordId(INFO, 'p2', 'p1-gate', 2)].outcome).toBe(
      'abandoned',
    );
  });
});

describe('retroRecords: a running build, then stopped', () => {
  const running = [
    ...p1,
    ...log(claim(50, 'p2-gate', 1, 'p2'), [55, 'agent_nudged', { agent: 'builder' }]).map((e) => ({
      ...e,
      seq: e.seq + p1.length,
    })),
  ];
  const stopped = [
    ...running,
    { seq: running.length + 1, at: at(70), type: 'stopped', message: 'enough' } as StewardEvent,
  ];

  test('while it runs: the ended phases only; the open one has no record yet', () => {
    expect(summary(retroRecords(running, INFO, 'all-ended'))).toEqual([
      ['phase', 'p1', 'passed'],
      ['gate', 'p1/p1-gate', 'passed'],
    ]);
    expect(retroRecords(running, INFO, { phase: 'p2' })).toEqual([]);
  });

  test('stopped: the open phase is abandoned, and so is its gate, open with no fail verdict', () => {
    const records = retroRecords(stopped, INFO, 'all-ended');
    expect(summary(records)).toEqual([
      ['phase', 'p1', 'passed'],
      ['gate', 'p1/p1-gate', 'passed'],
      ['phase', 'p2', 'abandoned'],
      ['gate', 'p2/p2-gate', 'abandoned'],
    ]);
    // It ends at the stop; the nudge of no phase name falls in the running phase and in its open gate.
    expect(records[2]).toMatchObject({ startedAt: at(40), endedAt: at(70), durationMs: 30 * MINUTE, nudges: 1 });
    expect(records[3]).toMatchObject({ startedAt: at(50), endedAt: at(70), durationMs: 20 * MINUTE, nudges: 1 });
    expect(retroRecords(stopped, INFO, { phase: 'p2' })).toEqual(records.slice(2));
  });
});

describe('retroRecords: a phase the operator advanced', () => {
  // The events the operator's `advance` really records, after a gate that failed and one never reviewed.
  const state = stateFor(TEAM_TOML, { launched: true, phaseStartedAt: T0 });
  const advance = operatorDecision(state, { type: 'advance' }, at(30), 'unused');
  const events = then(
    log(
      ...OPENING,
      claim(5, 'g-failed', 1, 'p1'),
      review(8, 'g-failed', 1, 'fail'),
      failed(8, 'g-failed', 1),
      claim(10, 'g-open', 1, 'p1'),
      // An agent rate-limited from 20 until p2: 10 minutes of it in p1, 5 in p2.
      [20, 'agent_rate_limited', { agent: 'adversary' }],
    ),
    30,
    advance.events,
  );
  const all = [
    ...events,
    ...log([35, 'agent_resumed', { agent: 'adversary' }]).map((e) => ({ ...e, seq: events.length + 1 })),
  ];

  test('advanced, its gates failed (a fail verdict) and abandoned (none)', () => {
    const records = retroRecords(all, INFO, { phase: 'p1' });
    expect(summary(records)).toEqual([
      ['phase', 'p1', 'advanced'],
      ['gate', 'p1/g-failed', 'failed'],
      ['gate', 'p1/g-open', 'abandoned'],
    ]);
    expect(records[0]).toMatchObject({ endedAt: at(30), durationMs: 30 * MINUTE, rateLimitedMs: 10 * MINUTE });
    // A gate that never passed ends with its phase.
    expect(records[1]).toMatchObject({ endedAt: at(30), durationMs: 25 * MINUTE, firstPass: false, rounds: 1 });
    expect(records[2]).toMatchObject({ endedAt: at(30), durationMs: 20 * MINUTE, verdicts: [], rateLimitWaits: 0 });
  });

  test("a phase finished by its done marker is passed, not advanced (the marker's own phase_completed)", () => {
    const done = phaseAdvanceDecision(state, true, at(30));
    const byMarker = then(log(...OPENING), 30, done.events);
    expect(retroRecords(byMarker, INFO, { phase: 'p1' })[0].outcome).toBe('passed');
  });
});

describe('retroRecords: first pass', () => {
  test('a gate passed in its first round is a first pass, even with a late fail review after it', () => {
    const events = log(
      ...OPENING,
      claim(5, 'g', 1, 'p1'),
      review(8, 'g', 1, 'pass'),
      passed(8, 'g', 1),
      review(9, 'g', 1, 'fail'),
      [10, 'phase_completed', { phase: 'p1', message: 'phase p1 done in 600s' }],
    );
    const [, gate] = retroRecords(events, INFO, { phase: 'p1' });
    expect(gate).toMatchObject({ outcome: 'passed', firstPass: true, rounds: 1 });
  });
});
