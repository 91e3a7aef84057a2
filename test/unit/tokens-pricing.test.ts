import { emptyLedger, ingestRecord } from '../../src/core/tokens/ledger';
import type { TokenUsage } from '../../src/core/state/tokens';
import { modelPrice, priceTableOf, priceUsage } from '../../src/core/tokens/pricing';
import table from '../../src/core/tokens/prices.json';
import { reportLedger } from '../../src/core/tokens/report';
import { usage } from './support/token-usage';

function usd(model: string, u: TokenUsage): number {
  const p = priceUsage(model, u);
  if (!('usd' in p)) throw new Error(`${model} is unpriced`);
  return p.usd;
}

describe('priceUsage', () => {
  it('prices each token class: sonnet 4.5 at $3 in / $15 out', () => {
    // 1M input $3 + 1M output $15 + 1M 5m-write $3.75 + 1M 1h-write $6 + 1M read $0.30 = $28.05
    expect(usd('claude-sonnet-4-5-20250929', usage(1e6, 1e6, 1e6, 1e6, 1e6))).toBeCloseTo(28.05, 10);
  });

  it.each([
    ['claude-opus-4-6', 5, 25],
    ['claude-opus-4-5-20251101', 5, 25],
    ['claude-opus-4-1-20250805', 15, 75],
    ['claude-opus-4-20250514', 15, 75],
    ['claude-sonnet-4-6', 3, 15],
    ['claude-sonnet-4-20250514', 3, 15],
    ['claude-haiku-4-5-20251001', 1, 5],
    ['claude-3-7-sonnet-20250219', 3, 15],
    ['claude-3-5-sonnet-20241022', 3, 15],
    ['claude-3-5-haiku-20241022', 0.8, 4],
  ])('%s costs $%d in / $%d out per million', (model, input, output) => {
    expect(usd(model, usage(1e6, 0))).toBeCloseTo(input, 10);
    expect(usd(model, usage(0, 1e6))).toBeCloseTo(output, 10);
    expect(usd(model, usage(0, 0, 1e6))).toBeCloseTo(input * 1.25, 10);
    expect(usd(model, usage(0, 0, 0, 1e6))).toBeCloseTo(input * 2, 10);
    expect(usd(model, usage(0, 0, 0, 0, 1e6))).toBeCloseTo(input * 0.1, 10);
  });

  it("uses a model's own cache prices where they break the multipliers (Haiku 3)", () => {
    // $0.30 5m write, $0.50 1h write, $0.03 read per million.
    expect(usd('claude-3-haiku-20240307', usage(0, 0, 1e6, 1e6, 1e6))).toBeCloseTo(0.83, 10);
  });

  it('reports an unknown model as unpriced, never $0', () => {
    expect(priceUsage('claude-mystery-9', usage(1, 1))).toEqual({ unpriced: true });
    expect(priceUsage('unknown', usage(0, 0))).toEqual({ unpriced: true });
    // Exact ids only: a Bedrock id or a near miss is not guessed at.
    expect(priceUsage('anthropic.claude-sonnet-4-5-20250929-v1:0', usage(1, 1))).toEqual({ unpriced: true });
    expect(priceUsage('claude-sonnet-4-5-2025', usage(1, 1))).toEqual({ unpriced: true });
    expect(modelPrice('toString')).toBeUndefined();
  });

  it('ships a price for every model family named in the table', () => {
    const shipped = Object.keys(table.models);
    expect(shipped.length).toBeGreaterThanOrEqual(20);
    for (const model of shipped) expect(modelPrice(model)!.input).toBeGreaterThan(0);
  });
});

