/**
 * One line of a Claude Code JSONL transcript → one record. Pure and total: any string in, a
 * record out, never a throw (transcripts are written by another program, mid-stream, by hand).
 */
import type { TokenUsage } from '../state/tokens';

export interface UsageRecord {
  kind: 'usage';
  /** Dedup key: message.id, else requestId, else the line's uuid. */
  key: string;
  model: string;
  usage: TokenUsage;
  /** '' when the line has none; the reader then falls back to the file's session. */
  sessionId: string;
  isSidechain: boolean;
  timestamp: string;
}

/** An API error line saying the account hit its usage limit; the text says when it resets. */
export interface LimitRecord {
  kind: 'limit';
  text: string;
  timestamp: string;
}

export type SkipReason = 'blank' | 'not-json' | 'no-usage' | 'synthetic' | 'api-error' | 'no-key';

export interface SkipRecord {
  kind: 'skip';
  reason: SkipReason;
}

export type TranscriptRecord = UsageRecord | LimitRecord | SkipRecord;

/** Shared, frozen: skips are most lines, so they allocate nothing. */
const SKIP: { readonly [R in SkipReason]: SkipRecord } = Object.freeze({
  blank: Object.freeze({ kind: 'skip', reason: 'blank' }),
  'not-json': Object.freeze({ kind: 'skip', reason: 'not-json' }),
  'no-usage': Object.freeze({ kind: 'skip', reason: 'no-usage' }),
  synthetic: Object.freeze({ kind: 'skip', reason: 'synthetic' }),
  'api-error': Object.freeze({ kind: 'skip', reason: 'api-error' }),
  'no-key': Object.freeze({ kind: 'skip', reason: 'no-key' }),
}) as { readonly [R in SkipReason]: SkipRecord };

/**
 * Usage-limit wording seen from Claude Code: "Claude AI usage limit reached|1760000000",
 * "You've hit your limit · resets 3pm", "5-hour limit reached ∙ resets 2pm". A 429 "rate limit"
 * is a transient API error, not an exhausted plan, so it is excluded.
 */
const LIMIT_TEXT = /usage limit|hit your limit|limit reached|limit will reset/i;
const RATE_LIMIT_TEXT = /rate.?limit/i;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A count from the transcript: finite and non-negative, else 0. */
function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The text blocks of message.content (a string, or an array of {type:'text', text}). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const block of content) {
    if (isObject(block) && typeof block.text === 'string') text += (text ? '\n' : '') + block.text;
  }
  return text;
}

export function parseUsage(raw: Json): TokenUsage | null {
  if (typeof raw.input_tokens !== 'number' && typeof raw.output_tokens !== 'number') return null;
  const split = isObject(raw.cache_creation) ? raw.cache_creation : {};
  const split5m = count(split.ephemeral_5m_input_tokens);
  const split1h = count(split.ephemeral_1h_input_tokens);
  // Older lines carry only the total (all 5-minute writes); a line with only the split is summed.
  const creation = count(raw.cache_creation_input_tokens) || split5m + split1h;
  const oneHour = Math.min(split1h, creation);
  return {
    input_tokens: count(raw.input_tokens),
    output_tokens: count(raw.output_tokens),
    cache_creation_input_tokens: creation,
    cache_creation_5m: creation - oneHour,
    cache_creation_1h: oneHour,
    cache_read_input_tokens: count(raw.cache_read_input_tokens),
  };
}

function parseLimit(line: Json, message: Json | undefined): TranscriptRecord {
  const text = contentText(message?.content);
  if (LIMIT_TEXT.test(text) && !RATE_LIMIT_TEXT.test(text)) {
    return { kind: 'limit', text, timestamp: str(line.timestamp) };
  }
  return SKIP['api-error'];
}

export function parseTranscriptLine(input: string): TranscriptRecord {
  let line = input;
  if (line.endsWith('\r')) line = line.slice(0, -1);
  if (line.trim() === '') return SKIP.blank;
  if (line.charCodeAt(0) !== 0x7b /* { */) line = line.trimStart();
  if (line.charCodeAt(0) !== 0x7b) return SKIP['not-json'];
  // Most bytes are user/tool-result lines: skip them without paying for JSON.parse.
  if (!line.includes('"usage"') && !line.includes('"isApiErrorMessage"')) return SKIP['no-usage'];
  return parseCandidate(line);
}

/**
 * A line already known to start with `{` and contain `"usage"` or `"isApiErrorMessage"` (a
 * reader that checked its bytes): parseTranscriptLine's answer without scanning it again.
 */
export function parseCandidate(input: string): TranscriptRecord {
  const line = input.endsWith('\r') ? input.slice(0, -1) : input;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return SKIP['not-json'];
  }
  return candidateRecord(parsed);
}

/**
 * parseCandidate's answer for a line JSON.parse turned into `parsed`. The reader's WebAssembly pass
 * (src/host/transcript-wasm.ts) calls it with only the fields read here, and hands a line back to
 * parseCandidate when it is an API error: a field read here and not there must be added there
 * (test/unit/transcript-wasm.test.ts compares the two on fixtures and mutated lines).
 */
export function candidateRecord(parsed: unknown): TranscriptRecord {
  if (!isObject(parsed)) return SKIP['not-json'];
  const message = isObject(parsed.message) ? parsed.message : undefined;
  // API errors carry model "<synthetic>" and zero usage, so test for them before the synthetic skip.
  if (parsed.isApiErrorMessage === true) return parseLimit(parsed, message);
  if (!message || !isObject(message.usage)) return SKIP['no-usage'];
  const model = str(message.model);
  if (model === '<synthetic>') return SKIP.synthetic;
  const usage = parseUsage(message.usage);
  if (!usage) return SKIP['no-usage'];
  const key = str(message.id) || str(parsed.requestId) || str(parsed.uuid);
  if (!key) return SKIP['no-key'];
  return {
    kind: 'usage',
    key,
    model: model || 'unknown',
    usage,
    sessionId: str(parsed.sessionId),
    isSidechain: parsed.isSidechain === true,
    timestamp: str(parsed.timestamp),
  };
}

/** The shared skip record for `reason`: what a reader feeds for a line it can classify without parsing. */
export function skipRecord(reason: SkipReason): SkipRecord {
  return SKIP[reason];
}
