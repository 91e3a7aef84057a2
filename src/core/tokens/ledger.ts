/**
 * The token ledger: every usage record ever seen, counted once, attributed to (source, session,
 * model). Pure; the state is plain JSON (objects, arrays, numbers, strings) so it can live in
 * workflow state, go through Temporal's payload converter, or be written to a file as is.
 *
 * Dedup is global, across all files of all sessions: the key is message.id (a subagent replaying
 * a parent message under a new requestId keeps the same message.id, so it counts once). Streaming
 * writes several lines per message with growing usage; the ledger keeps the largest snapshot and,
 * when a larger one arrives, adds only the difference to the bucket that first counted the key.
 */
import type { TokenUsage } from '../state/tokens';
import type { TranscriptRecord, UsageRecord } from './transcript-line';
import { addUsageInto, totalTokens, zeroUsage } from './usage';

export interface LedgerBucket {
  source: string;
  sessionId: string;
  model: string;
  usage: TokenUsage;
  /** Distinct messages (keys) counted here. */
  messages: number;
}

export interface LedgerLimit {
  source: string;
  text: string;
  timestamp: string;
}

export interface LedgerStats {
  /** Keys counted for the first time. */
  counted: number;
  /** Lines for a known key that were no larger: streaming snapshots, replays, resumed sessions. */
  duplicates: number;
  /** Lines for a known key that were larger: the difference was added. */
  grown: number;
  limits: number;
  skipped: number;
}

/**
 * Per key, the largest snapshot counted, as ENTRY_WIDTH numbers in `LedgerState.entries`:
 * input, output, cache 5m, cache 1h, cache read, bucket index. One flat array instead of an
 * array per key: ~163 bytes of heap per key (key string included) instead of ~195, measured by
 * bench/transcript-scan.ts; a busy host accumulates hundreds of thousands of keys.
 */
export const ENTRY_WIDTH = 6;

export interface LedgerState {
  version: 1;
  buckets: LedgerBucket[];
  /** "source\u0000session\u0000model" → index into buckets. */
  bucketIndex: Record<string, number>;
  /** Dedup key → index of its entry (times ENTRY_WIDTH is its offset in `entries`). */
  keys: Record<string, number>;
  entries: number[];
  /** Latest usage-limit record per source. */
  limits: LedgerLimit[];
  stats: LedgerStats;
}

/** Where a record came from: the caller knows which agent (or project) and session a file is. */
export interface RecordOrigin {
  source: string;
  /** Used when the line itself names no session. */
  sessionId?: string;
}

/**
 * A one-off scan's dedup keys (key → entry index), held apart from the ledger's `keys` while it
 * fills a fresh ledger. Every record brings its key as a new string, and an object looks a new
 * string up by first interning it (a string-table insert of its own per distinct key); a Map does
 * not: ~20 ms instead of ~40 for the 97,710 keys of 200 MB of transcripts (docs/performance.md).
 * saveScanKeys writes them into the ledger, in the same order, for a caller that keeps it.
 */
export type ScanKeys = Map<string, number>;

/** What a report reads of a ledger: its figures (buckets, limits, stats), none of its indexes or its version. */
export type LedgerTotals = Pick<LedgerState, 'buckets' | 'limits' | 'stats'>;

export type IngestOutcome = 'counted' | 'grown' | 'duplicate' | 'limit' | 'skipped';

export function emptyLedger(): LedgerState {
  return {
    version: 1,
    buckets: [],
    bucketIndex: {},
    keys: {},
    entries: [],
    limits: [],
    stats: { counted: 0, duplicates: 0, grown: 0, limits: 0, skipped: 0 },
  };
}

/** Plain assignment would set the prototype for the key "__proto__"; a transcript may contain anything. */
function setOwn<T>(o: Record<string, T>, k: string, v: T): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/**
 * The bucket of the key counted last, if it is (source, sessionId, model): consecutive new keys
 * mostly share one (a session's messages), and this spares building and interning the bucket's id
 * for each (~15 ms per 200 MB). A bucket is only ever created for an id not yet in bucketIndex, so
 * it is what the lookup would give.
 */
function lastBucket(state: LedgerState, source: string, sessionId: string, model: string): number {
  const e = state.entries;
  if (e.length === 0) return -1;
  const index = e[e.length - 1];
  const b = state.buckets[index];
  return b.model === model && b.sessionId === sessionId && b.source === source ? index : -1;
}

