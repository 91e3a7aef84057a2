/**
 * Incremental transcript reader: each tick reads only the bytes appended since the last one and
 * feeds complete lines to the ledger. Its state is plain JSON (path → cursor), small enough to
 * carry between activity calls or save to disk.
 *
 * - A line without its trailing newline is still being written: it is held back (not consumed)
 *   and read again, whole, once the newline arrives.
 * - A file that shrank, was replaced (new inode) or rewritten in place (the bytes before the
 *   cursor changed) is read again from 0; the ledger's dedup keeps that from double counting.
 * - Files are read in fixed-size chunks, never whole, so a 200 MB transcript costs one chunk of
 *   memory plus the longest line; and a line longer than `maxLineBytes` (a file with no newline
 *   at all) is skipped and counted, not gathered, so no file costs more than that.
 */
import { open, stat } from 'node:fs/promises';
import { ingestRecord, type LedgerState, type RecordOrigin, type ScanKeys } from '../core/tokens/ledger';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import {
  candidateRecord,
  parseCandidate,
  parseTranscriptLine,
  skipRecord,
  type TranscriptRecord,
} from '../core/tokens/transcript-line';
import { overLong, scanLines, type ReadAt } from './transcript-lines';

export { discoverClaudeDirs, discoverTranscripts, type DiscoveredTranscript } from './transcript-discovery';

export interface FileCursor {
  /** Bytes consumed: everything before this offset was complete lines, fed to the ledger. */
  offset: number;
  /** Bytes of an unterminated last line after `offset`, held back. Not stored: re-read when complete. */
  partial: number;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  /** base64 of the last bytes before `offset`; if they change, the file was rewritten. */
  tail: string;
}

export interface ReaderState {
  files: Record<string, FileCursor>;
}

/** A file to follow, and whom its usage belongs to. */
export interface TranscriptSource extends RecordOrigin {
  path: string;
}

export interface ReadOptions {
  /** Bytes per read; default 1 MiB. */
  chunkBytes?: number;
  /**
   * Also feed an unterminated last line (without consuming it). For one-off scans of finished
   * transcripts; a live reader must leave it alone, it may be half written.
   */
  includeUnterminated?: boolean;
  /** Lines longer than this many bytes are skipped (and counted in `longLines`); default 16 MiB. */
  maxLineBytes?: number;
  /**
   * A file that cannot be read (permissions, I/O errors) is listed in `unreadable` and the others
   * are read; without this, the first such file fails the whole call.
   */
  skipUnreadable?: boolean;
  /**
   * Stat, open, read and close with blocking calls instead of the thread pool: faster for a one-off
   * scan that has nothing else to do; a live reader in a worker process must not block its event loop.
   */
  blockingReads?: boolean;
}

export interface UnreadableFile {
  path: string;
  error: string;
}

export interface ReadReport {
  files: number;
  /** Files that had new bytes and were read. */
  filesRead: number;
  bytesRead: number;
  /** Non-blank lines fed to the ledger. */
  lines: number;
  /** Files read again from 0: truncated, replaced or rewritten. */
  resets: number;
  /** Files that no longer exist (their cursors are dropped). */
  missing: number;
  /** Bytes of unterminated last lines held back for the next tick. */
  held: number;
  /** Lines over `maxLineBytes`, skipped. */
  longLines: number;
  /** Files skipped because they could not be read (with `skipUnreadable`). */
  unreadable: UnreadableFile[];
}

const DEFAULT_CHUNK = 1 << 20;
/**
 * Far above any line that carries usage (an assistant message is bounded by the model's output
 * limit); only pasted images or huge tool results come near it, and they carry no usage.
 */
export const DEFAULT_MAX_LINE_BYTES = 16 << 20;
const TAIL_BYTES = 16;
const NO_USAGE = skipRecord('no-usage');

export function emptyReaderState(): ReaderState {
  return { files: {} };
}

/** Where a file's records go, in line order: the ledger, or a batch for it (a scan's worker thread). */
export type RecordSink = (record: TranscriptRecord, origin: RecordOrigin) => void;

export function emptyReadReport(files: number): ReadReport {
  return {
    files,
    filesRead: 0,
    bytesRead: 0,
    lines: 0,
    resets: 0,
    missing: 0,
    held: 0,
    longLines: 0,
    unreadable: [],
  };
}

const SUMMED = ['filesRead', 'bytesRead', 'lines', 'resets', 'missing', 'held', 'longLines'] as const;

/** Adds `part` (one file's report, its `files` not counted) into `report`. */
export function addReport(report: ReadReport, part: ReadReport): void {
  for (const figure of SUMMED) report[figure] += part[figure];
  report.unreadable.push(...part.unreadable);
}

/** An open transcript: its reads and its closing, as blocking calls or through the thread pool. */
interface OpenFile {
  read: ReadAt;
  close(): void | Promise<void>;
}

