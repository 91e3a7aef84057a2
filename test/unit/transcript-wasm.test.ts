/**
 * The WebAssembly pass of the line splitter (src/host/transcript-wasm.ts, built from
 * src/host/wasm/transcript-scan.ts) must give exactly the records of the JS path: the same as
 * decoding the range, splitting on '\n' and calling parseTranscriptLine on each line. Checked on
 * the fixtures, on a small generated corpus, on crafted lines (CRLF, blank lines, non-ASCII and
 * invalid UTF-8, escapes, odd numbers, duplicate keys, deep nesting), at chunk sizes that cut lines
 * anywhere, and on seeded mutations of real lines (a byte inserted, replaced or deleted, a line
 * cut short or two joined): every line the pass answers for itself must get parseCandidate's
 * record, every line it rejects must reach parseCandidate.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateCorpus } from '../../bench/transcript-corpus';
import {
  candidateRecord,
  parseCandidate,
  parseTranscriptLine,
  skipRecord,
  type TranscriptRecord,
} from '../../src/core/tokens/transcript-line';
import { referenceRecords } from './support/transcript-reference';
import { scanLines, transcriptWasm, type ReadAt } from '../../src/host/transcript-lines';
import { loadTranscriptWasm, type TranscriptWasm } from '../../src/host/transcript-wasm';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'transcripts');
const MAX_LINE = 1 << 24;

let dir: string;
let wasm: TranscriptWasm;
let corpusLines: Buffer[];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'transcript-wasm-'));
  const out = path.join(dir, 'transcript-scan.wasm');
  // The same compile as `npm run build:wasm`, into a temp file: the test does not depend on dist/.
  execFileSync(process.execPath, [
    path.join(ROOT, 'node_modules', 'assemblyscript', 'bin', 'asc.js'),
    path.join(ROOT, 'src', 'host', 'wasm', 'transcript-scan.ts'),
    '--config',
    path.join(ROOT, 'src', 'host', 'wasm', 'asconfig.json'),
    '-o',
    out,
  ]);
  wasm = loadTranscriptWasm(out, 1 << 20);
  transcriptWasm(wasm);
  generateCorpus(path.join(dir, 'corpus'), 400_000, 7);
  corpusLines = files(path.join(dir, 'corpus')).flatMap((file) => lines(readFileSync(file)));
}, 60_000);

afterAll(() => {
  transcriptWasm(null);
  rmSync(dir, { recursive: true, force: true });
});

function files(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(root, e.name);
    if (e.isDirectory()) return files(p);
    return p.endsWith('.jsonl') ? [p] : [];
  });
}

function lines(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let start = 0; start < bytes.length;) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    out.push(bytes.subarray(start, end));
    start = end + 1;
  }
  return out;
}

const reference = (bytes: Buffer) => referenceRecords(bytes, MAX_LINE);

interface Split {
  records: TranscriptRecord[];
  lines: number;
  long: number;
}

/** The reader's handlers, through the WebAssembly pass; `answered` counts the lines it parsed itself. */
async function split(bytes: Buffer, chunkBytes: number, answered = { count: 0 }, later = false): Promise<Split> {
  const records: TranscriptRecord[] = [];
  const copy = (buf: Buffer, length: number, position: number): number =>
    bytes.copy(buf, 0, position, position + length);
  const read: ReadAt = later
    ? (buf, length, position) => new Promise((resolve) => setImmediate(() => resolve(copy(buf, length, position))))
    : copy;
  const scan = await scanLines(read, 0, bytes.length, chunkBytes, MAX_LINE, {
    line: (text) => records.push(parseTranscriptLine(text)),
    candidate: (text) => records.push(parseCandidate(text)),
    plain: () => records.push(skipRecord('no-usage')),
    parsed: (fields) => {
      answered.count += 1;
      records.push(candidateRecord(fields));
    },
  });
  if (scan.rest.length > 0) {
    const last = scan.rest.toString('utf8');
    if (last.trim() !== '') {
      scan.lines += 1;
      records.push(parseTranscriptLine(last));
    }
  }
  return { records, lines: scan.lines, long: scan.longLines };
}

const joined = (ls: readonly (string | Buffer)[], eol = '\n'): Buffer =>
  Buffer.concat(ls.flatMap((l) => [typeof l === 'string' ? Buffer.from(l) : l, Buffer.from(eol)]));

