/**
 * The rules the planted store does not set off, each on the healthy store (nothing planted) with
 * one effect added: it fires, exactly, and nothing else does.
 */
import {
  quietSpells,
  retroAnalysis,
  type RetroAnalysisOptions,
  type RetroInsights,
} from '../../src/core/learning/analysis';
import { argsWithModel, ceilCents } from '../../src/core/learning/analysis/recommend-config';
import { DEFAULT_RETRO_THRESHOLDS } from '../../src/core/learning/thresholds';
import type { GateRecord, PhaseRecord, RetroRecord } from '../../src/core/learning/types';
import type { StewardEvent } from '../../src/core/events';
import { retroStoreFixture } from './support/retro-store-fixture';

const HEALTHY = { trend: false, failingType: false, harshReviewer: false, repeat: false, outliers: false };
const fixture = retroStoreFixture({ plant: HEALTHY });
const buildIndex = (r: RetroRecord) => Number(r.build.slice('demo-'.length));

function analyse(
  change: (r: RetroRecord) => RetroRecord | null,
  options: Partial<RetroAnalysisOptions> = {},
  thresholds: Partial<typeof DEFAULT_RETRO_THRESHOLDS> = {},
): RetroInsights {
  const records = fixture.records.flatMap((r) => {
    const changed = change(structuredClone(r));
    return changed ? [changed] : [];
  });
  return retroAnalysis(records, {
    now: fixture.now,
    windowMs: fixture.windowMs,
    thresholds: { ...DEFAULT_RETRO_THRESHOLDS, ...thresholds },
    config: { budgetPhaseUsd: 6 },
    ...options,
  });
}

const rules = (i: RetroInsights) => i.recommendations.map((r) => r.rule);
const lastWindow = (r: RetroRecord) => buildIndex(r) >= 60;
/** `r`, with `f` applied to it first when it is a gate record. */
function gate(r: RetroRecord, f: (g: GateRecord) => unknown): RetroRecord {
  if (r.kind === 'gate') f(r);
  return r;
}

/** `r`, with `f` applied to it first when it is a phase record. */
function phase(r: RetroRecord, f: (ph: PhaseRecord) => unknown): RetroRecord {
  if (r.kind === 'phase') f(r);
  return r;
}

test('the healthy store is healthy', () => {
  expect(rules(analyse((r) => r))).toEqual(['healthy']);
});

test('falling-velocity: half the builds in the last window, for gates and for phases', () => {
  const i = analyse((r) => (lastWindow(r) && buildIndex(r) % 2 === 1 ? null : r));
  expect(rules(i)).toEqual(['falling-velocity', 'falling-velocity']);
  expect(i.recommendations.map((r) => [r.figures.measure, r.figures.current, r.figures.previous])).toEqual([
    ['gates passed per day', 5, 10],
    ['phases finished per day', 1.5, 3],
  ]);
  expect(i.recommendations[0]).toMatchObject({ severity: 'medium', category: 'trend' });
});

test('duration-creep: gates and phases twice as long in the last window', () => {
  const twice = (r: RetroRecord) => {
    if (lastWindow(r)) r.durationMs = r.durationMs! * 2;
    return r;
  };
  // The doubled gates stand out of their types too: outliers are not what this test is about.
  const i = analyse(twice, {}, { outlier_z: 100 });
  expect(rules(i)).toEqual(['duration-creep', 'duration-creep']);
  expect(i.recommendations.map((r) => r.figures.measure)).toEqual([
    'median gate duration (ms)',
    'median phase duration (ms)',
  ]);
  for (const r of i.recommendations)
    expect(r.figures.current as number).toBeGreaterThan(1.5 * (r.figures.previous as number));
});

test('long-type: fix-* gates ten times longer, over 3× the median gate', () => {
  const i = analyse((r) => gate(r, (g) => g.gate.startsWith('fix-') && (g.durationMs = g.durationMs! * 10)));
  expect(rules(i)).toEqual(['long-type']);
  const r = i.recommendations[0];
  expect(r).toMatchObject({ severity: 'low', category: 'duration', subject: { gate: 'fix-*' } });
  expect(r.figures.multiple as number).toBeGreaterThanOrEqual(3);
});