/**
 * A one-off scan blocks: nothing else runs meanwhile, and a thread-pool round trip per call is idle
 * time (~0.1–0.4 ms each on a busy machine, two per file to open and close it, more per chunk).
 */
async function openFile(file: string, blocking: boolean): Promise<OpenFile> {
  if (blocking) {
    const fd = openSync(file, 'r');
    return { read: (buf, length, position) => readSync(fd, buf, 0, length, position), close: () => closeSync(fd) };
  }
  const fh = await open(file, 'r');
  return {
    read: async (buf, length, position) => (await fh.read(buf, 0, length, position)).bytesRead,
    close: () => fh.close(),
  };
}

async function tailAt(read: ReadAt, offset: number): Promise<string> {
  const from = Math.max(0, offset - TAIL_BYTES);
  const buf = Buffer.alloc(offset - from);
  const bytesRead = await read(buf, buf.length, from);
  return buf.subarray(0, bytesRead).toString('base64');
}

/**
 * Reads what is new in one file, handing its records to `sink` in line order, and updates its
 * cursor in `state` and the figures in `report`. readTranscripts is this over files, into a ledger.
 */
export async function readTranscriptFile(
  state: ReaderState,
  file: TranscriptSource,
  sink: RecordSink,
  options: ReadOptions,
  report: ReadReport,
): Promise<void> {
  const origin: RecordOrigin = { source: file.source, sessionId: file.sessionId };
  let st;
  try {
    st = options.blockingReads ? statSync(file.path) : await stat(file.path);
  } catch {
    delete state.files[file.path];
    report.missing += 1;
    return;
  }
  const cursor = Object.prototype.hasOwnProperty.call(state.files, file.path) ? state.files[file.path] : undefined;
  const sameFile = cursor !== undefined && cursor.dev === st.dev && cursor.ino === st.ino;
  if (sameFile && cursor.size === st.size && cursor.mtimeMs === st.mtimeMs && !options.includeUnterminated) {
    report.held += cursor.partial;
    return;
  }
  let opened: OpenFile;
  try {
    opened = await openFile(file.path, options.blockingReads === true);
  } catch (error) {
    if (!options.skipUnreadable) throw error;
    report.unreadable.push({ path: file.path, error: errorText(error) });
    return;
  }
  try {
    const { read } = opened;
    let start = sameFile ? cursor.offset : 0;
    if (cursor && (!sameFile || st.size < cursor.offset || (await tailAt(read, cursor.offset)) !== cursor.tail)) {
      start = 0;
      report.resets += 1;
    }
    const feed = (line: string): void => {
      sink(parseTranscriptLine(line), origin);
    };
    const plain = (): void => {
      sink(NO_USAGE, origin);
    };
    const candidate = (line: string): void => {
      sink(parseCandidate(line), origin);
    };
    const parsed = (fields: object): void => {
      sink(candidateRecord(fields), origin);
    };
    const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
    const handlers = { line: feed, candidate, plain, parsed };
    const scan = await scanLines(read, start, st.size, chunkBytes, maxLineBytes, handlers);
    if (options.includeUnterminated && scan.restTooLong) scan.longLines += 1;
    else if (options.includeUnterminated && scan.rest.length > 0) {
      const last = scan.rest.toString('utf8');
      if (overLong(last, maxLineBytes)) scan.longLines += 1;
      else if (last.trim() !== '') {
        scan.lines += 1;
        feed(last);
      }
    }
    state.files[file.path] = {
      offset: scan.consumed,
      partial: st.size - scan.consumed,
      dev: st.dev,
      ino: st.ino,
      size: st.size,
      mtimeMs: st.mtimeMs,
      tail: await tailAt(read, scan.consumed),
    };
    report.filesRead += 1;
    report.bytesRead += scan.bytesRead;
    report.lines += scan.lines;
    report.longLines += scan.longLines;
    report.held += st.size - scan.consumed;
  } catch (error) {
    // A read that fails part way (EIO, EISDIR): what was fed stays, the ledger's dedup covers a retry.
    if (!options.skipUnreadable) throw error;
    report.unreadable.push({ path: file.path, error: errorText(error) });
  } finally {
    await opened.close();
  }
}

function errorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}

/**
 * One tick: reads what is new in each file into the ledger. Mutates `state` and `ledger` in
 * place (both stay plain JSON). Files are read one after another, in the order given. A one-off
 * scan into a fresh ledger passes `scanKeys` (see ScanKeys).
 */
export async function readTranscripts(
  state: ReaderState,
  files: readonly TranscriptSource[],
  ledger: LedgerState,
  options: ReadOptions = {},
  scanKeys?: ScanKeys,
): Promise<ReadReport> {
  const report = emptyReadReport(files.length);
  const sink: RecordSink = (record, origin) => void ingestRecord(ledger, record, origin, scanKeys);
  for (const file of files) await readTranscriptFile(state, file, sink, options, report);
  return report;
}
