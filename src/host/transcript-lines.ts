/**
 * Splits a byte range of a transcript file into lines, in fixed-size chunks, without decoding the
 * lines that cannot carry usage. About half of a transcript's bytes are user prompts and tool
 * results; a line that starts with `{` and contains neither `"usage"` nor `"isApiErrorMessage"`
 * is skipped by parseTranscriptLine before JSON.parse, so it is reported as `plain` from its bytes
 * alone. Both needles are ASCII, and an ASCII byte never occurs inside a UTF-8 sequence (and
 * survives the decoder's replacement of invalid ones), so "the bytes contain it" and "the decoded
 * line contains it" agree. Every other line is decoded and handed over as text, as before.
 */
import { builtTranscriptWasm, type TranscriptWasm, type WasmLineVisitor } from './transcript-wasm';

const NEWLINE = 0x0a;
const CR = 0x0d;
const BRACE = 0x7b;
/**
 * A needle, `"usage"` or `"isApiErrorMessage"`, searched as a tail that starts with a rarer byte
 * (Buffer#indexOf stops at every occurrence of the tail's first byte: a quote is everywhere in
 * JSON, an `i` is everywhere in prose), whose head is then checked in place. `ApiErrorMessage"`
 * alone is found ~6× faster than `isApiErrorMessage"`.
 */
interface Needle {
  head: Buffer;
  tail: Buffer;
}
const needle = (head: string, tail: string): Needle => ({ head: Buffer.from(head), tail: Buffer.from(tail) });
const USAGE = needle('"', 'usage"');
const API_ERROR = needle('"is', 'ApiErrorMessage"');

export interface LineHandlers {
  /** A line to parse (decoded, without its newline). */
  line(text: string): void;
  /** A line that starts with `{` and contains one of the needles: parseCandidate's input. */
  candidate(text: string): void;
  /** A non-blank line that starts with `{` and cannot carry usage: skipped unparsed. */
  plain(): void;
  /**
   * A candidate that the WebAssembly pass found to be valid JSON: the fields parseCandidate reads
   * (candidateRecord's input). Without this handler the scan does not use the pass.
   */
  parsed?(fields: object): void;
}

export interface LineScan {
  consumed: number;
  bytesRead: number;
  lines: number;
  /** Complete lines over the byte limit, skipped. */
  longLines: number;
  /** The unterminated last line (empty if none, or if it is over the limit). */
  rest: Buffer;
  /** The unterminated last line is over the limit: its bytes were dropped. */
  restTooLong: boolean;
}

/** Whether a decoded line is over `maxBytes` of UTF-8 (measured only when its length leaves doubt). */
export function overLong(line: string, maxBytes: number): boolean {
  return line.length > maxBytes || (line.length * 3 > maxBytes && Buffer.byteLength(line) > maxBytes);
}

/** Where the next whole `n` starts at or after `from`; Infinity if nowhere. */
function nextNeedle(buf: Buffer, n: Needle, from: number): number {
  const h = n.head.length;
  for (let at = buf.indexOf(n.tail, from + h); at !== -1; at = buf.indexOf(n.tail, at + 1)) {
    if (buf.compare(n.head, 0, h, at - h, at) === 0) return at - h;
  }
  return Infinity;
}

/**
 * The lines of `region` (complete lines joined by newlines, the last one without its own). Same
 * decisions as decoding it and splitting on '\n': empty and lone-CR lines are ignored, lines over
 * `maxLineBytes` counted in `longLines`, the others counted in `lines` and handed over.
 */
function splitRegion(
  region: Buffer,
  maxLineBytes: number,
  on: LineHandlers,
  scan: LineScan,
  wasm: WasmRun | undefined,
): void {
  if (wasm?.module.split(region, maxLineBytes, wasm.visitor)) return;
  let usage = -1;
  let apiError = -1;
  for (let start = 0; start <= region.length;) {
    let end = region.indexOf(NEWLINE, start);
    if (end === -1) end = region.length;
    const length = end - start;
    if (length === 0 || (length === 1 && region[start] === CR)) {
      start = end + 1;
      continue;
    }
    // A decoded line has at most `length` UTF-16 units and 3 × `length` UTF-8 bytes (U+FFFD per bad byte).
    if (length * 3 <= maxLineBytes && region[start] === BRACE) {
      if (usage < start) usage = nextNeedle(region, USAGE, start);
      if (apiError < start) apiError = nextNeedle(region, API_ERROR, start);
      scan.lines += 1;
      if (usage >= end && apiError >= end) on.plain();
      else on.candidate(region.toString('utf8', start, end));
      start = end + 1;
      continue;
    }
    const text = region.toString('utf8', start, end);
    if (overLong(text, maxLineBytes)) scan.longLines += 1;
    else {
      scan.lines += 1;
      on.line(text);
    }
    start = end + 1;
  }
}

/** The WebAssembly pass, its handlers bound to one scan's handlers and figures. */
interface WasmRun {
  module: TranscriptWasm;
  visitor: WasmLineVisitor;
}

