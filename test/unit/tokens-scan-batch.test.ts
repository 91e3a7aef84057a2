/**
 * A scan split over threads reads each file into a FileScan (src/host/transcript-batch.ts) and the
 * main thread applies them in file order. Here on one thread, through the structured clone a
 * worker's postMessage applies: the ledger, the cursors and the report must equal readTranscripts'
 * exactly (key order included), on corpora where duplicates span files (the fixture's resumed
 * session and replaying subagent; a generated corpus with resumptions and replays), with every
 * kind of record (usage, limit, each skip reason), a missing file and an unreadable one.
 * test/integration/tokens-scan.test.ts runs the real threads.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { emptyLedger } from '../../src/core/tokens/ledger';
import { applyFileScan, scanFile, type FileScan } from '../../src/host/transcript-batch';
import {
  discoverTranscripts,
  emptyReaderState,
  emptyReadReport,
  readTranscripts,
  type ReadOptions,
  type TranscriptSource,
} from '../../src/host/transcript-reader';
import { defaultThreads, scanTranscriptDirs } from '../../src/host/transcript-scan';
import { generateCorpus } from '../../bench/transcript-corpus';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'transcripts');
const OPTIONS: ReadOptions = { includeUnterminated: true, skipUnreadable: true, blockingReads: true };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'steward-scan-batch-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function sourcesIn(root: string): Promise<TranscriptSource[]> {
  return (await discoverTranscripts(root)).map((f) => ({
    path: f.path,
    source: f.project,
    sessionId: f.sessionId || undefined,
  }));
}

/** readTranscripts over `files`, as a one-off scan on one thread runs it. */
async function direct(files: TranscriptSource[], options = OPTIONS) {
  const ledger = emptyLedger();
  const reader = emptyReaderState();
  const read = await readTranscripts(reader, files, ledger, options);
  return { ledger, reader, read };
}

/** Each file read on its own into a FileScan, cloned as postMessage clones it, then applied in file order. */
async function batched(files: TranscriptSource[], options = OPTIONS) {
  const ledger = emptyLedger();
  const reader = emptyReaderState();
  const read = emptyReadReport(files.length);
  const scans: FileScan[] = [];
  // Read last file first: the order of reading must not matter, only the order of applying.
  for (const file of [...files].reverse()) scans.unshift(deserialize(serialize(await scanFile(file, options))));
  files.forEach((file, i) => applyFileScan(ledger, reader, read, file, scans[i]));
  return { ledger, reader, read };
}

