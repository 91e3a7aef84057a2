/** Arithmetic on token counts (the TokenUsage model is in ../state/tokens). Pure: no I/O, safe in workflow code. */
import type { TokenFigures, TokenUsage, UsageFigures } from '../state/tokens';

export function zeroUsage(): TokenUsage {
  return {
    input_tokens: 0,
    output_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_creation_5m: 0,
    cache_creation_1h: 0,
    cache_read_input_tokens: 0,
  };
}

/** target += b, in place; returns target. The ledger's hot path uses this to avoid allocating. */
export function addUsageInto(target: TokenUsage, b: TokenUsage): TokenUsage {
  target.input_tokens += b.input_tokens;
  target.output_tokens += b.output_tokens;
  target.cache_creation_input_tokens += b.cache_creation_input_tokens;
  target.cache_creation_5m += b.cache_creation_5m;
  target.cache_creation_1h += b.cache_creation_1h;
  target.cache_read_input_tokens += b.cache_read_input_tokens;
  return target;
}

const clamp0 = (n: number): number => (n > 0 ? n : 0);

/** current − baseline per field, never negative (a rebuilt ledger may briefly report less). */
export function usageSince(current: TokenUsage, baseline: TokenUsage | undefined): TokenUsage {
  const b = baseline ?? zeroUsage();
  return {
    input_tokens: clamp0(current.input_tokens - b.input_tokens),
    output_tokens: clamp0(current.output_tokens - b.output_tokens),
    cache_creation_input_tokens: clamp0(current.cache_creation_input_tokens - b.cache_creation_input_tokens),
    cache_creation_5m: clamp0(current.cache_creation_5m - b.cache_creation_5m),
    cache_creation_1h: clamp0(current.cache_creation_1h - b.cache_creation_1h),
    cache_read_input_tokens: clamp0(current.cache_read_input_tokens - b.cache_read_input_tokens),
  };
}

/** Every token billed: input + output + cache writes + cache reads. */
export function totalTokens(u: TokenUsage): number {
  return u.input_tokens + u.output_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
}

/** The counts a report shows, in the order its JSON has them. */
export function usageFigures(u: TokenUsage): UsageFigures {
  return {
    input_tokens: u.input_tokens,
    output_tokens: u.output_tokens,
    cache_creation_input_tokens: u.cache_creation_input_tokens,
    cache_read_input_tokens: u.cache_read_input_tokens,
  };
}

/** The counts of a token record: a report's, and their total. */
export function tokenFigures(u: TokenUsage): TokenFigures {
  return { ...usageFigures(u), total: totalTokens(u) };
}
