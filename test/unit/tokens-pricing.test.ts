import { emptyLedger, ingestRecord } from '../../src/core/tokens/ledger';
import { modelPrice, pricedModels, priceUsage } from '../../src/core/tokens/pricing';
import { reportLedger } from '../../src/core/tokens/report';
import type { TokenUsage } from '../../src/core/tokens/usage';

function usage(input: number, output: number, cache5m = 0, cache1h = 0, read = 0): TokenUsage {
  return {
    input_tokens: input,
    output_tokens: output,
    cache_creation_input_tokens: cache5m + cache1h,
    cache_creation_5m: cache5m,
    cache_creation_1h: cache1h,
    cache_read_input_tokens: read,
  };
}

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
    expect(pricedModels().length).toBeGreaterThanOrEqual(20);
    for (const model of pricedModels()) expect(modelPrice(model)!.input).toBeGreaterThan(0);
  });
});

describe('reportLedger', () => {
  it('sums cost per model, session and source, and lists unpriced models', () => {
    const state = emptyLedger();
    const add = (key: string, model: string, sessionId: string, source: string, u: TokenUsage): void => {
      ingestRecord(state, { kind: 'usage', key, model, usage: u, sessionId, isSidechain: false, timestamp: '' }, { source });
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