describe("Claude Code 2.1.332's models (its model catalog, 2026-11-29)", () => {
  it('prices its default, claude-opus-5-5, exactly: $4 in, $20 out, $5 / $8 cache writes, $0.20 cache read', () => {
    // 1,234 in + 567 out + 10,000 5m-writes + 2,000 1h-writes + 100,000 reads:
    // (1234×4 + 567×20 + 10000×5 + 2000×8 + 100000×0.2) / 1e6 = (4936 + 11340 + 50000 + 16000 + 20000) / 1e6
    expect(usd('claude-opus-5-5', usage(1234, 567, 10_000, 2_000, 100_000))).toBeCloseTo(0.102276, 12);
  });

  // $ per million: input, output, 5-minute cache write, 1-hour cache write, cache read.
  it.each([
    ['claude-opus-5-5', 4, 20, 5, 8, 0.2],
    ['claude-opus-5', 5, 25, 6.25, 10, 0.5],
    ['claude-opus-4-8', 5, 25, 6.25, 10, 0.5],
    ['claude-opus-4-7', 5, 25, 6.25, 10, 0.5],
    ['claude-opus-4-6', 5, 25, 6.25, 10, 0.5],
    ['claude-opus-4-5', 5, 25, 6.25, 10, 0.5],
    ['claude-sonnet-5-5', 2, 10, 2.5, 4, 0.1],
    ['claude-sonnet-5', 2, 10, 2.5, 4, 0.2],
    ['claude-sonnet-4-6', 3, 15, 3.75, 6, 0.3],
    ['claude-sonnet-4-5', 3, 15, 3.75, 6, 0.3],
    ['claude-sonnet-4-0', 3, 15, 3.75, 6, 0.3],
    ['claude-haiku-5-5', 0.1, 0.5, 0.125, 0.2, 0.01],
    ['claude-haiku-4-5', 1, 5, 1.25, 2, 0.1],
    ['claude-fable-5', 10, 50, 12.5, 20, 1],
    ['claude-fable-5-1', 10, 50, 12.5, 20, 0.25],
    ['claude-fable-5-2', 8, 40, 10, 16, 0.2],
    ['claude-mythos-5', 10, 50, 12.5, 20, 1],
    ['claude-mythos-5-1', 10, 50, 12.5, 20, 0.25],
    ['claude-mythos-5-2', 8, 40, 10, 16, 0.2],
  ])('%s: $%d in, $%d out, $%d / $%d cache writes, $%d cache read', (model, input, output, write5m, write1h, read) => {
    expect(usd(model, usage(1e6, 0))).toBeCloseTo(input, 10);
    expect(usd(model, usage(0, 1e6))).toBeCloseTo(output, 10);
    expect(usd(model, usage(0, 0, 1e6))).toBeCloseTo(write5m, 10);
    expect(usd(model, usage(0, 0, 0, 1e6))).toBeCloseTo(write1h, 10);
    expect(usd(model, usage(0, 0, 0, 0, 1e6))).toBeCloseTo(read, 10);
  });

  it('prices a "[1m]" (1M-context) name as its model', () => {
    const u = usage(1000, 1000, 1000, 1000, 1000);
    expect(usd('claude-opus-5-5[1m]', u)).toBe(usd('claude-opus-5-5', u));
    expect(usd('claude-sonnet-4-6[1M]', u)).toBe(usd('claude-sonnet-4-6', u));
    expect(modelPrice('claude-opus-5-5[1m]')).toBe(modelPrice('claude-opus-5-5'));
    // Only a trailing mark is dropped.
    expect(priceUsage('claude-opus-5-5[1m]x', u)).toEqual({ unpriced: true });
  });

  it('keys prices by id, never by alias: transcripts record the id the API returned', () => {
    for (const alias of ['opus', 'sonnet', 'haiku', 'opus[1m]'])
      expect(priceUsage(alias, usage(1, 1))).toEqual({ unpriced: true });
  });
});

