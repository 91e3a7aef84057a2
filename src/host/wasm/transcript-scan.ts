/**
 * AssemblyScript, compiled to dist/host/transcript-scan.wasm by `npm run build` (`build:wasm`) and
 * loaded by src/host/transcript-wasm.ts. Not part of the TypeScript program (tsconfig excludes it).
 *
 * One call, scanRegion, walks a region of transcript lines (complete lines joined by newlines, the
 * last one without its own) in the bytes, as src/host/transcript-lines.ts' splitRegion does, and
 * writes one RECORD_BYTES record per non-empty line:
 *
 * - PLAIN: starts with `{`, short enough, and contains neither `"usage"` nor `"isApiErrorMessage"`.
 * - LINE: any other line that is not a candidate (the caller decodes it and handles it as before).
 * - CANDIDATE: a candidate line this walker does not answer for (not valid JSON as far as it can
 *   tell, escapes in a key or in a value it extracts, a number it does not convert exactly, deep
 *   nesting, `isApiErrorMessage: true`): the caller decodes it and calls parseCandidate.
 * - FIELDS: a candidate line that is valid JSON, with the type of each field parseCandidate reads
 *   and the value of those that are numbers, or strings (as byte offsets, without the quotes).
 *
 * The walker only ever answers FIELDS for a line JSON.parse accepts, with the same values for those
 * fields (duplicate keys: the last one wins, as in JSON.parse); everything else goes back to JS.
 */

// Record layout (byte offsets in a record).
const R_KIND: usize = 0;
const R_START: usize = 4;
const R_END: usize = 8;
const R_TYPES: usize = 12; // one byte per field id
const R_STRINGS: usize = 32; // 6 × (start, end) i32
const R_NUMBERS: usize = 80; // 6 × f64
export const RECORD_BYTES: i32 = 128;

const K_PLAIN: i32 = 0;
const K_LINE: i32 = 1;
const K_CANDIDATE: i32 = 2;
const K_FIELDS: i32 = 3;

// Value types.
const T_STR: u8 = 1;
const T_NUM: u8 = 2;
const T_TRUE: u8 = 3;
const T_OTHER: u8 = 4; // false, null
const T_OBJ: u8 = 5;
const T_ARR: u8 = 6;

// Field ids (object contexts in which they are looked up: top level, message, usage, cache_creation).
const F_MSG: i32 = 0;
const F_MSG_ID: i32 = 1;
const F_MSG_MODEL: i32 = 2;
const F_USAGE: i32 = 3;
const F_IN: i32 = 4;
const F_OUT: i32 = 5;
const F_CCI: i32 = 6;
const F_CC: i32 = 7;
const F_CC5: i32 = 8;
const F_CC1: i32 = 9;
const F_CR: i32 = 10;
const F_REQ: i32 = 11;
const F_UUID: i32 = 12;
const F_SESS: i32 = 13;
const F_SIDE: i32 = 14;
const F_TS: i32 = 15;
const F_APIERR: i32 = 16;
const FIELDS: i32 = 17;

const C_NONE: i32 = 0;
const C_TOP: i32 = 1;
const C_MSG: i32 = 2;
const C_USAGE: i32 = 3;
const C_CC: i32 = 4;

/** Per field id: 1 + its string slot, or 0. */
const STRING_SLOT = memory.data<u8>([0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 5, 0, 6, 0]);
/** Per field id: 1 + its number slot, or 0. */
const NUMBER_SLOT = memory.data<u8>([0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0]);
const MAX_DEPTH: i32 = 512;
/** Per open container: its context << 1 for an object, 1 for an array. */
const STACK = memory.data(512, 16);
const USAGE_NEEDLE = memory.data<u8>([0x22, 0x75, 0x73, 0x61, 0x67, 0x65, 0x22]); // "usage"
// "isApiErrorMessage"
const API_NEEDLE = memory.data<u8>([
  0x22, 0x69, 0x73, 0x41, 0x70, 0x69, 0x45, 0x72, 0x72, 0x6f, 0x72, 0x4d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x22,
]);

let resumeAt: usize = 0;
let needleFound: bool = false;
let escaped: bool = false;
let numberValue: f64 = 0;
let numberExact: bool = true;
let record: usize = 0;

/** Where the module's own data ends: the caller lays out its buffers after it. */
export function heapBase(): usize {
  return __heap_base;
}

/** Where the next scanRegion call should start (past the region's end when it is done). */
export function resume(): usize {
  return resumeAt;
}