const usage = (extra = ''): string =>
  `{"input_tokens":3,"output_tokens":120,"cache_creation_input_tokens":500,"cache_read_input_tokens":9${extra}}`;
const assistant = (id: string, extra = '', usageText = usage()): string =>
  `{"type":"assistant","requestId":"req_${id}","sessionId":"s1","uuid":"u_${id}",${extra}` +
  `"message":{"id":"msg_${id}","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"hé ✓ 𝄞"}],"usage":${usageText}}}`;

const CRAFTED: (string | Buffer)[] = [
  assistant('plain'),
  assistant('crlf') + '\r',
  assistant('crlf2') + '\r\r',
  '   ' + assistant('indented'),
  assistant('trailing') + ' \t ',
  assistant('side', '"isSidechain":true,"timestamp":"2026-01-01T00:00:00Z",'),
  assistant('side-dup', '"isSidechain":true,"isSidechain":1,'),
  assistant('msg-dup', '"message":{"id":"first","usage":{"output_tokens":99}},'),
  assistant(
    'msg-dup-more',
    '"message":{"id":"first","model":"m1","usage":{"input_tokens":5,"cache_creation":{"ephemeral_1h_input_tokens":7}}},',
  ),
  `{"message":{"id":"m_gone","usage":${usage()}},"message":"gone"}`,
  `{"message":{"id":"first","model":"m1","usage":${usage()}},"message":{"usage":{"output_tokens":3}},"uuid":"u_2nd"}`,
  `{"message":{"id":"m_u2","usage":${usage(',"cache_creation":{"ephemeral_1h_input_tokens":7}')},"usage":{"output_tokens":1}}}`,
  assistant('msg-after') + '',
  assistant('no-id').replace('"id":"msg_no-id",', ''),
  assistant('empty-id').replace('"id":"msg_empty-id"', '"id":""'),
  assistant('num-id').replace('"id":"msg_num-id"', '"id":5'),
  assistant('no-keys').replace('"id":"msg_no-keys",', '').replace('"requestId":"req_no-keys",', ''),
  assistant('nothing')
    .replace('"id":"msg_nothing",', '')
    .replace('"requestId":"req_nothing",', '')
    .replace('"uuid":"u_nothing",', ''),
  assistant('synthetic').replace('claude-sonnet-4-5-20250929', '<synthetic>'),
  assistant('no-model').replace('"model":"claude-sonnet-4-5-20250929",', ''),
  assistant('model-null').replace('"claude-sonnet-4-5-20250929"', 'null'),
  assistant('ε-ünïcode', '"sessionId":"séssion-✓",'),
  assistant('split', '', usage(',"cache_creation":{"ephemeral_5m_input_tokens":100,"ephemeral_1h_input_tokens":400}')),
  assistant('split-only', '', '{"output_tokens":1,"cache_creation":{"ephemeral_1h_input_tokens":7}}'),
  assistant('split-dup', '', usage(',"cache_creation":{"ephemeral_1h_input_tokens":7},"cache_creation":[]')),
  assistant('usage-str', '', '{"input_tokens":"3","output_tokens":"4"}'),
  assistant('usage-neg', '', '{"input_tokens":-3,"output_tokens":-0,"cache_read_input_tokens":0}'),
  assistant('usage-big', '', '{"input_tokens":999999999999999,"output_tokens":12345678901234567890}'),
  assistant('usage-frac', '', '{"input_tokens":1.5,"output_tokens":2e3,"cache_read_input_tokens":1E-2}'),
  assistant('usage-huge', '', '{"input_tokens":1e400,"output_tokens":1}'),
  assistant('usage-arr', '', '[1,2]'),
  assistant('usage-empty', '', '{}'),
  assistant('usage-dup', '', '{"output_tokens":1,"output_tokens":5}'),
  assistant('esc-key', '', '{"output_tokens":1,"outp\\u0075t_tokens":5}'),
  assistant('esc-value').replace('"req_esc-value"', '"req_\\"q\\u00e9"'),
  assistant('esc-id').replace('"msg_esc-id"', '"msg_\\u00e9\\n"'),
  assistant('esc-model').replace('claude-sonnet', 'claude\\/sonnet'),
  assistant('proto', '"__proto__":{"x":1},'),
  assistant('deep', `"deep":${'['.repeat(600)}${']'.repeat(600)},`),
  assistant('deep-obj', `"deep":${'{"a":'.repeat(40)}1${'}'.repeat(40)},`),
  `{"type":"assistant","isApiErrorMessage":true,"message":{"model":"<synthetic>","content":[{"type":"text","text":"Claude AI usage limit reached|1760000000"}],"usage":${usage()}}}`,
  `{"isApiErrorMessage":true,"message":{"content":"rate limit hit, usage limit reached"}}`,
  `{"isApiErrorMessage":1,"message":{"id":"m","usage":${usage()}}}`,
  `{"note":"isApiErrorMessage\\" is not a key","isApiErrorMessage":false}`,
  `{"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":{"usage":${usage()}}}]}}`,
  `{"message":"usage"}`,
  `{"message":{"usage":"x"},"uuid":"u"}`,
  `{"message":[{"usage":{}}]}`,
  `["usage"]`,
  `not json "usage"`,
  `{"message":{"id":"m_trunc","usage":{"input_tokens":1`,
  `{"message":{"id":"m","usage":{"input_tokens":1}}} {"x":"usage"}`,
  `{"message":{"id":"m","usage":{"input_tokens":1}}},`,
  `{"message":{"id":"m","usage":{"input_tokens":01}}}`,
  `{"message":{"id":"m","usage":{"input_tokens":1.}}}`,
  `{"message":{"id":"m","usage":{"input_tokens":-}}}`,
  `{"message":{"id":"m","usage":{"input_tokens":tru}}}`,
  `{"message":{"id":"m","usage":{"input_tokens":1,}}}`,
  `{"message":{"id":"m\tx","usage":{"input_tokens":1}}}`,
  `{"message":{"id":"m\\x","usage":{"input_tokens":1}}}`,
  `{"message":{"id":"m\\u12","usage":{"input_tokens":1}}}`,
  '{"message" : { "id" : "m_ws" , "usage" : { "input_tokens" : 1 } } }',
  '{\t"message":{"id":"m_tab","usage":{"output_tokens":2}}\f}',
  '',
  '\r',
  '   ',
  '\t\u00a0',
  '{}',
  '{',
  Buffer.concat([
    Buffer.from('{"bad":"'),
    Buffer.from([0xf0, 0x28]),
    Buffer.from(`","message":{"id":"m_bad","usage":${usage()}}}`),
  ]),
  Buffer.concat([
    Buffer.from('{"message":{"id":"m_'),
    Buffer.from([0xff, 0xc3]),
    Buffer.from(`","usage":${usage()}}}`),
  ]),
  Buffer.concat([
    Buffer.from('{"message":{"id":"m_out"'),
    Buffer.from([0xc3, 0xa9]),
    Buffer.from(`,"usage":${usage()}}}`),
  ]),
  Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"usage"}')]),
  Buffer.concat([Buffer.from([0xc3]), Buffer.from(assistant('lead-byte'))]),
  Buffer.concat([
    Buffer.from(assistant('nul').slice(0, 20)),
    Buffer.from([0x00]),
    Buffer.from(assistant('nul').slice(20)),
  ]),
  `{"filler":"${'x'.repeat(3000)}","message":{"id":"m_long","usage":${usage()}}}`,
];