/** Equal, and equal as JSON (so in the same key order, which the saved ledger and the report follow). */
function expectSame(actual: unknown, expected: unknown): void {
  expect(actual).toEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

describe('a scan read file by file into batches', () => {
  it('gives the fixture corpus exactly as readTranscripts does', async () => {
    const files = await sourcesIn(FIXTURE);
    expect(files.length).toBe(4);
    const expected = await direct(files);
    expect(expected.ledger.stats.duplicates).toBeGreaterThan(0);
    expectSame(await batched(files), expected);
  });

  it('gives a generated corpus whose duplicates span files exactly as readTranscripts does, at any chunk size', async () => {
    const corpus = generateCorpus(path.join(dir, 'claude'), 3 * 1024 * 1024);
    const files = await sourcesIn(corpus.dir);
    expect(files.length).toBeGreaterThan(5);
    // Resumed sessions and replaying subagents repeat messages of other files.
    const keysOf = async (file: TranscriptSource) => new Set((await scanFile(file, OPTIONS)).batch.keys);
    const perFile = await Promise.all(files.map(keysOf));
    const spanning = perFile.filter((keys, i) =>
      perFile.some((other, j) => j !== i && [...keys].some((k) => other.has(k))),
    );
    expect(spanning.length).toBeGreaterThan(2);
    for (const chunkBytes of [undefined, 4096]) {
      const options = { ...OPTIONS, chunkBytes };
      const expected = await direct(files, options);
      expect(expected.ledger.stats.duplicates).toBeGreaterThan(0);
      expectSame(await batched(files, options), expected);
    }
  });

  it('carries every kind of record, a missing file and an unreadable one', async () => {
    const project = path.join(dir, 'projects', '-p');
    mkdirSync(project, { recursive: true });
    const usage = (id: string, output: number, extra = '') =>
      JSON.stringify({
        type: 'assistant',
        sessionId: 's',
        isSidechain: extra === 'side',
        timestamp: `2025-10-01T10:00:0${output % 10}.000Z`,
        requestId: `req_${id}`,
        message: {
          id,
          model: 'claude-opus-4-5-20251101',
          usage: {
            input_tokens: 1.5,
            output_tokens: output,
            cache_read_input_tokens: 7,
            cache_creation: { ephemeral_5m_input_tokens: 3, ephemeral_1h_input_tokens: 4 },
          },
        },
      });
    const limit = (at: string) =>
      JSON.stringify({
        isApiErrorMessage: true,
        timestamp: at,
        message: {
          model: '<synthetic>',
          content: [{ type: 'text', text: 'Claude AI usage limit reached|1760000000' }],
        },
      });
    const lines = [
      usage('m1', 10),
      usage('m1', 30, 'side'),
      limit('2025-10-01T11:00:00.000Z'),
      '',
      'not json',
      '{"message":{"model":"<synthetic>","id":"x","usage":{"input_tokens":0}}}',
      '{"isApiErrorMessage":true,"message":{"content":"rate limit"}}',
      '{"message":{"model":"m","usage":{"input_tokens":1}}}',
      '{"type":"user","message":{"content":"hi"}}',
      '   {"message":{"id":"m2","model":"m","usage":{"input_tokens":2}}}',
      usage('m1', 20),
      limit('2025-10-01T09:00:00.000Z') + '\r',
    ];
    writeFileSync(path.join(project, 'a.jsonl'), lines.join('\n')); // the last line unterminated
    writeFileSync(
      path.join(project, 'b.jsonl'),
      [usage('m1', 40), usage('m3', 5), limit('2025-10-01T12:00:00.000Z')].join('\n') + '\n',
    );
    mkdirSync(path.join(project, 'c.jsonl')); // a directory by that name (discovery leaves it out): unreadable
    const files = [
      ...(await sourcesIn(dir)),
      { path: path.join(project, 'c.jsonl'), source: '-p' },
      { path: path.join(project, 'gone.jsonl'), source: '-p' },
    ];
    const expected = await direct(files);
    expect(expected.read).toMatchObject({ missing: 1, unreadable: [{ path: path.join(project, 'c.jsonl') }] });
    expect(expected.ledger.stats).toMatchObject({ limits: 3, grown: 2 });
    expect(expected.ledger.stats.skipped).toBe(5); // not-json, synthetic, api-error, no-key, no-usage; not the blank
    expectSame(await batched(files), expected);
  });

  it('is what scanTranscriptDirs gives, whatever number of threads is asked for', async () => {
    // From the TypeScript sources there is no compiled helper script: the scan stays on one thread.
    const one = await scanTranscriptDirs([FIXTURE], { threads: 1 });
    const two = await scanTranscriptDirs([FIXTURE], { threads: 2 });
    expect({ one: one.threads, two: two.threads }).toEqual({ one: 1, two: 1 });
    expectSame(two, one);
    expectSame({ ledger: one.ledger, reader: one.reader, read: one.read }, await batched(await sourcesIn(FIXTURE)));
  });
});

describe('how many threads a scan uses by default', () => {
  const MB = 1024 * 1024;
  it('one for a small scan, else one per idle core, up to 4 and no more than the files', () => {
    expect(defaultThreads(200, 15 * MB, 2, 0)).toBe(1);
    expect(defaultThreads(200, 200 * MB, 2, 0.3)).toBe(2);
    expect(defaultThreads(200, 200 * MB, 2, 1.2)).toBe(1); // one core busy with other work
    expect(defaultThreads(200, 200 * MB, 2, 9)).toBe(1);
    expect(defaultThreads(200, 200 * MB, 16, 2)).toBe(4);
    expect(defaultThreads(3, 200 * MB, 16, 0)).toBe(3);
  });
});
