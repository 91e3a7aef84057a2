/**
 * The WebAssembly pass of a transcript scan (src/host/wasm/transcript-scan.ts, compiled by
 * `npm run build` into dist/host/transcript-scan.wasm next to this module): it splits a region of
 * lines, skips those without a needle and walks the JSON of the others in one pass over the bytes,
 * so that JS decodes only the few strings of a usage line instead of the whole line and JSON.parse.
 * Every line it does not answer for (not valid JSON to its eyes, escapes, odd numbers, deep
 * nesting, API errors) comes back as text, for parseCandidate, exactly as without it.
 *
 * Memory: one fixed layout, never grown after loading (growing would detach every view on it): the
 * records it writes, a chunk buffer that reads go into directly, and a copy area for regions that
 * were read elsewhere (a line joined across two chunks, a scan running alongside).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a line of a region is, as the pass hands it over (in line order). */
export interface WasmLineVisitor {
  /** Starts with `{`, within the length limit, without a needle: a skip, unparsed. */
  plain(): void;
  /** Any other non-empty line that is not a candidate: decoded, for the usual path. */
  line(text: string): void;
  /** A candidate the pass does not answer for: decoded, for parseCandidate. */
  candidate(text: string): void;
  /**
   * A candidate that is valid JSON: the fields parseCandidate reads, with the values JSON.parse
   * gives them (a field it does not extract stands for its type only: `{}`, `[]`, '', 0, null, true).
   */
  parsed(fields: object): void;
}

const RECORDS = 1024;
const RECORD_BYTES = 128;
/** A region read elsewhere is copied in if it fits; a longer one (rare: a huge joined line) is split in JS. */
const COPY_BYTES = 1 << 20;
/** Room before and after each area: the pass reads a byte before a region and up to 15 past it. */
const SLACK = 64;
const PAGE = 65536;

const K_PLAIN = 0;
const K_LINE = 1;
const K_CANDIDATE = 2;

const T_STR = 1;
const T_NUM = 2;
const T_OBJ = 5;

const F_MSG = 0;
const F_MSG_ID = 1;
const F_MSG_MODEL = 2;
const F_USAGE = 3;
const F_IN = 4;
const F_OUT = 5;
const F_CCI = 6;
const F_CC = 7;
const F_CC5 = 8;
const F_CC1 = 9;
const F_CR = 10;
const F_REQ = 11;
const F_UUID = 12;
const F_SESS = 13;
const F_SIDE = 14;
const F_TS = 15;

/** The value standing for a field of type `type` whose value is not extracted (see WasmLineVisitor.parsed). */
const STAND_IN: readonly (() => unknown)[] = [
  () => undefined,
  () => '',
  () => 0,
  () => true,
  () => null,
  () => ({}),
  () => [],
];

/** The part of the WebAssembly API used here (TypeScript's lib has it only with the DOM). */
interface Memory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type CompiledModule = object;
const WebAssembly = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => CompiledModule;
      Instance: new (module: CompiledModule, imports: object) => { exports: unknown };
    };
  }
).WebAssembly;

/** Buffer#toString('utf8', …) without its argument handling (~40% of its cost on short strings). */
interface Utf8Slice {
  utf8Slice(start: number, end: number): string;
}

interface Exports {
  memory: Memory;
  heapBase(): number;
  resume(): number;
  scanRegion(ptr: number, end: number, maxLineBytes: number, out: number, cap: number): number;
}

export class TranscriptWasm {
  private readonly exports: Exports;
  private readonly bytes: Buffer & Utf8Slice;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly out: number;
  private readonly chunkAt: number;
  private readonly copyAt: number;
  private chunkTaken = false;

  constructor(
    module: CompiledModule,
    /** Bytes of the chunk buffer that reads can go into. */
    readonly chunkBytes: number,
  ) {
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    const memory = this.exports.memory;
    const base = Math.ceil(this.exports.heapBase() / SLACK) * SLACK + SLACK;
    this.out = base;
    this.chunkAt = this.out + RECORDS * RECORD_BYTES + SLACK;
    this.copyAt = this.chunkAt + chunkBytes + SLACK;
    const size = this.copyAt + COPY_BYTES + SLACK;
    if (size > memory.buffer.byteLength) memory.grow(Math.ceil((size - memory.buffer.byteLength) / PAGE));
    this.bytes = Buffer.from(memory.buffer) as Buffer & Utf8Slice;
    this.i32 = new Int32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
  }

  /** A buffer of `bytes` in the module's memory, to read into; undefined if in use or too small. */
  takeChunk(bytes: number): Buffer | undefined {
    if (this.chunkTaken || bytes > this.chunkBytes) return undefined;
    this.chunkTaken = true;
    return this.bytes.subarray(this.chunkAt, this.chunkAt + bytes);
  }

  releaseChunk(chunk: Buffer): void {
    if (chunk.buffer === this.bytes.buffer) this.chunkTaken = false;
  }

