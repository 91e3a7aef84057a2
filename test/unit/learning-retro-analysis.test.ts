/**
 * `retroAnalysis` over a generated store of 70 builds with planted effects
 * (support/retro-store-fixture.ts): each finding is there as planted, and nothing else fires.
 */
import { retroAnalysis, type RetroAnalysisOptions, type RetroInsights } from '../../src/core/learning/analysis';
import { DEFAULT_RETRO_THRESHOLDS } from '../../src/core/learning/thresholds';
import type { PhaseRecord } from '../../src/core/learning/types';
import { DAY_MS, retroStoreFixture, type Plant, type RetroStoreFixture } from './support/retro-store-fixture';

/** A phase budget near what the store's costs suggest, so `budget-from-cost` stays quiet unless a test wants it. */
const CONFIG = { budgetPhaseUsd: 6 };

function analyse(f: RetroStoreFixture, options: Partial<RetroAnalysisOptions> = {}): RetroInsights {
  return retroAnalysis(f.records, {
    now: f.now,
    windowMs: f.windowMs,
    thresholds: { ...DEFAULT_RETRO_THRESHOLDS },
    config: CONFIG,
    ...options,
  });
}

const rules = (i: RetroInsights) => i.recommendations.map((r) => r.rule);
const only = (i: RetroInsights, rule: string) => {
  const found = i.recommendations.filter((r) => r.rule === rule);
  expect(found).toHaveLength(1);
  return found[0];
};

const PLANTED_RULES = ['falling-success-rate', 'type-failing', 'harsh-reviewer', 'repeat-failure'];

describe('retroAnalysis on the planted store', () => {
  const fixture = retroStoreFixture();
  const insights = analyse(fixture);

  test('counts every record of the 70 builds', () => {
    expect(insights.version).toBe(1);
    expect(insights.records).toEqual({
      phases: 210,
      gates: 700,
      builds: 70,
      leftOut: 0,
      newestAt: expect.any(Number),
    });
    expect(insights.window).toEqual({
      ms: 10 * DAY_MS,
      current: { from: fixture.now - 10 * DAY_MS, to: fixture.now },
      previous: { from: fixture.now - 20 * DAY_MS, to: fixture.now - 10 * DAY_MS },
    });
  });

  test('exactly the planted rules fire, most severe first', () => {
    expect(rules(insights)).toEqual(PLANTED_RULES);
  });

  test('the same rules fire whatever the seed of the noise', () => {
    for (const seed of [1, 2, 3, 4, 5]) expect(rules(analyse(retroStoreFixture({ seed })))).toEqual(PLANTED_RULES);
  });

  test('falling-success-rate: first-pass rate 82% → 62% in the last window, 20 points', () => {
    expect(insights.trends.gateSuccessRate).toEqual({
      current: 0.62,
      previous: 0.82,
      change: -0.2,
      relative: -0.243902,
    });
    const r = only(insights, 'falling-success-rate');
    expect(r).toMatchObject({ severity: 'high', category: 'trend' });
    expect(r.figures).toEqual({
      measure: 'gate first-pass rate',
      current: 0.62,
      previous: 0.82,
      change: -0.2,
      samplesCurrent: 100,
      samplesPrevious: 100,
    });
    expect(r.finding).toBe(
      'Gates passing review on their first claim fell from 82% to 62% in the last 10 d (20 points down).',
    );
  });

  test('the other trends hold still: same counts, velocity and review rounds', () => {
    const t = insights.trends;
    expect(t.gates).toMatchObject({ current: 100, previous: 100 });
    expect(t.phases).toMatchObject({ current: 30, previous: 30 });
    expect(t.gatesPerDay).toMatchObject({ current: 10, previous: 10, change: 0 });
    expect(t.phasesPerDay).toMatchObject({ current: 3, previous: 3 });
    expect(t.phaseSuccessRate).toMatchObject({ current: 1, previous: 1 });
    expect(t.medianReviewRounds).toMatchObject({ current: 1, previous: 1 });
  });

  test('type-failing: migration-* fails review in 70% of its gates, and no other type', () => {
    const r = only(insights, 'type-failing');
    expect(r).toMatchObject({ severity: 'high', category: 'failure', subject: { gate: 'migration-*' } });
    expect(r.figures).toEqual({ kind: 'gate', type: 'migration-*', failureRate: 0.7, runs: 70, threshold: 0.5 });
    const migration = insights.byType.gates.find((t) => t.key === 'migration-*');
    expect(migration).toMatchObject({ count: 70, failureRate: 0.7, successRate: 0.3 });
    expect(insights.byType.gates.map((t) => t.key).sort()).toEqual(['feature-*', 'fix-*', 'migration-*', 'p*-gate']);
    expect(insights.byType.phases.map((t) => t.key).sort()).toEqual(['p1', 'p2', 'p3']);
  });

  test('harsh-reviewer: strict rejects 80% of first claims; correctness is not harsh', () => {
    const r = only(insights, 'harsh-reviewer');
    expect(r).toMatchObject({ severity: 'medium', category: 'review', subject: { agent: 'strict' } });
    expect(r.figures).toEqual({
      reviewer: 'strict',
      rejectionRate: 0.8,
      rejected: 56,
      firstClaims: 70,
      threshold: 0.6,
    });
    expect(insights.byType.reviewers).toEqual([
      { reviewer: 'correctness', firstClaims: 700, rejected: 90, rejectionRate: 0.128571 },
      { reviewer: 'strict', firstClaims: 70, rejected: 56, rejectionRate: 0.8 },
    ]);
  });

  test('repeat failures: the one gate that failed 3 times; the one-off reboot and advance are no repeat', () => {
    expect(insights.repeatFailures.gates).toEqual([
      expect.objectContaining({ id: fixture.planted.repeatGateId, failures: 3, rounds: 4, pattern: 'fix-*' }),
    ]);
    expect(insights.repeatFailures.agents).toEqual([]);
    expect(insights.repeatFailures.advancedPhases).toEqual([{ phase: 'p3', builds: 1, ids: [expect.any(String)] }]);
    const r = only(insights, 'repeat-failure');
    expect(r).toMatchObject({ severity: 'medium', category: 'failure', subject: { phase: 'p3', gate: 'fix-*' } });
    expect(r.figures).toMatchObject({ pattern: 'fix-*', runs: 1, worstBuild: 'demo-22', worstFailures: 3 });
  });

  test('outliers: the two gates at 5× their type median, not the one at 2×; two make no cluster', () => {
    expect(insights.outliers.map((o) => o.id).sort()).toEqual([...fixture.planted.outlierIds].sort());
    for (const o of insights.outliers) {
      expect(o).toMatchObject({ kind: 'gate', type: 'feature-*', measure: 'duration', value: 5 * 3_600_000 });
      expect(o.multiple).toBeCloseTo(5, 0);
      expect(o.z).toBeGreaterThan(DEFAULT_RETRO_THRESHOLDS.outlier_z);
    }
    expect(insights.outliers.map((o) => o.id)).not.toContain(fixture.planted.notOutlierId);
    expect(rules(insights)).not.toContain('outlier-cluster');
  });

  test('by agent and by model: both builders alike, one model', () => {
    expect(insights.byType.agents.map((a) => [a.key, a.count])).toEqual([
      ['builder-a', 350],
      ['builder-b', 350],
    ]);
    expect(insights.byType.models.map((m) => [m.key, m.count])).toEqual([['claude-sonnet-4-5', 700]]);
  });
});