describe('the WebAssembly pass of the line splitter', () => {
  it('gives the JS records on every fixture line, at any chunk size', async () => {
    for (const file of files(FIXTURE)) {
      const bytes = readFileSync(file);
      const expected = reference(bytes);
      for (const chunk of [7, 64, 1 << 20]) expect(await split(bytes, chunk)).toEqual(expected);
    }
  });

  it('gives the JS records on a generated corpus, and answers most usage lines itself', async () => {
    const bytes = joined(corpusLines);
    const answered = { count: 0 };
    const expected = reference(bytes);
    expect(await split(bytes, 1 << 20, answered)).toEqual(expected);
    expect(answered.count).toBeGreaterThan(expected.records.filter((r) => r.kind === 'usage').length * 0.9);
    // Lines cut by chunk boundaries anywhere (joined in JS and copied in).
    for (const chunk of [1, 13, 4096])
      expect(await split(bytes.subarray(0, 60_000), chunk)).toEqual(reference(bytes.subarray(0, 60_000)));
  });

  it('gives the JS records on crafted lines, with LF or CRLF, at any chunk size', async () => {
    for (const eol of ['\n', '\r\n', '\n\n', '\r\n\r\n']) {
      const bytes = joined(CRAFTED, eol);
      const expected = reference(bytes);
      for (const chunk of [1, 2, 3, 16, 17, 100, 1 << 20]) expect(await split(bytes, chunk)).toEqual(expected);
    }
    // Without a last newline: the unterminated line, as a one-off scan feeds it.
    const unterminated = Buffer.concat([joined(CRAFTED), Buffer.from(assistant('last'))]);
    expect(await split(unterminated, 64)).toEqual(reference(unterminated));
  });

  it('agrees with parseCandidate on seeded mutations of real lines', async () => {
    let seed = 12345;
    const rnd = (k: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % k;
    };
    const STRAY = [
      0x00, 0x01, 0x1f, 0x20, 0x22, 0x27, 0x2c, 0x2d, 0x2e, 0x30, 0x31, 0x3a, 0x5b, 0x5c, 0x5d, 0x65, 0x7b, 0x7d, 0x7f,
      0x80, 0xa0, 0xc3, 0xe2, 0xef, 0xff, 0x09, 0x0c, 0x0d, 0x0a, 0x0b, 0x75, 0x45, 0x2b, 0x74, 0x6e,
    ];
    const sources = corpusLines.filter((l) => l.includes('"usage"') || l.includes('"isApiErrorMessage"'));
    const mutated: Buffer[] = [];
    for (let k = 0; k < 600; k++) {
      const l = sources[rnd(sources.length)];
      const at = rnd(l.length + 1);
      const at2 = rnd(l.length);
      const replaced = Buffer.from(l);
      replaced[at2] = STRAY[rnd(STRAY.length)];
      mutated.push(
        l.subarray(0, at),
        Buffer.concat([l.subarray(0, at), Buffer.from([STRAY[rnd(STRAY.length)]]), l.subarray(at)]),
        replaced,
        Buffer.concat([l.subarray(0, at2), l.subarray(at2 + 1)]),
        Buffer.concat([l, sources[rnd(sources.length)]]),
        Buffer.concat([l, Buffer.from(',')]),
      );
    }
    // Random token soup: mostly not JSON, all candidates.
    const TOKENS = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      ' ',
      '"',
      '"a"',
      '"usage"',
      '"message"',
      '"\\u00e9"',
      '"\\"',
      '\\',
      '0',
      '1',
      '-',
      '.',
      'e',
      '+',
      'true',
      'false',
      'null',
      'tru',
      '"\\ud800"',
      '\t',
      '\r',
      'é',
      '\u2028',
      '\x00',
      '"x',
      '{"a":',
      '"b":1}',
      '[1,',
      '2]',
      '1e5',
      '-0',
      '0.5',
      '00',
      '"message":{"usage":{"output_tokens":',
      '"id":"k"',
    ];
    for (let k = 0; k < 3000; k++) {
      let s = '{';
      for (let m = 1 + rnd(12); m > 0; m--) s += TOKENS[rnd(TOKENS.length)];
      mutated.push(Buffer.from(rnd(2) ? s + '}' : s));
    }
    const bytes = joined(mutated);
    const answered = { count: 0 };
    expect(await split(bytes, 1 << 20, answered)).toEqual(reference(bytes));
    expect(answered.count).toBeGreaterThan(1000);
    // Line by line, so that a mismatch names its line.
    for (const line of mutated) {
      const one = joined([line]);
      const got = await split(one, 1 << 20);
      const want = reference(one);
      if (JSON.stringify(got) !== JSON.stringify(want))
        expect({ line: line.toString('latin1'), ...got }).toEqual({ line: line.toString('latin1'), ...want });
    }
  });

  it('uses its own chunk buffer for one scan at a time; a scan alongside is copied in', async () => {
    const bytes = joined(CRAFTED);
    const expected = reference(bytes);
    const [a, b] = await Promise.all([split(bytes, 64, undefined, true), split(bytes, 64, undefined, true)]);
    expect(a).toEqual(expected);
    expect(b).toEqual(expected);
    const chunk = wasm.takeChunk(1 << 20);
    expect(chunk).toBeDefined();
    expect(wasm.takeChunk(1 << 20)).toBeUndefined();
    wasm.releaseChunk(chunk!);
  });
});
