import type { BudgetConfig, StewardConfig } from '../../src/core/config/types';
import { emptyTokenAccounting, RECENT_TOKEN_RECORDS, type TokenAccountingState } from '../../src/core/state/tokens';
import { agentTokenRequest } from '../../src/core/tokens/agent-token-request';
import { budgetDecision } from '../../src/core/tokens/budget';
import type { AgentTokenTotals } from '../../src/core/tokens/host-contract';
import { gateLabel, tokenTick, type TokenTickInput } from '../../src/core/tokens/windows';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const sec = (s: number) => T0 + s * 1000;

/** Cumulative totals: agent → [input, output, cacheCreation, cacheRead, costUsd, unpriced?]. */
function totals(agents: Record<string, [number, number, number, number, number, string[]?]>): AgentTokenTotals {
  const out: AgentTokenTotals = {
    agents: {},
    limits: [],
    sessions: {},
    read: { files: 0, filesRead: 0, bytesRead: 0, resets: 0, fresh: false, saved: false },
  };
  for (const [name, [input, output, creation, read, costUsd, unpriced]] of Object.entries(agents)) {
    out.agents[name] = {
      usage: {
        input_tokens: input,
        output_tokens: output,
        cache_creation_input_tokens: creation,
        cache_creation_5m: creation,
        cache_creation_1h: 0,
        cache_read_input_tokens: read,
      },
      costUsd,
      unpriced: unpriced ?? [],
    };
  }
  return out;
}

function tick(acct: TokenAccountingState, over: Partial<TokenTickInput> & { now: number }) {
  return tokenTick(acct, {
    phaseId: 'P1',
    totals: null,
    newClaimSubjects: [],
    phaseEnded: null,
    granularity: 'gate',
    logTokens: true,
    ...over,
  });
}

describe('gateLabel', () => {
  it.each([
    ['claim(D1-D5)', 'D1-D5'],
    ['claim(feat:multi-file)', 'multi-file'],
    ['CLAIM( Feat: multi-file ) all tests pass', 'multi-file'],
    ['Claim(G3): parser', 'G3'],
    ['  claim(x)', 'x'],
  ])('%s → %s', (subject, label) => expect(gateLabel(subject)).toBe(label));

  it.each(['feat: claim(x)', 'review(D1): ok', 'claim()', 'claim(  )', 'claim(feat:)', 'claimed(x)', 'claim x'])(
    '%s → null',
    (subject) => expect(gateLabel(subject)).toBeNull(),
  );
});