  /**
   * Hands the lines of `region` (complete lines joined by newlines, the last one without its own)
   * to `visit`, in order; empty and lone-CR lines are left out. False, having visited nothing, if
   * the region is too long to copy in.
   */
  split(region: Buffer, maxLineBytes: number, visit: WasmLineVisitor): boolean {
    let ptr: number;
    if (
      region.buffer === this.bytes.buffer &&
      region.byteOffset >= this.chunkAt &&
      region.byteOffset + region.length <= this.chunkAt + this.chunkBytes
    ) {
      ptr = region.byteOffset;
    } else if (region.length <= COPY_BYTES) {
      region.copy(this.bytes, this.copyAt);
      ptr = this.copyAt;
    } else return false;
    const end = ptr + region.length;
    const { scanRegion, resume } = this.exports;
    const limit = Math.min(maxLineBytes, 0x7fffffff);
    for (let at = ptr; at <= end; at = resume()) {
      const n = scanRegion(at, end, limit, this.out, RECORDS);
      for (let k = 0; k < n; k++) this.visitRecord(this.out + k * RECORD_BYTES, visit);
    }
    return true;
  }

  private visitRecord(at: number, visit: WasmLineVisitor): void {
    const i = at >> 2;
    const kind = this.i32[i];
    if (kind === K_PLAIN) visit.plain();
    else if (kind === K_LINE) visit.line(this.bytes.utf8Slice(this.i32[i + 1], this.i32[i + 2]));
    else if (kind === K_CANDIDATE) visit.candidate(this.bytes.utf8Slice(this.i32[i + 1], this.i32[i + 2]));
    else visit.parsed(this.fields(at));
  }

  /** The fields of a FIELDS record, shaped as JSON.parse would give them (see WasmLineVisitor.parsed). */
  private fields(at: number): object {
    const types = at + 12;
    const b = this.bytes;
    const message = b[types + F_MSG];
    // candidateRecord reads no string of a line without message.usage (it is a skip), nor requestId
    // and uuid when message.id is a non-empty string (that is the key): their types stand for them.
    if (message !== T_OBJ || b[types + F_USAGE] !== T_OBJ) {
      return { message: message === T_OBJ ? { usage: STAND_IN[b[types + F_USAGE]]() } : STAND_IN[message]() };
    }
    if (this.nonEmptyString(at, F_MSG_ID, 0)) {
      return {
        message: { id: this.string(at, F_MSG_ID, 0), model: this.string(at, F_MSG_MODEL, 1), usage: this.usage(at) },
        requestId: STAND_IN[b[types + F_REQ]](),
        uuid: STAND_IN[b[types + F_UUID]](),
        sessionId: this.string(at, F_SESS, 4),
        isSidechain: STAND_IN[b[types + F_SIDE]](),
        timestamp: this.string(at, F_TS, 5),
      };
    }
    return {
      message:
        message === T_OBJ
          ? {
              id: this.string(at, F_MSG_ID, 0),
              model: this.string(at, F_MSG_MODEL, 1),
              usage: b[types + F_USAGE] === T_OBJ ? this.usage(at) : STAND_IN[b[types + F_USAGE]](),
            }
          : STAND_IN[message](),
      requestId: this.string(at, F_REQ, 2),
      uuid: this.string(at, F_UUID, 3),
      sessionId: this.string(at, F_SESS, 4),
      isSidechain: STAND_IN[b[types + F_SIDE]](),
      timestamp: this.string(at, F_TS, 5),
    };
  }

  private usage(at: number): object {
    const cache = this.bytes[at + 12 + F_CC];
    return {
      input_tokens: this.number(at, F_IN, 0),
      output_tokens: this.number(at, F_OUT, 1),
      cache_creation_input_tokens: this.number(at, F_CCI, 2),
      cache_creation:
        cache === T_OBJ
          ? {
              ephemeral_5m_input_tokens: this.number(at, F_CC5, 3),
              ephemeral_1h_input_tokens: this.number(at, F_CC1, 4),
            }
          : STAND_IN[cache](),
      cache_read_input_tokens: this.number(at, F_CR, 5),
    };
  }

  private nonEmptyString(at: number, field: number, slot: number): boolean {
    const i = ((at + 32) >> 2) + slot * 2;
    return this.bytes[at + 12 + field] === T_STR && this.i32[i + 1] > this.i32[i];
  }

  private string(at: number, field: number, slot: number): unknown {
    const type = this.bytes[at + 12 + field];
    if (type !== T_STR) return STAND_IN[type]();
    const i = ((at + 32) >> 2) + slot * 2;
    return this.bytes.utf8Slice(this.i32[i], this.i32[i + 1]);
  }

  private number(at: number, field: number, slot: number): unknown {
    const type = this.bytes[at + 12 + field];
    return type === T_NUM ? this.f64[((at + 80) >> 3) + slot] : STAND_IN[type]();
  }
}

/** The module compiled from `file`, for chunks of up to `chunkBytes`. */
export function loadTranscriptWasm(file: string, chunkBytes: number): TranscriptWasm {
  return new TranscriptWasm(new WebAssembly.Module(readFileSync(file)), chunkBytes);
}

/** Where `npm run build` puts the module: next to this file in dist/host (absent when run from src). */
export const TRANSCRIPT_WASM_FILE = join(__dirname, 'transcript-scan.wasm');

/**
 * The built module, if there is one and STEWARD_SCAN_WASM is not `0`; undefined otherwise, and the
 * scan then does it all in JS (same records, slower).
 */
export function builtTranscriptWasm(chunkBytes: number): TranscriptWasm | undefined {
  if (process.env.STEWARD_SCAN_WASM === '0' || !existsSync(TRANSCRIPT_WASM_FILE)) return undefined;
  return loadTranscriptWasm(TRANSCRIPT_WASM_FILE, chunkBytes);
}