function bucketFor(state: LedgerState, source: string, sessionId: string, model: string): number {
  const last = lastBucket(state, source, sessionId, model);
  if (last !== -1) return last;
  const id = `${source}\u0000${sessionId}\u0000${model}`;
  if (Object.hasOwn(state.bucketIndex, id)) return state.bucketIndex[id];
  const index = state.buckets.push({ source, sessionId, model, usage: zeroUsage(), messages: 0 }) - 1;
  setOwn(state.bucketIndex, id, index);
  return index;
}

function countNew(state: LedgerState, rec: UsageRecord, origin: RecordOrigin): IngestOutcome {
  const u = rec.usage;
  const index = bucketFor(state, origin.source, rec.sessionId || origin.sessionId || 'unknown', rec.model);
  const bucket = state.buckets[index];
  addUsageInto(bucket.usage, u);
  bucket.messages += 1;
  state.entries.push(
    u.input_tokens,
    u.output_tokens,
    u.cache_creation_5m,
    u.cache_creation_1h,
    u.cache_read_input_tokens,
    index,
  );
  state.stats.counted += 1;
  return 'counted';
}

/** A later snapshot of a known key: keep the larger (by total tokens; a tie keeps the first). */
function countSnapshot(state: LedgerState, at: number, u: TokenUsage): IngestOutcome {
  const e = state.entries;
  const before = e[at] + e[at + 1] + e[at + 2] + e[at + 3] + e[at + 4];
  if (totalTokens(u) <= before) {
    state.stats.duplicates += 1;
    return 'duplicate';
  }
  const b = state.buckets[e[at + 5]].usage;
  const d5m = u.cache_creation_5m - e[at + 2];
  const d1h = u.cache_creation_1h - e[at + 3];
  b.input_tokens += u.input_tokens - e[at];
  b.output_tokens += u.output_tokens - e[at + 1];
  b.cache_creation_5m += d5m;
  b.cache_creation_1h += d1h;
  b.cache_creation_input_tokens += d5m + d1h;
  b.cache_read_input_tokens += u.cache_read_input_tokens - e[at + 4];
  e[at] = u.input_tokens;
  e[at + 1] = u.output_tokens;
  e[at + 2] = u.cache_creation_5m;
  e[at + 3] = u.cache_creation_1h;
  e[at + 4] = u.cache_read_input_tokens;
  state.stats.grown += 1;
  return 'grown';
}

function noteLimit(state: LedgerState, source: string, text: string, timestamp: string): IngestOutcome {
  state.stats.limits += 1;
  const known = state.limits.find((l) => l.source === source);
  // Resumed sessions repeat old limit lines: keep only the newest per source (ISO strings sort).
  if (!known) state.limits.push({ source, text, timestamp });
  else if (timestamp >= known.timestamp) Object.assign(known, { text, timestamp });
  return 'limit';
}

/**
 * Adds one record to the ledger, in place. With `scanKeys` (a fresh ledger being filled by a scan),
 * its keys are looked up and added there instead of in `state.keys`.
 */
export function ingestRecord(
  state: LedgerState,
  rec: TranscriptRecord,
  origin: RecordOrigin,
  scanKeys?: ScanKeys,
): IngestOutcome {
  switch (rec.kind) {
    case 'usage': {
      const at = scanKeys
        ? scanKeys.get(rec.key)
        : Object.hasOwn(state.keys, rec.key)
          ? state.keys[rec.key]
          : undefined;
      if (at !== undefined) return countSnapshot(state, at * ENTRY_WIDTH, rec.usage);
      const index = state.entries.length / ENTRY_WIDTH;
      if (scanKeys) scanKeys.set(rec.key, index);
      else setOwn(state.keys, rec.key, index);
      return countNew(state, rec, origin);
    }
    case 'limit':
      return noteLimit(state, origin.source, rec.text, rec.timestamp);
    case 'skip':
      if (rec.reason !== 'blank') state.stats.skipped += 1;
      return 'skipped';
  }
}

/** Writes a scan's keys into the ledger it filled, in the order they came: as if ingested without them. */
export function saveScanKeys(state: LedgerState, keys: ScanKeys): void {
  for (const [key, index] of keys) setOwn(state.keys, key, index);
}