describe('each planted effect is what its rule sees', () => {
  const plants: [Plant, string][] = [
    ['trend', 'falling-success-rate'],
    ['failingType', 'type-failing'],
    ['harshReviewer', 'harsh-reviewer'],
    ['repeat', 'repeat-failure'],
    ['outliers', '(no rule: two outliers are no cluster)'],
  ];
  test.each(plants)('without %s, %s does not fire and the rest still do', (plant, rule) => {
    const i = analyse(retroStoreFixture({ plant: { [plant]: false } }));
    expect(rules(i)).toEqual(PLANTED_RULES.filter((r) => r !== rule));
    if (plant === 'outliers') expect(i.outliers).toEqual([]);
  });

  test('nothing planted: healthy alone', () => {
    const none = { trend: false, failingType: false, harshReviewer: false, repeat: false, outliers: false };
    const i = analyse(retroStoreFixture({ plant: none }));
    expect(i.recommendations).toEqual([
      {
        rule: 'healthy',
        severity: 'info',
        category: 'health',
        finding: 'No rule found a problem in 700 gates and 210 phases of 70 builds.',
        recommendation: 'Nothing to change: keep the config as it is.',
        figures: { gates: 700, phases: 210, builds: 70 },
      },
    ]);
  });
});

describe('the range and the calibrations', () => {
  const fixture = retroStoreFixture();

  test('--since leaves out what ended before it, and now what ended after', () => {
    const recent = analyse(fixture, { since: fixture.now - 20 * DAY_MS });
    expect(recent.records).toMatchObject({ gates: 200, phases: 60, builds: 20, leftOut: 650 });
    const earlier = analyse(fixture, { now: fixture.now - 50 * DAY_MS });
    expect(earlier.records).toMatchObject({ gates: 200, phases: 60, builds: 20, leftOut: 650 });
  });

  test('without a known budget, budget-from-cost proposes the p90 phase cost × 1.25, rounded up to a cent', () => {
    const i = analyse(fixture, { config: undefined });
    expect(rules(i)).toEqual([...PLANTED_RULES, 'budget-from-cost']);
    const costs = fixture.records
      .filter((r): r is PhaseRecord => r.kind === 'phase')
      .map((r) => r.costUsd)
      .sort((a, b) => a - b);
    const p90 = costs[Math.ceil(0.9 * costs.length) - 1];
    const r = only(i, 'budget-from-cost');
    expect(r).toMatchObject({ severity: 'low', category: 'config' });
    expect(r.edit).toEqual({
      path: 'budget.phase.usd',
      old: null,
      new: Math.ceil(p90 * 1.25 * 100) / 100,
      basis: `p90 phase cost $${p90.toFixed(2)} over 210 phases × 1.25, rounded up to a cent`,
    });
  });

  test('a budget more than 25% off is proposed again, with the current one as old', () => {
    const i = analyse(fixture, { config: { budgetPhaseUsd: 2 } });
    expect(only(i, 'budget-from-cost').edit).toMatchObject({ path: 'budget.phase.usd', old: 2 });
  });

  test('a calibration alone still leaves the store healthy', () => {
    const none = { trend: false, failingType: false, harshReviewer: false, repeat: false, outliers: false };
    const i = analyse(retroStoreFixture({ plant: none }), { config: undefined });
    expect(rules(i)).toEqual(['budget-from-cost', 'healthy']);
  });
});
