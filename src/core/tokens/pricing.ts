/**
 * Dollar cost of token usage, from the price table shipped in prices.json. Pure.
 * An id missing from the table is "unpriced", never $0: a silent zero would make an unknown
 * model look free in every report and budget check.
 */
import table from './prices.json';
import type { TokenUsage } from './usage';

/** Dollars per million tokens. Cache prices default to multiples of `input`. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  cacheRead?: number;
}

export type PriceResult = { usd: number } | { unpriced: true };

export const CACHE_WRITE_5M_MULTIPLIER = 1.25;
export const CACHE_WRITE_1H_MULTIPLIER = 2;
export const CACHE_READ_MULTIPLIER = 0.1;

const PRICES: Readonly<Record<string, ModelPrice>> = table.models;

/** The price of an exact model id, or undefined. No prefix or fuzzy matching: ids are exact. */
export function modelPrice(model: string): ModelPrice | undefined {
  return Object.prototype.hasOwnProperty.call(PRICES, model) ? PRICES[model] : undefined;
}

export function pricedModels(): string[] {
  return Object.keys(PRICES);
}

export function priceUsage(model: string, usage: TokenUsage): PriceResult {
  const p = modelPrice(model);
  if (!p) return { unpriced: true };
  const perMillion =
    usage.input_tokens * p.input +
    usage.output_tokens * p.output +
    usage.cache_creation_5m * (p.cacheWrite5m ?? p.input * CACHE_WRITE_5M_MULTIPLIER) +
    usage.cache_creation_1h * (p.cacheWrite1h ?? p.input * CACHE_WRITE_1H_MULTIPLIER) +
    usage.cache_read_input_tokens * (p.cacheRead ?? p.input * CACHE_READ_MULTIPLIER);
  return { usd: perMillion / 1_000_000 };
}
