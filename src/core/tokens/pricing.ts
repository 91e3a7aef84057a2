/**
 * Dollar cost of token usage, from the price table shipped in prices.json and a build's own
 * `[prices]` table, which replaces or adds entries by model id. Pure.
 * An id missing from both is "unpriced", never $0: a silent zero would make an unknown model look
 * free in every report and budget check.
 */
import type { PriceConfig } from '../config/types';
import type { TokenUsage } from '../state/tokens';
import table from './prices.json';

/** Dollars per million tokens. Cache prices default to multiples of `input`. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  cacheRead?: number;
}

/** Model id → price: a build's `[prices]`, consulted before the built-in table. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

export type PriceResult = { usd: number } | { unpriced: true };

export const CACHE_WRITE_5M_MULTIPLIER = 1.25;
export const CACHE_WRITE_1H_MULTIPLIER = 2;
export const CACHE_READ_MULTIPLIER = 0.1;

const PRICES: PriceTable = table.models;

/** Claude Code's mark for a model's 1M-context variant, in its own settings: priced as the model. */
const ONE_MILLION_CONTEXT = /\[1m\]$/i;

/** The id a model name is priced by: the name without a trailing "[1m]". */
export function priceId(model: string): string {
  return model.replace(ONE_MILLION_CONTEXT, '');
}

/**
 * The price of a model id, from `prices` (a build's `[prices]`) or else the built-in table; or
 * undefined. A trailing "[1m]" is dropped; otherwise ids are exact, no prefix or fuzzy matching.
 */
export function modelPrice(model: string, prices: PriceTable = {}): ModelPrice | undefined {
  const id = priceId(model);
  if (Object.hasOwn(prices, id)) return prices[id];
  return Object.hasOwn(PRICES, id) ? PRICES[id] : undefined;
}

/** A config's `[prices]` (TOML key names) as a price table; undefined when it has none. */
export function priceTableOf(
  prices: Readonly<Record<string, PriceConfig>> | undefined,
): Record<string, ModelPrice> | undefined {
  if (prices === undefined || Object.keys(prices).length === 0) return undefined;
  const entries = Object.entries(prices).map(([id, p]): [string, ModelPrice] => {
    const price: ModelPrice = { input: p.input, output: p.output };
    if (p.cache_write_5m !== undefined) price.cacheWrite5m = p.cache_write_5m;
    if (p.cache_write_1h !== undefined) price.cacheWrite1h = p.cache_write_1h;
    if (p.cache_read !== undefined) price.cacheRead = p.cache_read;
    return [id, price];
  });
  // fromEntries makes own properties of every key, "__proto__" included.
  return Object.fromEntries(entries);
}

export function priceUsage(model: string, usage: TokenUsage, prices: PriceTable = {}): PriceResult {
  const p = modelPrice(model, prices);
  if (!p) return { unpriced: true };
  const perMillion =
    usage.input_tokens * p.input +
    usage.output_tokens * p.output +
    usage.cache_creation_5m * (p.cacheWrite5m ?? p.input * CACHE_WRITE_5M_MULTIPLIER) +
    usage.cache_creation_1h * (p.cacheWrite1h ?? p.input * CACHE_WRITE_1H_MULTIPLIER) +
    usage.cache_read_input_tokens * (p.cacheRead ?? p.input * CACHE_READ_MULTIPLIER);
  return { usd: perMillion / 1_000_000 };
}