function sameBytes(a: usize, b: usize, n: usize): bool {
  for (let i: usize = 0; i < n; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

/** The first newline in [p, end), else end. Reads up to 15 bytes past end (the caller leaves room). */
function lineEnd(p: usize, end: usize): usize {
  const nl = i8x16.splat(0x0a);
  while (p < end) {
    const bits = i8x16.bitmask(i8x16.eq(v128.load(p), nl));
    if (bits != 0) {
      const q = p + <usize>ctz<i32>(bits);
      return q < end ? q : end;
    }
    p += 16;
  }
  return end;
}

/**
 * lineEnd, also setting needleFound if the line holds `"usage"` or `"isApiErrorMessage"`: looks
 * for `"u` and `sA` with the newline in the same pass, and checks the whole needle where they are.
 */
function lineEndWithNeedles(start: usize, end: usize): usize {
  const nl = i8x16.splat(0x0a);
  const quote = i8x16.splat(0x22);
  const u = i8x16.splat(0x75);
  const s = i8x16.splat(0x73);
  const a = i8x16.splat(0x41);
  let p = start;
  needleFound = false;
  while (p < end) {
    const v = v128.load(p);
    const w = v128.load(p - 1);
    const hits = v128.or(
      i8x16.eq(v, nl),
      v128.or(v128.and(i8x16.eq(w, quote), i8x16.eq(v, u)), v128.and(i8x16.eq(w, s), i8x16.eq(v, a))),
    );
    let bits = i8x16.bitmask(hits);
    while (bits != 0) {
      const q = p + <usize>ctz<i32>(bits);
      if (q >= end) return end;
      const c = load<u8>(q);
      if (c == 0x0a) return q;
      if (c == 0x75) {
        if (q > start && q + 6 <= end && sameBytes(q - 1, USAGE_NEEDLE, 7)) {
          needleFound = true;
          return lineEnd(q, end);
        }
      } else if (q >= start + 3 && q + 16 <= end && sameBytes(q - 3, API_NEEDLE, 19)) {
        needleFound = true;
        return lineEnd(q, end);
      }
      bits &= bits - 1;
    }
    p += 16;
  }
  return end;
}

function setType(field: i32, type: u8): void {
  store<u8>(record + R_TYPES + <usize>field, type);
}

function clearTypes(from: i32, to: i32): void {
  for (let f = from; f <= to; f++) setType(f, 0);
}

/** p at an opening quote: the position after the closing one, or 0 if the string is not valid JSON. */
function jsonString(p: usize, end: usize): usize {
  p++;
  escaped = false;
  const quote = i8x16.splat(0x22);
  const backslash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  while (true) {
    while (end - p >= 16) {
      const v = v128.load(p);
      const bits = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, quote), i8x16.eq(v, backslash)), i8x16.lt_u(v, space)));
      if (bits != 0) {
        p += <usize>ctz<i32>(bits);
        break;
      }
      p += 16;
    }
    if (p >= end) return 0;
    let c = <u32>load<u8>(p);
    if (c == 0x22) return p + 1;
    if (c < 0x20) return 0;
    if (c != 0x5c) {
      p++;
      continue;
    }
    escaped = true;
    p++;
    if (p >= end) return 0;
    c = <u32>load<u8>(p);
    p++;
    if (c == 0x75) {
      if (end - p < 4) return 0;
      for (let i: usize = 0; i < 4; i++) {
        const h = <u32>load<u8>(p + i);
        const l = h | 0x20;
        if (!((h >= 0x30 && h <= 0x39) || (l >= 0x61 && l <= 0x66))) return 0;
      }
      p += 4;
    } else if (!(
      c == 0x22 ||
      c == 0x5c ||
      c == 0x2f ||
      c == 0x62 ||
      c == 0x66 ||
      c == 0x6e ||
      c == 0x72 ||
      c == 0x74
    )) {
      return 0;
    }
  }
  return 0; // not reached
}

function isDigit(c: u32): bool {
  return c - 0x30 < 10;
}

/** p at a number's first byte: the position after it, or 0; numberValue exact unless !numberExact. */
function jsonNumber(p: usize, end: usize): usize {
  let negative = false;
  let v: f64 = 0;
  let digits = 0;
  numberExact = true;
  if (load<u8>(p) == 0x2d) {
    negative = true;
    p++;
    if (p >= end) return 0;
  }
  const first = <u32>load<u8>(p);
  if (first == 0x30) {
    p++;
    digits = 1;
  } else if (first >= 0x31 && first <= 0x39) {
    while (p < end && isDigit(<u32>load<u8>(p))) {
      v = v * 10 + <f64>(<u32>load<u8>(p) - 0x30);
      digits++;
      p++;
    }
  } else return 0;
  if (digits > 15) numberExact = false;
  if (p < end && load<u8>(p) == 0x2e) {
    p++;
    numberExact = false;
    if (p >= end || !isDigit(<u32>load<u8>(p))) return 0;
    while (p < end && isDigit(<u32>load<u8>(p))) p++;
  }
  if (p < end && (load<u8>(p) | 0x20) == 0x65) {
    p++;
    numberExact = false;
    if (p < end && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) p++;
    if (p >= end || !isDigit(<u32>load<u8>(p))) return 0;
    while (p < end && isDigit(<u32>load<u8>(p))) p++;
  }
  numberValue = negative ? -v : v;
  return p;
}