describe("a build's [prices]", () => {
  const prices = priceTableOf({
    'claude-foo-1': { input: 2, output: 8 },
    'claude-opus-5-5': { input: 1, output: 2, cache_write_5m: 0, cache_write_1h: 0, cache_read: 0 },
  })!;

  it('prices a model the built-in table lacks; its cache prices default to the multiples of input', () => {
    expect(priceUsage('claude-foo-1', usage(1e6, 1e6), {})).toEqual({ unpriced: true });
    // $2 + $8 + 1M 5m-writes at $2.50 + 1M 1h-writes at $4 + 1M reads at $0.20
    const p = priceUsage('claude-foo-1', usage(1e6, 1e6, 1e6, 1e6, 1e6), prices);
    expect('usd' in p && p.usd).toBeCloseTo(16.7, 10);
    expect(modelPrice('claude-foo-1[1m]', prices)).toEqual({ input: 2, output: 8 });
  });

  it('replaces a built-in price as a whole, and leaves the other models alone', () => {
    const p = priceUsage('claude-opus-5-5', usage(1e6, 1e6, 1e6, 1e6, 1e6), prices);
    expect('usd' in p && p.usd).toBeCloseTo(3, 10);
    expect(priceUsage('claude-sonnet-4-6', usage(1e6, 0), prices)).toEqual(
      priceUsage('claude-sonnet-4-6', usage(1e6, 0)),
    );
    expect(modelPrice('toString', prices)).toBeUndefined();
  });

  it('converts the TOML keys, and is nothing when the config has no table', () => {
    expect(prices['claude-opus-5-5']).toEqual({ input: 1, output: 2, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 });
    expect(priceTableOf(undefined)).toBeUndefined();
    expect(priceTableOf({})).toBeUndefined();
  });

  it('costs a ledger report with them', () => {
    const state = emptyLedger();
    ingestRecord(
      state,
      {
        kind: 'usage',
        key: 'm1',
        model: 'claude-foo-1',
        usage: usage(1000, 1000),
        sessionId: 's1',
        isSidechain: false,
        timestamp: '',
      },
      { source: 'a' },
    );
    expect(reportLedger(state).unpriced_models).toEqual(['claude-foo-1']);
    const r = reportLedger(state, prices);
    expect(r.unpriced_models).toEqual([]);
    expect(r.total.cost_usd).toBe(0.01);
    expect(r.models).toEqual([expect.objectContaining({ model: 'claude-foo-1', cost_usd: 0.01 })]);
  });
});

describe('reportLedger', () => {
  it('sums cost per model, session and source, and lists unpriced models', () => {
    const state = emptyLedger();
    const add = (key: string, model: string, sessionId: string, source: string, u: TokenUsage): void => {
      ingestRecord(
        state,
        { kind: 'usage', key, model, usage: u, sessionId, isSidechain: false, timestamp: '' },
        { source },
      );
    };
    // sonnet: 1000 in ($0.003) + 1000 out ($0.015) = $0.018
    add('m1', 'claude-sonnet-4-5-20250929', 's1', 'a', usage(1000, 1000));
    // haiku: 2000 5m-writes at $1.25/M = $0.0025
    add('m2', 'claude-haiku-4-5-20251001', 's1', 'a', usage(0, 0, 2000));
    // unknown model: counted in tokens, not in cost
    add('m3', 'claude-mystery-9', 's2', 'b', usage(7, 7));
    const r = reportLedger(state);
    expect(r.total).toEqual({
      input_tokens: 1007,
      output_tokens: 1007,
      cache_creation_input_tokens: 2000,
      cache_read_input_tokens: 0,
      cost_usd: 0.0205,
    });
    expect(r.unpriced_models).toEqual(['claude-mystery-9']);
    expect(r.models.map((m) => [m.model, m.cost_usd])).toEqual([
      ['claude-sonnet-4-5-20250929', 0.018],
      ['claude-haiku-4-5-20251001', 0.0025],
      ['claude-mystery-9', null],
    ]);
    expect(r.sessions.map((s) => [s.session_id, s.source, s.cost_usd, s.unpriced_models, s.messages])).toEqual([
      ['s1', 'a', 0.0205, [], 2],
      ['s2', 'b', 0, ['claude-mystery-9'], 1],
    ]);
    expect(r.sources.map((s) => [s.source, s.cost_usd])).toEqual([
      ['a', 0.0205],
      ['b', 0],
    ]);
  });
});
