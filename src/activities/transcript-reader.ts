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
 *   memory plus the longest line.
 */
import type { FileHandle } from 'node:fs/promises';
import { open, stat } from 'node:fs/promises';
import { ingestRecord, type LedgerState, type RecordOrigin } from '../core/tokens/ledger';
import { parseTranscriptLine } from '../core/tokens/transcript-line';

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
}

const DEFAULT_CHUNK = 1 << 20;
const TAIL_BYTES = 16;
const NEWLINE = 0x0a;

export function emptyReaderState(): ReaderState {
  return { files: {} };
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

async function tailAt(fh: FileHandle, offset: number): Promise<string> {
  const from = Math.max(0, offset - TAIL_BYTES);
  return (await readAt(fh, from, offset - from)).toString('base64');
}

interface Scan {
  consumed: number;
  bytesRead: number;
  lines: number;
  rest: Buffer;
}

/**
 * Reads [start, end) chunk by chunk, calling onLine for each complete line. Decoding happens only
 * up to a newline byte, which never occurs inside a UTF-8 sequence, so no character is split.
 */
async function scanLines(fh: FileHandle, start: number, end: number, chunkBytes: number, onLine: (line: string) => void): Promise<Scan> {
  const buf = Buffer.allocUnsafe(chunkBytes);
  let carry: Buffer[] = [];
  let position = start;
  let consumed = start;
  let lines = 0;
  while (position < end) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(chunkBytes, end - position), position);
    if (bytesRead === 0) break; // shrank while we read: the next tick notices
    const chunk = buf.subarray(0, bytesRead);
    position += bytesRead;
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      carry.push(Buffer.from(chunk));
      continue;
    }
    const head = chunk.subarray(0, lastNewline);
    const text = carry.length > 0 ? Buffer.concat([...carry, head]).toString('utf8') : head.toString('utf8');
    carry = lastNewline + 1 < bytesRead ? [Buffer.from(chunk.subarray(lastNewline + 1))] : [];
    consumed = position - bytesRead + lastNewline + 1;
    for (const line of text.split('\n')) {
      if (line.length === 0 || line === '\r') continue;
      lines += 1;
      onLine(line);
    }
  }
  return { consumed, bytesRead: position - start, lines, rest: Buffer.concat(carry) };
}

async function readOne(state: ReaderState, file: TranscriptSource, ledger: LedgerState, options: ReadOptions, report: ReadReport): Promise<void> {
  const origin: RecordOrigin = { source: file.source, sessionId: file.sessionId };
  let st;
  try {
    st = await stat(file.path);
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
  const fh = await open(file.path, 'r');
  try {
    let start = sameFile ? cursor.offset : 0;
    if (cursor && (!sameFile || st.size < cursor.offset || (await tailAt(fh, cursor.offset)) !== cursor.tail)) {
      start = 0;
      report.resets += 1;
    }
    const feed = (line: string): void => {
      ingestRecord(ledger, parseTranscriptLine(line), origin);
    };
    const scan = await scanLines(fh, start, st.size, options.chunkBytes ?? DEFAULT_CHUNK, feed);
    if (options.includeUnterminated && scan.rest.length > 0) {
      const last = scan.rest.toString('utf8');
      if (last.trim() !== '') {
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
      tail: await tailAt(fh, scan.consumed),
    };
    report.filesRead += 1;
    report.bytesRead += scan.bytesRead;
    report.lines += scan.lines;
    report.held += st.size - scan.consumed;
  } finally {
    await fh.close();
  }
}

/**
 * One tick: reads what is new in each file into the ledger. Mutates `state` and `ledger` in
 * place (both stay plain JSON). Files are read one after another, in the order given.
 */
export async function readTranscripts(
  state: ReaderState,
  files: readonly TranscriptSource[],
  ledger: LedgerState,
  options: ReadOptions = {},
): Promise<ReadReport> {
  const report: ReadReport = { files: files.length, filesRead: 0, bytesRead: 0, lines: 0, resets: 0, missing: 0, held: 0 };
  for (const file of files) await readOne(state, file, ledger, options, report);
  return report;
}
