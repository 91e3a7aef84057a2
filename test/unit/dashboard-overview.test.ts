import { budgetGauge } from '../../src/core/dashboard/budget-gauge';
import { overviewRow, overviewView } from '../../src/core/dashboard/overview';
import type { AgentTokenTotal } from '../../src/core/state/tokens';
import { emptyTokenAccounting } from '../../src/core/state/tokens';
import { usage } from './support/token-usage';
import { at, log, MINUTE, snapshot, T0, teamStatus, tok, type Spec } from './support/dashboard-fixtures';

const now = at(120);

/** A gate of p1 claimed by the builder; `passed`: the adversary passed it. */
function gate(g: string, min: number, passed: boolean): Spec[] {
  const claimed: Spec = [
    min,
    'gate_claimed',
    { agent: 'builder', builder: 'builder', gate: g, phase: 'p1', attempt: 1 },
  ];
  if (!passed) return [claimed];
  const review = { agent: 'adversary', reviewer: 'adversary', gate: g, verdict: 'pass' as const, phase: 'p1' };
  return [
    claimed,
    [min + 5, 'gate_reviewed', review],
    [min + 5, 'gate_passed', { gate: g, builder: 'builder', phase: 'p1' }],
  ];
}

describe('overviewRow', () => {
  it('counts gates passed and claimed, and takes cost and cost per hour from the metrics', () => {
    const events = log(
      [0, 'build_started'],
      [0, 'phase_started', { phase: 'p1' }],
      ...gate('g1', 10, true),
      ...gate('g2', 30, false),
      [60, 'tokens_recorded', { phase: 'p1', tokens: tok(1000), costUsd: 3 }],
    );
    const row = overviewRow(snapshot({ events }), now);
    expect(row).toMatchObject({
      build: 'team',
      workflowId: 'build/team',
      status: 'running',
      phase: 'p1',
      phaseIndex: 0,
      phaseCount: 3,
      gatesPassed: 1,
      gatesClaimed: 2,
      costUsd: 3,
      costPerHourUsd: 1.5,
      startedAt: T0,
      lastEventAt: at(60),
    });
    expect(row.agents.map((a) => a.agent)).toEqual(['builder', 'adversary', 'librarian', 'migrator']);
  });

  it("without a status answer: Temporal's status in lower case, the phases the events closed, no agents", () => {
    const events = log(
      [0, 'phase_started', { phase: 'a' }],
      [5, 'phase_completed', { phase: 'a' }],
      [5, 'phase_started', { phase: 'b' }],
    );
    const row = overviewRow(snapshot({ events }, null), now);
    expect(row).toMatchObject({
      status: 'running',
      phase: 'b',
      phaseIndex: 1,
      phaseCount: 2,
      startedAt: T0,
      agents: [],
    });
    expect(row.alerts.map((a) => a.kind)).toEqual(['no_worker']);
    const done = overviewRow(snapshot({ workflowStatus: 'COMPLETED', events: events.slice(0, 2) }, null), now);
    expect(done).toMatchObject({ status: 'completed', phase: null, phaseIndex: 1, phaseCount: 1, alerts: [] });
  });
});

describe('budgetGauge', () => {
  const total = (input: number, costUsd: number, unpriced: string[] = []): AgentTokenTotal => ({
    usage: usage(input, 0),
    costUsd,
    unpriced,
  });

  it("counts the build window as the budget check does: totals minus the first tick's baseline", () => {
    const tokens = {
      ...emptyTokenAccounting(),
      totals: { builder: total(5000, 5), adversary: total(1000, 1) },
      build: { at: T0, baseline: { builder: total(1000, 1) } },
    };
    const s = snapshot({ budget: { build: { usd: 10, tokens: 20_000 }, warn_ratio: 0.8 } }, teamStatus({ tokens }));
    expect(budgetGauge(s)).toEqual({
      usedUsd: 5,
      usedTokens: 5000,
      limitUsd: 10,
      limitTokens: 20_000,
      ratio: 0.5,
      warnRatio: 0.8,
    });
  });

  it('no limits: no ratio; a limit of 0 is none; without a status view the event windows stand in', () => {
    const s = snapshot({ budget: { build: { usd: 0, tokens: 100 }, warn_ratio: 0.9 } }, null);
    expect(budgetGauge(s, { tokens: tok(50, 10), costUsd: 2 })).toEqual({
      usedUsd: 2,
      usedTokens: 60,
      limitUsd: null,
      limitTokens: 100,
      ratio: 0.6,
      warnRatio: 0.9,
    });
    expect(budgetGauge(snapshot())).toMatchObject({ usedUsd: 0, usedTokens: 0, ratio: null, warnRatio: null });
  });
});

describe('overviewView', () => {
  const started = (name: string, min: number, workflowStatus = 'RUNNING') =>
    snapshot({ name, workflowId: `build/${name}`, workflowStatus }, teamStatus({ startedAt: at(min) }));

  it('running and paused builds first, then the rest; newest start first within each', () => {
    const paused = snapshot(
      { name: 'paused', workflowId: 'build/paused' },
      teamStatus({ startedAt: at(5), status: 'paused' }),
    );
    const stopped = snapshot(
      { name: 'stopped', workflowId: 'build/stopped', workflowStatus: 'TERMINATED' },
      teamStatus({ startedAt: at(50), status: 'stopped' }),
    );
    const view = overviewView(
      [started('old', 0), stopped, started('done', 40, 'COMPLETED'), paused, started('new', 30)],
      now,
    );
    expect(view.builds.map((b) => b.build)).toEqual(['new', 'paused', 'old', 'stopped', 'done']);
    // A closed workflow whose last state still says it runs shows how Temporal ended it.
    expect(view.builds.map((b) => b.status)).toEqual(['running', 'paused', 'running', 'stopped', 'completed']);
  });

  it("merges every build's alerts, the worst kinds first", () => {
    const stalled = snapshot({ name: 'a', stallIdleMs: MINUTE }, teamStatus({}, { builder: { idleSeconds: 120 } }));
    const crashed = snapshot({ name: 'b' }, teamStatus({}, { adversary: { crashLooped: true } }));
    const view = overviewView([stalled, crashed], now);
    expect(view.alerts.map((a) => [a.build, a.kind])).toEqual([
      ['b', 'crash_loop'],
      ['a', 'stalled'],
    ]);
    expect(view.now).toBe(now);
  });
});
