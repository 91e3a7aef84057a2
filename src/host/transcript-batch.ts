/**
 * One file of a one-off scan, read into data: its records in line order, in a compact form that
 * crosses a worker_threads boundary cheaply (a few arrays of strings and two typed arrays, moved
 * rather than copied), its cursor and its share of the read report. A scan split over threads
 * reads files into these and applies them to the one ledger in file order, so the ledger sees
 * exactly the records, in exactly the order, that a single-threaded scan feeds it.
 */
import { ingestRecord, type LedgerState, type RecordOrigin, type ScanKeys } from '../core/tokens/ledger';
import {
  skipRecord,
  type LimitRecord,
  type SkipReason,
  type TranscriptRecord,
  type UsageRecord,
} from '../core/tokens/transcript-line';
import { zeroUsage } from '../core/tokens/usage';
import {
  addReport,
  emptyReaderState,
  emptyReadReport,
  readTranscriptFile,
  type FileCursor,
  type ReadOptions,
  type ReaderState,
  type ReadReport,
  type TranscriptSource,
} from './transcript-reader';

/** Records of one file, column by column. */
export interface RecordBatch {
  /** Per record, in line order: USAGE, LIMIT, or SKIP + its reason's SKIP_OFFSET. */
  kinds: Uint8Array;
  /** Per usage record. */
  keys: string[];
  models: string[];
  sessions: string[];
  timestamps: string[];
  /** Per usage record, USAGE_WIDTH numbers: its TokenUsage's six, in their declared order, then isSidechain (0 or 1). */
  numbers: Float64Array;
  limits: LimitRecord[];
}

const USAGE = 0;
const LIMIT = 1;
const SKIP = 2;
/** A code per skip reason (a Record, so the compiler insists on every reason there is). */
const SKIP_OFFSET: Record<SkipReason, number> = {
  blank: 0,
  'not-json': 1,
  'no-usage': 2,
  synthetic: 3,
  'api-error': 4,
  'no-key': 5,
};
const SKIP_REASONS: SkipReason[] = [];
for (const [reason, offset] of Object.entries(SKIP_OFFSET)) SKIP_REASONS[offset] = reason as SkipReason;
const USAGE_WIDTH = 7;

/** Gathers records as readTranscriptFile hands them over; `finish` gives the batch. */
class BatchWriter {
  private readonly kinds: number[] = [];
  private readonly numbers: number[] = [];
  private readonly batch: Omit<RecordBatch, 'kinds' | 'numbers'> = {
    keys: [],
    models: [],
    sessions: [],
    timestamps: [],
    limits: [],
  };

  readonly sink = (record: TranscriptRecord): void => {
    switch (record.kind) {
      case 'usage': {
        const b = this.batch;
        this.kinds.push(USAGE);
        b.keys.push(record.key);
        b.models.push(record.model);
        b.sessions.push(record.sessionId);
        b.timestamps.push(record.timestamp);
        const u = record.usage;
        this.numbers.push(
          u.input_tokens,
          u.output_tokens,
          u.cache_creation_input_tokens,
          u.cache_creation_5m,
          u.cache_creation_1h,
          u.cache_read_input_tokens,
          record.isSidechain ? 1 : 0,
        );
        return;
      }
      case 'limit':
        this.kinds.push(LIMIT);
        this.batch.limits.push(record);
        return;
      case 'skip':
        this.kinds.push(SKIP + SKIP_OFFSET[record.reason]);
    }
  };

  finish(): RecordBatch {
    return { ...this.batch, kinds: Uint8Array.from(this.kinds), numbers: Float64Array.from(this.numbers) };
  }
}

/**
 * Feeds a batch's records to the ledger, in their order, as readTranscripts would have. One usage
 * record object is refilled for each (a fresh object per record was measured ~2× slower here, on the
 * main thread, which every record of a split scan goes through): the ledger copies what it keeps out
 * of a record (numbers, strings) and keeps no reference to it, which test/unit/tokens-scan-batch
 * would catch (a kept record would change under it).
 */
export function ingestBatch(ledger: LedgerState, batch: RecordBatch, origin: RecordOrigin, keys?: ScanKeys): void {
  const n = batch.numbers;
  const usage = zeroUsage();
  const record: UsageRecord = {
    kind: 'usage',
    key: '',
    model: '',
    usage,
    sessionId: '',
    isSidechain: false,
    timestamp: '',
  };
  let u = 0;
  let l = 0;
  for (const kind of batch.kinds) {
    if (kind === USAGE) {
      const at = u * USAGE_WIDTH;
      usage.input_tokens = n[at];
      usage.output_tokens = n[at + 1];
      usage.cache_creation_input_tokens = n[at + 2];
      usage.cache_creation_5m = n[at + 3];
      usage.cache_creation_1h = n[at + 4];
      usage.cache_read_input_tokens = n[at + 5];
      record.isSidechain = n[at + 6] === 1;
      record.key = batch.keys[u];
      record.model = batch.models[u];
      record.sessionId = batch.sessions[u];
      record.timestamp = batch.timestamps[u];
      ingestRecord(ledger, record, origin, keys);
      u += 1;
    } else if (kind === LIMIT) ingestRecord(ledger, batch.limits[l++], origin);
    else ingestRecord(ledger, skipRecord(SKIP_REASONS[kind - SKIP]), origin);
  }
}

/** One file read on its own: what readTranscripts would have done with it, as data. */
export interface FileScan {
  /** Its cursor afterwards; undefined if it is gone. */
  cursor: FileCursor | undefined;
  /** Its figures (`files` is 0: the caller counts files). */
  report: ReadReport;
  batch: RecordBatch;
}

/** Reads one file from the start, as a one-off scan does, into a FileScan. */
export async function scanFile(file: TranscriptSource, options: ReadOptions): Promise<FileScan> {
  const state = emptyReaderState();
  const report = emptyReadReport(0);
  const writer = new BatchWriter();
  await readTranscriptFile(state, file, writer.sink, options, report);
  return { cursor: state.files[file.path], report, batch: writer.finish() };
}

/** The buffers a FileScan can hand over to another thread instead of copying them. */
export function transferables(scan: FileScan): ArrayBuffer[] {
  return [scan.batch.kinds.buffer as ArrayBuffer, scan.batch.numbers.buffer as ArrayBuffer];
}

/** Applies a FileScan of `file` to a scan's ledger, cursors and report: the next file in order. */
export function applyFileScan(
  ledger: LedgerState,
  reader: ReaderState,
  report: ReadReport,
  file: TranscriptSource,
  scan: FileScan,
  keys?: ScanKeys,
): void {
  ingestBatch(ledger, scan.batch, { source: file.source, sessionId: file.sessionId }, keys);
  if (scan.cursor) reader.files[file.path] = scan.cursor;
  else delete reader.files[file.path];
  addReport(report, scan.report);
}

// ---- a scan split over threads ----

/** What a helper thread of a scan is given (as its workerData). */
export interface ScanJob {
  files: TranscriptSource[];
  options: ReadOptions;
  /** One Int32 on a SharedArrayBuffer: the index of the next file nobody has claimed. */
  next: Int32Array;
}

export type WorkerMessage = ({ index: number } & FileScan) | { done: true };

/** The index of the next file to read, or -1 when every file is claimed. */
export function claimFile(job: ScanJob): number {
  const index = Atomics.add(job.next, 0, 1);
  return index < job.files.length ? index : -1;
}