test('outlier-cluster: three feature gates costing 10× their type', () => {
  const costly = new Set(['feature-101', 'feature-202', 'feature-303']);
  const i = analyse((r) => gate(r, (g) => costly.has(g.gate) && (g.costUsd *= 10)));
  expect(rules(i)).toEqual(['outlier-cluster']);
  expect(i.outliers.map((o) => [o.gate, o.measure])).toEqual(
    expect.arrayContaining([...costly].map((label) => [label, 'cost'])),
  );
  expect(i.outliers).toHaveLength(3);
  expect(i.recommendations[0]).toMatchObject({
    category: 'cost',
    subject: { gate: 'feature-*' },
    figures: { kind: 'gate', type: 'feature-*', outliers: 3, threshold: 3 },
  });
});

test('costly-agent: builder-a spends 3× per gate what builder-b does', () => {
  const i = analyse((r) => gate(r, (g) => g.builder === 'builder-a' && (g.costUsd *= 3)), {}, { outlier_z: 100 });
  expect(rules(i)).toEqual(['costly-agent']);
  expect(i.recommendations[0]).toMatchObject({ severity: 'medium', category: 'cost', subject: { agent: 'builder-a' } });
  expect(i.recommendations[0].figures.multiple as number).toBeGreaterThan(2.5);
});

test('rate-limit-share: agents rate-limited for 30% of every phase', () => {
  const i = analyse((r) => phase(r, (ph) => (ph.rateLimitedMs = Math.round(ph.durationMs! * 0.3))));
  expect(rules(i)).toEqual(['rate-limit-share']);
  expect(i.recommendations[0]).toMatchObject({ category: 'rate_limit', figures: { share: 0.3, phases: 210 } });
});

test('repeat-failure: agents of a phase rebooted in two builds, each one named', () => {
  const i = analyse((r) => phase(r, (ph) => buildIndex(ph) === 9 && ph.phase === 'p2' && (ph.reboots = 2)));
  const troubled = i.repeatFailures.agents;
  expect(troubled.map((a) => a.agent)).toEqual(expect.arrayContaining(['builder-b', 'correctness']));
  for (const a of troubled) expect(a).toMatchObject({ builds: 2, reboots: 3, escalations: 0 });
  expect(rules(i)).toEqual(troubled.map(() => 'repeat-failure'));
  expect(i.recommendations.map((r) => r.subject)).toEqual(troubled.map((a) => ({ agent: a.agent })));
});

test('repeat-failure: a phase advanced by an operator in two builds', () => {
  const i = analyse((r) => phase(r, (ph) => buildIndex(ph) === 25 && ph.phase === 'p3' && (ph.outcome = 'advanced')));
  expect(i.repeatFailures.advancedPhases).toEqual([
    { phase: 'p3', builds: 2, ids: [expect.any(String), expect.any(String)] },
  ]);
  expect(rules(i)).toEqual(['repeat-failure']);
  expect(i.recommendations[0]).toMatchObject({ subject: { phase: 'p3' }, figures: { phase: 'p3', builds: 2 } });
});

describe('model-change', () => {
  /** Both builders move from `small` to `big` at build 35, and their gates cost 3× from then. */
  const switched = (r: RetroRecord) =>
    gate(r, (g) => {
      const model = buildIndex(g) >= 35 ? 'big' : 'small';
      g.models = { ...g.models, [g.builder!]: [model] };
      if (model === 'big') g.costUsd *= 3;
    });
  const agents = {
    'builder-a': { backend: 'claude', args: ['--model', 'big', '--verbose'] },
    'builder-b': { backend: 'claude', args: ['--model', 'big', '--verbose'] },
    correctness: { backend: 'reviewer', args: [] },
  };

  test('an agent 3× as costly per passed gate on its new model: back to the old one, with the exact edit', () => {
    const i = analyse(switched, { config: { budgetPhaseUsd: 6, agents } }, { outlier_z: 100 });
    expect(rules(i)).toEqual(['model-change', 'model-change']);
    const [a] = i.recommendations;
    expect(a).toMatchObject({
      severity: 'low',
      category: 'cost',
      subject: { agent: 'builder-a', model: 'big' },
      figures: { currentModel: 'big', cheaperModel: 'small' },
    });
    expect(a.figures.multiple as number).toBeGreaterThan(2.5);
    expect(a.edit).toEqual({
      path: 'backend.claude.args',
      old: ['--model', 'big', '--verbose'],
      new: ['--model', 'small', '--verbose'],
      basis: expect.stringContaining('backend claude is shared with builder-b'),
    });
  });

  test('without the config, the same finding and no edit', () => {
    const i = analyse(switched, {}, { outlier_z: 100 });
    expect(rules(i)).toEqual(['model-change', 'model-change']);
    expect(i.recommendations.every((r) => r.edit === undefined)).toBe(true);
    expect(i.byType.models.map((m) => m.key).sort()).toEqual(['big', 'small']);
  });

  test('argsWithModel sets --model, in either spelling, or adds it', () => {
    expect(argsWithModel(['--model', 'a', '-p'], 'b')).toEqual(['--model', 'b', '-p']);
    expect(argsWithModel(['--model=a'], 'b')).toEqual(['--model=b']);
    expect(argsWithModel(['-p'], 'b')).toEqual(['-p', '--model', 'b']);
    expect(argsWithModel(['--model'], 'b')).toEqual(['--model', 'b']);
  });
});