describe('tokenTick', () => {
  it('seeds the build and phase windows on the first tick, recording nothing', () => {
    const t = totals({ builder: [100, 10, 0, 0, 0.1] });
    const r = tick(emptyTokenAccounting(), { now: T0, totals: t });
    expect(r.records).toEqual([]);
    expect(r.events).toEqual([]);
    expect(r.state.phaseStart).toEqual({ phase: 'P1', at: T0, baseline: t.agents });
    expect(r.state.build).toEqual({ at: T0, baseline: t.agents });
    expect(r.state.gate).toBeNull();
    expect(r.state.costUsd).toBe(0.1);
  });

  it('flushes a gate at the next claimed label, then the gate and the phase rollup at the phase end', () => {
    let acct = tick(emptyTokenAccounting(), { now: T0, totals: totals({ builder: [100, 10, 0, 0, 0.1] }) }).state;

    // First claim: no previous gate, nothing recorded; D1 is tracked from here.
    let r = tick(acct, {
      now: sec(60),
      totals: totals({ builder: [200, 20, 0, 0, 0.2] }),
      newClaimSubjects: ['claim(D1)'],
    });
    expect(r.records).toEqual([]);
    expect(r.state.gate).toMatchObject({ label: 'D1', phase: 'P1', at: sec(60) });
    acct = r.state;

    // Other subjects don't matter; a new label is the boundary.
    r = tick(acct, {
      now: sec(180.44),
      totals: totals({ builder: [500, 50, 1000, 2000, 0.75], adversary: [100, 5, 0, 0, 0.05] }),
      newClaimSubjects: ['fix: typo', 'review(D1): ok', 'claim(feat:D2)'],
    });
    expect(r.records).toEqual([
      {
        phase_id: 'P1:D1',
        started: '2026-03-01T10:01:00Z',
        ended: '2026-03-01T10:03:00Z',
        duration_s: 120.4,
        agents: {
          adversary: {
            input_tokens: 100,
            output_tokens: 5,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            total: 105,
          },
          builder: {
            input_tokens: 300,
            output_tokens: 30,
            cache_creation_input_tokens: 1000,
            cache_read_input_tokens: 2000,
            total: 3330,
          },
        },
        total: {
          input_tokens: 400,
          output_tokens: 35,
          cache_creation_input_tokens: 1000,
          cache_read_input_tokens: 2000,
          total: 3435,
        },
        cost_usd: 0.6,
        unpriced_models: [],
      },
    ]);
    const usage = (input: number, output: number, cacheWrite: number, cacheRead: number) => ({
      input_tokens: input,
      output_tokens: output,
      cache_creation_input_tokens: cacheWrite,
      cache_read_input_tokens: cacheRead,
    });
    // The event carries the record's figures: the window's tokens, dollars, length, gate and agents.
    expect(r.events).toEqual([
      {
        type: 'tokens_recorded',
        phase: 'P1',
        gate: 'D1',
        tokens: usage(400, 35, 1000, 2000),
        costUsd: 0.6,
        durationMs: 120_440,
        byAgent: {
          adversary: { tokens: usage(100, 5, 0, 0), costUsd: 0.05 },
          builder: { tokens: usage(300, 30, 1000, 2000), costUsd: 0.55 },
        },
        message: 'gate P1:D1: 3,435 tokens, $0.6000 in 120.4s (adversary 105, builder 3,330)',
      },
    ]);
    expect(r.state.gate).toMatchObject({ label: 'D2', phase: 'P1', at: sec(180.44) });
    acct = r.state;

    // The same label claimed again is no boundary.
    r = tick(acct, {
      now: sec(200),
      totals: totals({ builder: [600, 60, 1000, 2000, 0.8], adversary: [100, 5, 0, 0, 0.05] }),
      newClaimSubjects: ['claim(D2)'],
    });
    expect(r.records).toEqual([]);
    expect(r.state.gate?.label).toBe('D2');
    acct = r.state;

    // Phase end: the in-flight gate first, then the phase rollup; P2 opens, no gate yet.
    r = tick(acct, {
      now: sec(300),
      phaseId: 'P2',
      phaseEnded: { phase: 'P1' },
      totals: totals({ builder: [700, 70, 1000, 2000, 0.9], adversary: [150, 10, 0, 0, 0.1] }),
    });
    expect(r.records.map((x) => [x.phase_id, x.started, x.ended, x.duration_s, x.total.total, x.cost_usd])).toEqual([
      ['P1:D2', '2026-03-01T10:03:00Z', '2026-03-01T10:05:00Z', 119.6, 200 + 20 + 50 + 5, 0.2],
      ['P1', '2026-03-01T10:00:00Z', '2026-03-01T10:05:00Z', 300, 600 + 60 + 1000 + 2000 + 150 + 10, 0.9],
    ]);
    expect(r.records[1].agents).toEqual({
      adversary: {
        input_tokens: 150,
        output_tokens: 10,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        total: 160,
      },
      builder: {
        input_tokens: 600,
        output_tokens: 60,
        cache_creation_input_tokens: 1000,
        cache_read_input_tokens: 2000,
        total: 3660,
      },
    });
    expect(r.events.map((e) => [e.type, e.phase, e.gate, e.durationMs, e.costUsd, e.message])).toEqual([
      [
        'tokens_recorded',
        'P1',
        'D2',
        119_560,
        0.2,
        'gate P1:D2: 275 tokens, $0.2000 in 119.6s (adversary 55, builder 220)',
      ],
      [
        'tokens_recorded',
        'P1',
        undefined,
        300_000,
        0.9,
        'phase P1: 3,820 tokens, $0.9000 in 300s (adversary 160, builder 3,660)',
      ],
    ]);
    expect(r.state.gate).toBeNull();
    expect(r.state.phaseStart).toMatchObject({ phase: 'P2', at: sec(300) });
    expect(r.state.records.map((x) => x.phase_id)).toEqual(['P1:D1', 'P1:D2', 'P1']);
    acct = r.state;

    // The sequence completes: P2's rollup, and no window after it.
    r = tick(acct, {
      now: sec(360),
      phaseId: null,
      phaseEnded: { phase: 'P2' },
      totals: totals({ builder: [800, 80, 1000, 2000, 1], adversary: [150, 10, 0, 0, 0.1] }),
    });
    expect(r.records.map((x) => [x.phase_id, x.duration_s, x.total.total, x.cost_usd])).toEqual([['P2', 60, 110, 0.1]]);
    expect(r.state.phaseStart).toBeNull();
  });

  it("with granularity 'phase' records only phase rollups", () => {
    let acct = tick(emptyTokenAccounting(), {
      now: T0,
      granularity: 'phase',
      totals: totals({ a: [0, 0, 0, 0, 0] }),
    }).state;
    let r = tick(acct, {
      now: sec(10),
      granularity: 'phase',
      totals: totals({ a: [10, 1, 0, 0, 0.01] }),
      newClaimSubjects: ['claim(D1)'],
    });
    expect(r.state.gate).toBeNull();
    acct = r.state;
    r = tick(acct, {
      now: sec(20),
      granularity: 'phase',
      totals: totals({ a: [20, 2, 0, 0, 0.02] }),
      newClaimSubjects: ['claim(D2)'],
    });
    expect(r.records).toEqual([]);
    acct = r.state;
    r = tick(acct, {
      now: sec(30),
      granularity: 'phase',
      phaseId: 'P2',
      phaseEnded: { phase: 'P1' },
      totals: totals({ a: [30, 3, 0, 0, 0.03] }),
    });
    expect(r.records.map((x) => [x.phase_id, x.total.total, x.duration_s, x.cost_usd])).toEqual([['P1', 33, 30, 0.03]]);
  });

  it('flushes a tracked gate when the granularity changes to phase', () => {
    let acct = tick(emptyTokenAccounting(), { now: T0, totals: totals({ a: [0, 0, 0, 0, 0] }) }).state;
    acct = tick(acct, { now: sec(10), newClaimSubjects: ['claim(D1)'] }).state;
    const r = tick(acct, { now: sec(20), granularity: 'phase', totals: totals({ a: [5, 5, 0, 0, 0] }) });
    expect(r.records.map((x) => [x.phase_id, x.total.total])).toEqual([['P1:D1', 10]]);
    expect(r.state.gate).toBeNull();
  });

  it('only the latest of several claims in one tick is a boundary', () => {
    let acct = tick(emptyTokenAccounting(), { now: T0, totals: totals({ a: [0, 0, 0, 0, 0] }) }).state;
    acct = tick(acct, { now: sec(10), newClaimSubjects: ['claim(D1)'] }).state;
    const r = tick(acct, {
      now: sec(20),
      totals: totals({ a: [7, 0, 0, 0, 0] }),
      newClaimSubjects: ['claim(D2)', 'claim(D3)', 'chore: x'],
    });
    expect(r.records.map((x) => [x.phase_id, x.total.total])).toEqual([['P1:D1', 7]]);
    expect(r.state.gate?.label).toBe('D3');
  });

  it('a claim in the tick its phase ends belongs to the ending phase', () => {
    let acct = tick(emptyTokenAccounting(), { now: T0, totals: totals({ a: [0, 0, 0, 0, 0] }) }).state;
    acct = tick(acct, { now: sec(10), newClaimSubjects: ['claim(D1)'] }).state;
    const r = tick(acct, {
      now: sec(20),
      phaseId: 'P2',
      phaseEnded: { phase: 'P1' },
      totals: totals({ a: [4, 0, 0, 0, 0] }),
      newClaimSubjects: ['claim(D2)'],
    });
    expect(r.records.map((x) => [x.phase_id, x.total.total, x.duration_s])).toEqual([
      ['P1:D1', 4, 10],
      ['P1:D2', 0, 0],
      ['P1', 4, 20],
    ]);
    expect(r.state.gate).toBeNull();
  });

  it('takes a change of phase id without phaseEnded as a phase end (an operator advance)', () => {
    let acct = tick(emptyTokenAccounting(), { now: T0, totals: totals({ a: [1, 0, 0, 0, 0] }) }).state;
    acct = tick(acct, { now: sec(5), newClaimSubjects: ['claim(G)'] }).state;
    const r = tick(acct, { now: sec(15), phaseId: 'P3', totals: totals({ a: [11, 0, 0, 0, 0] }) });
    expect(r.records.map((x) => [x.phase_id, x.total.total])).toEqual([
      ['P1:G', 10],
      ['P1', 10],
    ]);
    expect(r.state.phaseStart?.phase).toBe('P3');
  });

  it('keeps the last totals when none were read, and records nothing with logTokens off', () => {
    let acct = tick(emptyTokenAccounting(), { now: T0, totals: totals({ a: [1, 1, 0, 0, 0] }) }).state;
    acct = tick(acct, { now: sec(5), totals: totals({ a: [3, 3, 0, 0, 0] }) }).state;
    const r = tick(acct, { now: sec(10), totals: null, phaseId: 'P2', phaseEnded: { phase: 'P1' } });
    expect(r.records.map((x) => x.total.total)).toEqual([4]);

    const off = tick(acct, {
      now: sec(10),
      totals: null,
      phaseId: 'P2',
      phaseEnded: { phase: 'P1' },
      logTokens: false,
    });
    expect(off.records).toEqual([]);
    expect(off.events).toEqual([]);
    expect(off.state.phaseStart).toMatchObject({ phase: 'P2', at: sec(10) });
  });

  it('never reports a negative delta, and names unpriced models used in the window', () => {
    let acct = tick(emptyTokenAccounting(), {
      now: T0,
      totals: totals({ a: [100, 0, 0, 0, 0.5], b: [5, 0, 0, 0, 0, ['mystery']] }),
    }).state;
    const r = tick(acct, {
      now: sec(1),
      phaseId: 'P2',
      totals: totals({ a: [40, 0, 0, 0, 0.1], b: [9, 0, 0, 0, 0, ['mystery']] }),
    });
    expect(r.records[0]).toMatchObject({ total: { total: 4 }, cost_usd: 0, unpriced_models: ['mystery'] });
    acct = r.state;
    const quiet = tick(acct, {
      now: sec(2),
      phaseId: 'P3',
      totals: totals({ a: [40, 0, 0, 0, 0.1], b: [9, 0, 0, 0, 0, ['mystery']] }),
    });
    expect(quiet.records[0]).toMatchObject({ total: { total: 0 }, unpriced_models: [] });
  });

  it(`keeps only the last ${RECENT_TOKEN_RECORDS} records in state`, () => {
    let acct = tick(emptyTokenAccounting(), { now: T0, totals: totals({ a: [0, 0, 0, 0, 0] }) }).state;
    for (let i = 1; i <= 30; i += 1) acct = tick(acct, { now: sec(i), newClaimSubjects: [`claim(G${i})`] }).state;
    expect(acct.records).toHaveLength(RECENT_TOKEN_RECORDS);
    expect(acct.records[RECENT_TOKEN_RECORDS - 1].phase_id).toBe('P1:G29');
  });

  it('remembers every session id, from the read and from the current state', () => {
    const t = totals({ a: [0, 0, 0, 0, 0] });
    t.sessions = { a: ['s1'] };
    let acct = tick(emptyTokenAccounting(), { now: T0, totals: t, sessions: { a: 's2', b: 'x1' } }).state;
    acct = tick(acct, { now: sec(1), sessions: { a: 's1', b: 'x2' } }).state;
    expect(acct.sessions).toEqual({ a: ['s1', 's2'], b: ['x1', 'x2'] });
    const config = {
      state_dir: '/st',
      backends: { claude: { transcripts: '/home/u/.claude/projects' } },
      agents: [
        { name: 'a', backend: 'claude' },
        { name: 'b', backend: 'scripted' },
      ],
    } as unknown as StewardConfig;
    expect(agentTokenRequest(acct, config, { a: { sessionId: 's3' }, b: { sessionId: 'x2' } })).toEqual({
      ledgerFile: '/st/token-ledger.json',
      agents: {
        a: { dir: '/home/u/.claude/projects', sessionIds: ['s1', 's2', 's3'] },
        b: { dir: '/st/transcripts', sessionIds: ['x1', 'x2'] },
      },
    });
    expect(agentTokenRequest(acct, config, {})).not.toHaveProperty('prices');
    // The config's [prices] go with the request, for the host to price the totals with.
    const priced = { ...config, prices: { 'claude-foo-1': { input: 2, output: 8, cache_read: 0.1 } } } as StewardConfig;
    expect(agentTokenRequest(acct, priced, {}).prices).toEqual({
      'claude-foo-1': { input: 2, output: 8, cacheRead: 0.1 },
    });
  });

  it('is pure: the input state is not changed', () => {
    const acct = tick(emptyTokenAccounting(), { now: T0, totals: totals({ a: [0, 0, 0, 0, 0] }) }).state;
    const before = JSON.stringify(acct);
    tick(acct, { now: sec(1), totals: totals({ a: [5, 0, 0, 0, 0] }), newClaimSubjects: ['claim(X)'], phaseId: 'P2' });
    expect(JSON.stringify(acct)).toBe(before);
  });
});

