/**
 * The byte-level line splitter (src/host/transcript-lines.ts) must decide every line exactly as
 * decoding the whole range, splitting on '\n' and calling parseTranscriptLine does: same records
 * in the same order, same line and long-line counts, whatever the chunk size. Checked on every
 * fixture line and on crafted ones (needles in odd places, invalid UTF-8, CRLF, blank and
 * whitespace-led lines, multi-byte characters across chunk boundaries, over-long lines).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  parseCandidate,
  parseTranscriptLine,
  skipRecord,
  type TranscriptRecord,
} from '../../src/core/tokens/transcript-line';
import { referenceRecords } from './support/transcript-reference';
import { overLong, scanLines, type ReadAt } from '../../src/host/transcript-lines';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'transcripts');

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return fixtureFiles(p);
    return p.endsWith('.jsonl') ? [p] : [];
  });
}

const usage = (extra = ''): string =>
  `{"input_tokens":3,"output_tokens":120,"cache_creation_input_tokens":500,"cache_read_input_tokens":9${extra}}`;
const assistant = (id: string, extra = ''): string =>
  `{"type":"assistant","requestId":"req_${id}","sessionId":"s1","uuid":"u_${id}",${extra}` +
  `"message":{"id":"msg_${id}","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"hé ✓ 𝄞"}],"usage":${usage()}}}`;

const CRAFTED: (string | Buffer)[] = [
  assistant('plain'),
  assistant('crlf') + '\r',
  '   ' + assistant('indented'),
  '\uFEFF' + assistant('bom'),
  `{"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":{"usage":${usage()}}}]}}`,
  `{"type":"user","message":{"content":"a quoted \\"usage\\": {\\"input_tokens\\": 5} in text"}}`,
  `{"type":"user","message":{"content":"usage\\" and usage"}}`,
  `{"type":"assistant","isApiErrorMessage":true,"message":{"model":"<synthetic>","content":[{"type":"text","text":"Claude AI usage limit reached|1760000000"}]}}`,
  `{"note":"isApiErrorMessage\\" is not a key","isApiErrorMessage":false}`,
  `["usage"]`,
  `not json "usage"`,
  `{"message":{"id":"m_trunc","usage":{"input_tokens":1`,
  `{"message":{"id":"m_exp","model":"x","usage":{"input_tokens":1e2,"output_tokens":2.5E1}}}`,
  `{"message":{"model":"x","usage":{"output_tokens":4},"id":"m_order"},"uuid":"u_order"}`,
  `{"message":{"id":"m_\\u00e9\\"q","model":"x","usage":{"output_tokens":4}}}`,
  '',
  '\r',
  '   ',
  '\t\u00a0',
  '{}',
  Buffer.concat([
    Buffer.from('{"bad":"'),
    Buffer.from([0xf0, 0x28]),
    Buffer.from(`","message":{"id":"m_bad","usage":${usage()}}}`),
  ]),
  Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"usage"}')]),
  Buffer.concat([Buffer.from([0xc3]), Buffer.from(assistant('lead-byte'))]),
  `{"filler":"${'x'.repeat(300)}","message":{"id":"m_long","usage":${usage()}}}`,
];

async function split(bytes: Buffer, chunkBytes: number, maxLineBytes: number) {
  const records: TranscriptRecord[] = [];
  const read: ReadAt = (buf, length, position) => bytes.copy(buf, 0, position, position + length);
  const scan = await scanLines(read, 0, bytes.length, chunkBytes, maxLineBytes, {
    line: (text) => records.push(parseTranscriptLine(text)),
    candidate: (text) => records.push(parseCandidate(text)),
    plain: () => records.push(skipRecord('no-usage')),
  });
  // The unterminated last line, as a one-off scan feeds it.
  if (!scan.restTooLong && scan.rest.length > 0) {
    const last = scan.rest.toString('utf8');
    if (overLong(last, maxLineBytes)) scan.longLines += 1;
    else if (last.trim() !== '') {
      scan.lines += 1;
      records.push(parseTranscriptLine(last));
    }
  }
  return { records, lines: scan.lines, long: scan.longLines + (scan.restTooLong ? 1 : 0) };
}

function crafted(): Buffer {
  return Buffer.concat(CRAFTED.flatMap((l) => [typeof l === 'string' ? Buffer.from(l) : l, Buffer.from('\n')]));
}

describe('the byte-level line splitter', () => {
  it('decides every fixture line as parseTranscriptLine does', async () => {
    for (const file of fixtureFiles(FIXTURE)) {
      const bytes = readFileSync(file);
      const expected = referenceRecords(bytes, 1 << 24);
      for (const chunk of [7, 64, 1 << 20]) expect(await split(bytes, chunk, 1 << 24)).toEqual(expected);
    }
  });

  it('decides crafted lines as parseTranscriptLine does, at any chunk size', async () => {
    const bytes = crafted();
    const expected = referenceRecords(bytes, 1 << 24);
    expect(expected.records.filter((r) => r.kind === 'usage').length).toBeGreaterThanOrEqual(8);
    for (const chunk of [1, 2, 3, 5, 13, 100, 4096]) expect(await split(bytes, chunk, 1 << 24)).toEqual(expected);
  });

  it('counts over-long lines as the decoding reader did', async () => {
    const bytes = crafted();
    for (const max of [40, 150, 200, 400]) {
      const expected = referenceRecords(bytes, max);
      for (const chunk of [3, 64, 4096]) expect(await split(bytes, chunk, max)).toEqual(expected);
    }
  });

  it('finds a needle only whole: its tail alone, or after other bytes, is no needle', async () => {
    const lines = [
      '{"ApiErrorMessage":true,"message":{"id":"m_a","usage":{"output_tokens":1}}}',
      '{"xisApiErrorMessage":true}',
      '{"IsApiErrorMessage":true,"message":{"id":"m_b","model":"x","usage":{"output_tokens":2}}}',
      '{"isApiErrorMessage":true,"message":{"content":"Claude AI usage limit reached|1760000000"}}',
      '{"susage":{"output_tokens":3}}',
      '{"usage":{"output_tokens":4},"message":{"id":"m_c","usage":{"output_tokens":5}}}',
      'usage"{"message":{"id":"m_d","usage":{"output_tokens":6}}}',
      '{"a":"isApiErrorMessage\\"","b":"\\"usage\\""}',
      '{"message":{"id":"m_e","usage":{"output_tokens":7}},"z":"ApiErrorMessage\\"usage\\""}',
    ];
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const expected = referenceRecords(bytes, 1 << 24);
    expect(expected.records.filter((r) => r.kind === 'usage').length).toBe(4);
    for (const chunk of [1, 2, 7, 19, 64, 4096]) expect(await split(bytes, chunk, 1 << 24)).toEqual(expected);
  });

  it('feeds an unterminated last line like any other', async () => {
    const bytes = Buffer.from(`${assistant('a')}\n${assistant('b')}`);
    const expected = referenceRecords(bytes, 1 << 24);
    expect(expected.records.map((r) => (r.kind === 'usage' ? r.key : r.kind))).toEqual(['msg_a', 'msg_b']);
    for (const chunk of [4, 1 << 20]) expect(await split(bytes, chunk, 1 << 24)).toEqual(expected);
  });
});
