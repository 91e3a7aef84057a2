import { compareTokenRows, tokensView } from '../../src/core/dashboard/tokens-view';
import type { TokenRow } from '../../src/core/dashboard/types';
import { emptyTokenAccounting } from '../../src/core/state/tokens';
import { usage } from './support/token-usage';
import { at, log, snapshot, teamStatus, tok } from './support/dashboard-fixtures';

const now = at(120);
const share = (input: number, costUsd: number) => ({ tokens: tok(input), costUsd });

/** Agents' totals whose models include `unpriced`. */
const withUnpriced = (...unpriced: string[]) =>
  teamStatus({
    tokens: { ...emptyTokenAccounting(), totals: { builder: { usage: usage(1, 0), costUsd: 0, unpriced } } },
  });

const alpha = snapshot(
  {
    name: 'alpha',
    events: log(
      [0, 'agent_started', { agent: 'librarian' }],
      [
        10,
        'tokens_recorded',
        {
          phase: 'p1',
          gate: 'g1',
          tokens: tok(100),
          costUsd: 1,
          byAgent: { builder: share(60, 0.6), adversary: share(40, 0.4) },
        },
      ],
      [
        20,
        'tokens_recorded',
        { phase: 'p1', tokens: tok(300), costUsd: 3, byAgent: { builder: share(200, 2), adversary: share(100, 1) } },
      ],
      [
        30,
        'tokens_recorded',
        { phase: 'p2', gate: 'g2', tokens: tok(50), costUsd: 0.5, byAgent: { builder: share(50, 0.5) } },
      ],
    ),
    models: [
      { model: 'claude-x', tokens: tok(300), costUsd: 3 },
      { model: 'local-llm', tokens: tok(1000), costUsd: null },
    ],
  },
  withUnpriced('local-llm', 'mystery'),
);

const beta = snapshot({
  name: 'beta',
  events: log([
    10,
    'tokens_recorded',
    { phase: 'p1', tokens: tok(80), costUsd: 5, byAgent: { builder: share(80, 5) } },
  ]),
  models: [
    { model: 'claude-x', tokens: tok(80), costUsd: 5 },
    { model: 'local-llm', tokens: tok(10), costUsd: 0 },
  ],
});

const rows = (list: TokenRow[]) => list.map((r) => [r.key, r.build, r.total, r.costUsd]);

describe('tokensView', () => {
  const view = tokensView([alpha, beta], now);

  it('adds the builds up into the total', () => {
    expect(view.total).toEqual({ tokens: tok(430), total: 430, costUsd: 8.5 });
    expect(rows(view.byBuild)).toEqual([
      ['beta', 'beta', 80, 5],
      ['alpha', 'alpha', 350, 3.5],
    ]);
  });

  it('groups by phase, gate and agent from the metrics, most dollars first, rows of nothing left out', () => {
    expect(rows(view.byPhase)).toEqual([
      ['beta/p1', 'beta', 80, 5],
      ['alpha/p1', 'alpha', 300, 3],
      ['alpha/p2', 'alpha', 50, 0.5],
    ]);
    expect(rows(view.byGate)).toEqual([
      ['alpha/p1/g1', 'alpha', 100, 1],
      ['alpha/p2/g2', 'alpha', 50, 0.5],
    ]);
    expect(rows(view.byAgent)).toEqual([
      ['beta/builder', 'beta', 80, 5],
      ['alpha/builder', 'alpha', 250, 2.5],
      ['alpha/adversary', 'alpha', 100, 1],
    ]);
  });

  it('sums each model over the builds; one build without its price makes its dollars null', () => {
    expect(rows(view.byModel)).toEqual([
      ['claude-x', null, 380, 8],
      ['local-llm', null, 1010, null],
    ]);
  });

  it("names the unpriced models of the transcripts and of the agents' totals, once each", () => {
    expect(view.unpriced).toEqual(['local-llm', 'mystery']);
    expect(tokensView([beta], now).unpriced).toEqual([]);
  });

  it('no builds: zero totals and no rows', () => {
    expect(tokensView([], now)).toEqual({
      now,
      total: { tokens: tok(0), total: 0, costUsd: 0 },
      byBuild: [],
      byPhase: [],
      byGate: [],
      byAgent: [],
      byModel: [],
      unpriced: [],
    });
  });
});

describe('compareTokenRows', () => {
  it('sorts by dollars (none counting as 0), then tokens, then key', () => {
    const row = (key: string, total: number, costUsd: number | null): TokenRow => ({
      key,
      build: null,
      tokens: tok(total),
      total,
      costUsd,
    });
    const sorted = [row('a', 5, 0), row('b', 9, null), row('c', 1, 2), row('d', 9, 0)].sort(compareTokenRows);
    expect(sorted.map((r) => r.key)).toEqual(['c', 'b', 'd', 'a']);
  });
});