function skipSpace(p: usize, end: usize): usize {
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d) p++;
    else break;
  }
  return p;
}

function keyIs(a: usize, n: i32, s: string): bool {
  if (n != s.length) return false;
  for (let i = 0; i < n; i++) if (<i32>load<u8>(a + <usize>i) != s.charCodeAt(i)) return false;
  return true;
}

/** The field id of key [a, a+n) in context ctx, or -1. */
function fieldOf(ctx: i32, a: usize, n: i32): i32 {
  if (ctx == C_TOP) {
    if (n == 7) {
      if (keyIs(a, n, 'message')) return F_MSG;
    } else if (n == 9) {
      if (keyIs(a, n, 'requestId')) return F_REQ;
      if (keyIs(a, n, 'sessionId')) return F_SESS;
      if (keyIs(a, n, 'timestamp')) return F_TS;
    } else if (n == 4) {
      if (keyIs(a, n, 'uuid')) return F_UUID;
    } else if (n == 11) {
      if (keyIs(a, n, 'isSidechain')) return F_SIDE;
    } else if (n == 17) {
      if (keyIs(a, n, 'isApiErrorMessage')) return F_APIERR;
    }
    return -1;
  }
  if (ctx == C_MSG) {
    if (keyIs(a, n, 'id')) return F_MSG_ID;
    if (keyIs(a, n, 'model')) return F_MSG_MODEL;
    if (keyIs(a, n, 'usage')) return F_USAGE;
    return -1;
  }
  if (ctx == C_USAGE) {
    if (keyIs(a, n, 'input_tokens')) return F_IN;
    if (keyIs(a, n, 'output_tokens')) return F_OUT;
    if (keyIs(a, n, 'cache_creation_input_tokens')) return F_CCI;
    if (keyIs(a, n, 'cache_creation')) return F_CC;
    if (keyIs(a, n, 'cache_read_input_tokens')) return F_CR;
    return -1;
  }
  if (ctx == C_CC) {
    if (keyIs(a, n, 'ephemeral_5m_input_tokens')) return F_CC5;
    if (keyIs(a, n, 'ephemeral_1h_input_tokens')) return F_CC1;
  }
  return -1;
}

const S_VALUE = 0;
const S_AFTER = 1;
const S_KEY = 2;