describe('stall-idle-calibration', () => {
  const minutes = (...m: number[]) => m.map((x) => x * 60_000);
  /** 20 spells of 1 to 20 minutes: p95 (nearest rank 19) is 19 min; × 1.5 = 28.5 → 29 min. */
  const spells = {
    'builder-a': minutes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
    'builder-b': minutes(11, 12, 13, 14, 15, 16, 17, 18, 19, 20),
  };

  test('p95 of the quiet spells × 1.5, rounded up to a minute, when 25% off the current value', () => {
    const i = analyse((r) => r, { quietSpellsMs: spells, config: { budgetPhaseUsd: 6, stallIdleMs: 600_000 } });
    expect(rules(i)).toEqual(['stall-idle-calibration', 'healthy']);
    expect(i.recommendations[0].edit).toEqual({
      path: 'watchdog.stall_idle',
      old: '10m',
      new: '29m',
      basis: 'p95 quiet spell 19 min over 20 spells × 1.5, rounded up to a minute',
    });
  });

  test('close enough to the current value, or too few spells: nothing', () => {
    const close = analyse((r) => r, { quietSpellsMs: spells, config: { budgetPhaseUsd: 6, stallIdleMs: 30 * 60_000 } });
    expect(rules(close)).toEqual(['healthy']);
    const few = analyse((r) => r, {
      quietSpellsMs: { a: minutes(1, 2, 3) },
      config: { budgetPhaseUsd: 6, stallIdleMs: 1 },
    });
    expect(rules(few)).toEqual(['healthy']);
  });

  test('ceilCents rounds up to a cent, but not float noise', () => {
    expect(ceilCents(4.001)).toBe(4.01);
    expect(ceilCents(3.8 * 1.25)).toBe(4.75);
  });
});

describe('quietSpells', () => {
  let seq = 0;
  const ev = (at: number, type: StewardEvent['type'], agent?: string, message = ''): StewardEvent => ({
    seq: ++seq,
    at,
    type,
    agent,
    message,
  });

  test('idle → busy gaps the agent ended itself; spells with a supervisor action or a dead pane are not', () => {
    const events = [
      ev(0, 'build_started'),
      ev(1_000, 'agent_idle', 'a', 'pane idle'),
      ev(61_000, 'agent_busy', 'a'), // 60 s: counts
      ev(70_000, 'agent_idle', 'a', 'pane idle'),
      ev(80_000, 'ping_sent', 'a'), // a handoff ping is the ordinary end of a wait
      ev(100_000, 'agent_busy', 'a'), // 30 s: counts
      ev(110_000, 'agent_idle', 'a', 'pane idle'),
      ev(700_000, 'agent_nudged', 'a'),
      ev(710_000, 'agent_busy', 'a'), // nudged: a stall, not a quiet spell
      ev(720_000, 'agent_idle', 'b', 'pane idle: session not running'),
      ev(800_000, 'agent_busy', 'b'), // dead pane: no
      ev(810_000, 'agent_idle', 'b', 'pane idle'),
      ev(811_000, 'agent_idle', 'b', 'pane idle'), // a repeated idle keeps the first start
      ev(830_000, 'agent_busy', 'b'), // 20 s: counts
      ev(840_000, 'agent_idle', 'b', 'pane idle'),
      ev(850_000, 'build_started'), // a new build: the open spell is gone
      ev(900_000, 'agent_busy', 'b'),
    ];
    expect(quietSpells(events)).toEqual({ a: [60_000, 30_000], b: [20_000] });
  });
});
