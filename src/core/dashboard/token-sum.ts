/** Adding token counts up, for the views that group token windows. Pure. */
import type { EventTokens } from '../events';

/** `into` plus `tokens`, in place (a count an old event lacks adds nothing). */
export function addTokens(into: EventTokens, tokens: Partial<EventTokens>): EventTokens {
  into.input_tokens += tokens.input_tokens ?? 0;
  into.output_tokens += tokens.output_tokens ?? 0;
  into.cache_creation_input_tokens += tokens.cache_creation_input_tokens ?? 0;
  into.cache_read_input_tokens += tokens.cache_read_input_tokens ?? 0;
  return into;
}