function wasmRun(
  module: TranscriptWasm,
  on: LineHandlers,
  parsed: (fields: object) => void,
  scan: LineScan,
  maxLineBytes: number,
): WasmRun {
  const visitor: WasmLineVisitor = {
    plain() {
      scan.lines += 1;
      on.plain();
    },
    candidate(text) {
      scan.lines += 1;
      on.candidate(text);
    },
    parsed(fields) {
      scan.lines += 1;
      parsed(fields);
    },
    line(text) {
      if (overLong(text, maxLineBytes)) scan.longLines += 1;
      else {
        scan.lines += 1;
        on.line(text);
      }
    },
  };
  return { module, visitor };
}

let loadedWasm: TranscriptWasm | undefined;
let wasmLoaded = false;

/** The pass scans use: the built one (loaded on first use), or `module` from now on (tests). */
export function transcriptWasm(module?: TranscriptWasm | null): TranscriptWasm | undefined {
  if (module !== undefined) {
    loadedWasm = module ?? undefined;
    wasmLoaded = true;
  } else if (!wasmLoaded) {
    loadedWasm = builtTranscriptWasm(1 << 20);
    wasmLoaded = true;
  }
  return loadedWasm;
}

/**
 * The chunk buffer of the last scan, kept for the next: a fresh 1 MiB buffer per file costs its
 * page faults every time (~0.1 s per 200 MB of transcripts in 200 files, measured).
 */
let spareChunk: Buffer | undefined;

/** Reads up to `length` bytes at `position` into `buf`: the number read (sync or not). */
export type ReadAt = (buf: Buffer, length: number, position: number) => number | Promise<number>;

/**
 * Reads [start, end) chunk by chunk, handing over each complete line. Lines are cut at newline
 * bytes, which never occur inside a UTF-8 sequence, so no character is split. A line that grows
 * past `maxLineBytes` stops being gathered: its bytes are dropped up to its newline and it is
 * counted, so memory stays at one chunk plus `maxLineBytes`.
 */
export async function scanLines(
  read: ReadAt,
  start: number,
  end: number,
  chunkBytes: number,
  maxLineBytes: number,
  on: LineHandlers,
): Promise<LineScan> {
  const module = on.parsed ? transcriptWasm() : undefined;
  // Read straight into the pass's memory when its buffer is free (a scan running meanwhile is copied in).
  const inWasm = module?.takeChunk(chunkBytes);
  const buf = inWasm ?? (spareChunk?.length === chunkBytes ? spareChunk : Buffer.allocUnsafe(chunkBytes));
  if (!inWasm) spareChunk = undefined; // taken: a scan running meanwhile allocates its own
  try {
    return await scanChunks(buf, read, start, end, maxLineBytes, on, module);
  } finally {
    if (inWasm) module!.releaseChunk(inWasm);
    else spareChunk = buf;
  }
}

async function scanChunks(
  buf: Buffer,
  read: ReadAt,
  start: number,
  end: number,
  maxLineBytes: number,
  on: LineHandlers,
  module: TranscriptWasm | undefined,
): Promise<LineScan> {
  const chunkBytes = buf.length;
  const scan: LineScan = {
    consumed: start,
    bytesRead: 0,
    lines: 0,
    longLines: 0,
    rest: Buffer.alloc(0),
    restTooLong: false,
  };
  const wasm = module && on.parsed ? wasmRun(module, on, on.parsed.bind(on), scan, maxLineBytes) : undefined;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let skipping = false;
  let position = start;
  const keep = (bytes: Buffer) => {
    if (carryBytes + bytes.length > maxLineBytes) {
      skipping = true;
      carry = [];
      carryBytes = 0;
    } else if (bytes.length > 0) {
      carry.push(Buffer.from(bytes));
      carryBytes += bytes.length;
    }
  };
  while (position < end) {
    const pending = read(buf, Math.min(chunkBytes, end - position), position);
    const bytesRead = typeof pending === 'number' ? pending : await pending;
    if (bytesRead === 0) break; // shrank while we read: the next tick notices
    const chunk = buf.subarray(0, bytesRead);
    position += bytesRead;
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      if (!skipping) keep(chunk);
      continue;
    }
    let from = 0;
    if (skipping) {
      // The over-long line ends at this chunk's first newline.
      from = chunk.indexOf(NEWLINE) + 1;
      skipping = false;
      scan.longLines += 1;
    } else if (carry.length > 0) {
      // So does the line carried over: join only it, the rest of the chunk is split where it is.
      from = chunk.indexOf(NEWLINE);
      splitRegion(Buffer.concat([...carry, chunk.subarray(0, from)]), maxLineBytes, on, scan, wasm);
      from += 1;
    }
    carry = [];
    carryBytes = 0;
    if (from <= lastNewline) splitRegion(chunk.subarray(from, lastNewline), maxLineBytes, on, scan, wasm);
    keep(chunk.subarray(lastNewline + 1));
    scan.consumed = position - bytesRead + lastNewline + 1;
  }
  scan.bytesRead = position - start;
  scan.rest = Buffer.concat(carry);
  scan.restTooLong = skipping;
  return scan;
}