/** Walks the JSON text [p, end) into `record`: 0 not JSON (as far as it can tell), 1 done, 2 ask JSON.parse. */
function walk(p: usize, end: usize): i32 {
  clearTypes(0, FIELDS - 1);
  let slow = false;
  let depth = 0;
  let ctx = C_TOP;
  let field = -1;
  let state = S_VALUE;
  while (true) {
    if (state == S_VALUE) {
      p = skipSpace(p, end);
      if (p >= end) return 0;
      const start = p;
      const c = <u32>load<u8>(p);
      if (c == 0x7b || c == 0x5b) {
        if (field >= 0) setType(field, c == 0x7b ? T_OBJ : T_ARR);
        if (depth >= MAX_DEPTH) return 2;
        store<u8>(STACK + <usize>depth, c == 0x7b ? <u8>(ctx << 1) : 1);
        depth++;
        p = skipSpace(p + 1, end);
        if (p < end && <u32>load<u8>(p) == c + 2) {
          p++;
          depth--;
          state = S_AFTER;
          continue;
        }
        if (c == 0x7b) {
          state = S_KEY;
          continue;
        }
        ctx = C_NONE;
        field = -1;
        continue;
      }
      if (c == 0x22) {
        p = jsonString(p, end);
        if (p == 0) return 0;
        if (field >= 0) {
          setType(field, T_STR);
          const slot = <usize>load<u8>(STRING_SLOT + <usize>field);
          if (slot != 0) {
            if (escaped) slow = true;
            const at = record + R_STRINGS + (slot - 1) * 8;
            store<i32>(at, <i32>(start + 1));
            store<i32>(at + 4, <i32>(p - 1));
          }
        }
      } else if (c == 0x2d || isDigit(c)) {
        p = jsonNumber(p, end);
        if (p == 0) return 0;
        if (field >= 0) {
          setType(field, T_NUM);
          const slot = <usize>load<u8>(NUMBER_SLOT + <usize>field);
          if (slot != 0) {
            if (!numberExact) slow = true;
            store<f64>(record + R_NUMBERS + (slot - 1) * 8, numberValue);
          }
        }
      } else if (c == 0x74) {
        if (end - p < 4 || load<u32>(p) != 0x65757274) return 0;
        p += 4;
        if (field >= 0) setType(field, T_TRUE);
      } else if (c == 0x66) {
        if (end - p < 5 || load<u32>(p) != 0x736c6166 || load<u8>(p + 4) != 0x65) return 0;
        p += 5;
        if (field >= 0) setType(field, T_OTHER);
      } else if (c == 0x6e) {
        if (end - p < 4 || load<u32>(p) != 0x6c6c756e) return 0;
        p += 4;
        if (field >= 0) setType(field, T_OTHER);
      } else return 0;
      state = S_AFTER;
    } else if (state == S_AFTER) {
      p = skipSpace(p, end);
      if (depth == 0) return p != end ? 0 : slow ? 2 : 1;
      if (p >= end) return 0;
      const c = load<u8>(p);
      const kind = load<u8>(STACK + <usize>(depth - 1));
      if ((kind & 1) == 0) {
        if (c == 0x2c) {
          p = skipSpace(p + 1, end);
          state = S_KEY;
          continue;
        }
        if (c == 0x7d) {
          p++;
          depth--;
          continue;
        }
        return 0;
      }
      if (c == 0x2c) {
        p++;
        ctx = C_NONE;
        field = -1;
        state = S_VALUE;
        continue;
      }
      if (c == 0x5d) {
        p++;
        depth--;
        continue;
      }
      return 0;
    } else {
      if (p >= end || load<u8>(p) != 0x22) return 0;
      const keyStart = p + 1;
      p = jsonString(p, end);
      if (p == 0) return 0;
      const parent = <i32>(load<u8>(STACK + <usize>(depth - 1)) >> 1);
      field = -1;
      ctx = C_NONE;
      if (parent != C_NONE) {
        if (escaped) slow = true;
        else {
          field = fieldOf(parent, keyStart, <i32>(p - 1 - keyStart));
          // A repeated key replaces the earlier value, nested fields included (JSON.parse: last wins).
          if (field == F_MSG) {
            clearTypes(F_MSG, F_CR);
            ctx = C_MSG;
          } else if (field == F_USAGE) {
            clearTypes(F_USAGE, F_CR);
            ctx = C_USAGE;
          } else if (field == F_CC) {
            clearTypes(F_CC, F_CC1);
            ctx = C_CC;
          }
        }
      }
      p = skipSpace(p, end);
      if (p >= end || load<u8>(p) != 0x3a) return 0;
      p++;
      state = S_VALUE;
    }
  }
  return 0; // not reached
}

/**
 * Records the lines of the region [ptr, end) into `out` (at most `cap` records), from its start or
 * from where the previous call stopped; resume() then says where to go on. Empty and lone-CR lines
 * get no record. Reads up to 15 bytes past `end` and 1 before `ptr` (the caller leaves room).
 */
export function scanRegion(ptr: usize, end: usize, maxLineBytes: usize, out: usize, cap: i32): i32 {
  let n = 0;
  let start = ptr;
  while (start <= end && n < cap) {
    const first = start < end ? load<u8>(start) : 0;
    const brace = first == 0x7b;
    const stop = brace ? lineEndWithNeedles(start, end) : lineEnd(start, end);
    const length = stop - start;
    const next = stop + 1;
    if (length == 0 || (length == 1 && first == 0x0d)) {
      start = next;
      continue;
    }
    record = out + <usize>n * <usize>RECORD_BYTES;
    n++;
    store<i32>(record + R_START, <i32>start);
    store<i32>(record + R_END, <i32>stop);
    let kind = K_LINE;
    if (brace && length * 3 <= maxLineBytes) {
      if (!needleFound) kind = K_PLAIN;
      else {
        const last = load<u8>(stop - 1) == 0x0d ? stop - 1 : stop;
        const walked = walk(start, last);
        kind = walked == 1 && load<u8>(record + R_TYPES + <usize>F_APIERR) != T_TRUE ? K_FIELDS : K_CANDIDATE;
      }
    }
    store<i32>(record + R_KIND, kind);
    start = next;
  }
  resumeAt = start;
  return n;
}
