import type { TokenUsage } from '../../../src/core/state/tokens';

/** A transcript's usage block from its figures: cache writes split into 5-minute and 1-hour ones. */
export function usage(input: number, output: number, cache5m = 0, cache1h = 0, read = 0): TokenUsage {
  return {
    input_tokens: input,
    output_tokens: output,
    cache_creation_input_tokens: cache5m + cache1h,
    cache_creation_5m: cache5m,
    cache_creation_1h: cache1h,
    cache_read_input_tokens: read,
  };
}
