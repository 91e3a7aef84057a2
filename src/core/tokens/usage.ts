/**
 * Token counts of one API response (or a sum of many), as Claude Code's transcripts report them.
 * Pure: no I/O, safe in workflow code.
 *
 * Invariant kept by every producer here: cache_creation_input_tokens = cache_creation_5m +
 * cache_creation_1h. The split matters because a 1-hour cache write costs 2× input and a
 * 5-minute one 1.25×; the total is kept as well because that is what every report shows.
 */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_creation_5m: number;
  cache_creation_1h: number;
  cache_read_input_tokens: number;
}

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

/** a + b, as a new object. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return addUsageInto({ ...a }, b);
}

/** a − b, as a new object (fields may go negative: a delta, not a count). */
export function subtractUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_tokens: a.input_tokens - b.input_tokens,
    output_tokens: a.output_tokens - b.output_tokens,
    cache_creation_input_tokens: a.cache_creation_input_tokens - b.cache_creation_input_tokens,
    cache_creation_5m: a.cache_creation_5m - b.cache_creation_5m,
    cache_creation_1h: a.cache_creation_1h - b.cache_creation_1h,
    cache_read_input_tokens: a.cache_read_input_tokens - b.cache_read_input_tokens,
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

/** Every token billed: input + output + cache writes + cache reads. */
export function totalTokens(u: TokenUsage): number {
  return u.input_tokens + u.output_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
}

export function isZeroUsage(u: TokenUsage): boolean {
  return (
    u.input_tokens === 0 &&
    u.output_tokens === 0 &&
    u.cache_creation_5m === 0 &&
    u.cache_creation_1h === 0 &&
    u.cache_read_input_tokens === 0
  );
}