describe('budgetDecision', () => {
  const build = (tokens: number, usd = 0) => totals({ a: [tokens, 0, 0, 0, usd] });
  const start = () => tick(emptyTokenAccounting(), { now: T0, totals: build(0) }).state;

  it('warns once at warn_ratio, raises exceeded once, and resumes after the budget is raised', () => {
    const budget: BudgetConfig = { build: { tokens: 1000 }, warn_ratio: 0.8 };
    let acct = start();
    const step = (tokens: number, b: BudgetConfig | undefined = budget) => {
      acct = tick(acct, { now: sec(1), totals: build(tokens) }).state;
      const d = budgetDecision(acct, b, 'P1');
      acct = d.state;
      return { events: d.events.map((e) => [e.type, e.message]), exceeded: d.exceeded, resumeOk: d.resumeOk };
    };
    expect(step(799)).toEqual({ events: [], exceeded: false, resumeOk: false });
    expect(step(800)).toEqual({
      events: [['budget_warning', 'build has used 800 of 1,000 tokens (warn at 80%)']],
      exceeded: false,
      resumeOk: false,
    });
    expect(step(900)).toEqual({ events: [], exceeded: false, resumeOk: false });
    expect(step(1000)).toEqual({ events: [], exceeded: false, resumeOk: false });
    expect(step(1001)).toEqual({
      events: [
        ['budget_exceeded', 'budget exceeded — build: 1,001 of 1,000 tokens. Raise it with setBudget to resume.'],
      ],
      exceeded: true,
      resumeOk: false,
    });
    expect(acct.exceeded).toBe(true);
    expect(step(1500)).toEqual({ events: [], exceeded: false, resumeOk: false });
    expect(acct.exceeded).toBe(true);

    const raised: BudgetConfig = { build: { tokens: 2000 }, warn_ratio: 0.8 };
    expect(step(1500, raised)).toEqual({ events: [], exceeded: false, resumeOk: true });
    expect(acct).toMatchObject({ exceeded: false, warned: { build: false } });
    expect(step(1550, raised)).toEqual({ events: [], exceeded: false, resumeOk: false });
    expect(step(1600, raised).events).toEqual([
      ['budget_warning', 'build has used 1,600 of 2,000 tokens (warn at 80%)'],
    ]);
  });

  it('counts only the current phase against a phase limit, in dollars too', () => {
    const budget: BudgetConfig = { phase: { usd: 1 }, warn_ratio: 0.5 };
    let acct = tick(start(), { now: sec(1), totals: build(100, 0.9) }).state;
    expect(budgetDecision(acct, { phase: { usd: 0.5 }, warn_ratio: 0.5 }, 'P1').exceeded).toBe(true);
    // P2 starts with 0.9 already spent: only what P2 spends counts.
    acct = tick(acct, { now: sec(2), phaseId: 'P2', phaseEnded: { phase: 'P1' } }).state;
    let d = budgetDecision(acct, budget, 'P2');
    expect(d.events).toEqual([]);
    acct = tick(d.state, { now: sec(3), phaseId: 'P2', totals: build(200, 1.4) }).state;
    d = budgetDecision(acct, budget, 'P2');
    expect(d.events).toEqual([
      { type: 'budget_warning', phase: 'P2', message: 'phase P2 has used $0.5000 of $1.0000 (warn at 50%)' },
    ]);
    acct = tick(d.state, { now: sec(4), phaseId: 'P2', totals: build(300, 1.95) }).state;
    d = budgetDecision(acct, budget, 'P2');
    expect(d.events).toEqual([
      {
        type: 'budget_exceeded',
        phase: 'P2',
        message: 'budget exceeded — phase P2: $1.0500 of $1.0000. Raise it with setBudget to resume.',
      },
    ]);
    expect(d.exceeded).toBe(true);
    // The next phase starts under its limit again: resume.
    acct = tick(d.state, { now: sec(5), phaseId: 'P3', phaseEnded: { phase: 'P2' } }).state;
    d = budgetDecision(acct, budget, 'P3');
    expect(d).toMatchObject({
      events: [],
      exceeded: false,
      resumeOk: true,
      state: { exceeded: false, warned: { phase: false } },
    });
  });

  it('a jump straight over the limit raises only budget_exceeded, and the warning does not follow', () => {
    const budget: BudgetConfig = { build: { tokens: 100, usd: 10 }, phase: { tokens: 1000 }, warn_ratio: 0.8 };
    const acct = tick(start(), { now: sec(1), totals: build(150, 9) }).state;
    const d = budgetDecision(acct, budget, 'P1');
    expect(d.events).toEqual([
      {
        type: 'budget_exceeded',
        message: 'budget exceeded — build: 150 of 100 tokens. Raise it with setBudget to resume.',
      },
    ]);
    expect(d.state.warned).toEqual({ build: true, phase: false });
    expect(budgetDecision(d.state, budget, 'P1').events).toEqual([]);
  });

  it('names every limit crossed, and unpriced models in a dollar warning', () => {
    const both: BudgetConfig = { build: { tokens: 100 }, phase: { tokens: 50 }, warn_ratio: 0.8 };
    const acct = tick(start(), { now: sec(1), totals: build(120) }).state;
    expect(budgetDecision(acct, both, 'P1').events).toEqual([
      {
        type: 'budget_exceeded',
        phase: 'P1',
        message:
          'budget exceeded — build: 120 of 100 tokens; phase P1: 120 of 50 tokens. Raise it with setBudget to resume.',
      },
    ]);
    const unpriced = tick(start(), { now: sec(1), totals: totals({ a: [10, 0, 0, 0, 8.5, ['mystery']] }) }).state;
    expect(budgetDecision(unpriced, { build: { usd: 10 }, warn_ratio: 0.8 }, 'P1').events).toEqual([
      {
        type: 'budget_warning',
        message: 'build has used $8.5000 of $10.0000 (excludes unpriced models: mystery) (warn at 80%)',
      },
    ]);
    const over = tick(start(), { now: sec(1), totals: totals({ a: [10, 0, 0, 0, 12, ['mystery']] }) }).state;
    expect(budgetDecision(over, { build: { usd: 10, tokens: 5 }, warn_ratio: 0.8 }, 'P1').events).toEqual([
      {
        type: 'budget_exceeded',
        message:
          'budget exceeded — build: 10 of 5 tokens; build: $12.0000 of $10.0000 (excludes unpriced models: mystery). Raise it with setBudget to resume.',
      },
    ]);
  });

  it('with no budget there is nothing to exceed: an exceeded build may resume', () => {
    const acct = { ...tick(start(), { now: sec(1), totals: build(10 ** 9) }).state, exceeded: true };
    expect(budgetDecision(acct, undefined, 'P1')).toMatchObject({ events: [], exceeded: false, resumeOk: true });
    expect(budgetDecision({ ...acct, exceeded: false }, undefined, 'P1')).toMatchObject({
      events: [],
      exceeded: false,
      resumeOk: false,
    });
  });

  it('counts the build from its first tick, not what the ledger held before', () => {
    const acct = tick(tick(emptyTokenAccounting(), { now: T0, totals: build(5000) }).state, {
      now: sec(1),
      totals: build(5050),
    }).state;
    const d = budgetDecision(acct, { build: { tokens: 100 }, warn_ratio: 0.5 }, 'P1');
    expect(d.events.map((e) => e.message)).toEqual(['build has used 50 of 100 tokens (warn at 50%)']);
  });
});
