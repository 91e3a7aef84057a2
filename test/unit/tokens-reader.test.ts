import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  discoverClaudeDirs,
  discoverTranscripts,
  emptyReaderState,
  readTranscripts,
  type ReaderState,
  type TranscriptSource,
} from '../../src/host/transcript-reader';
import { emptyLedger, type LedgerState } from '../../src/core/tokens/ledger';
import { reportLedger } from '../../src/core/tokens/report';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'transcripts');
const S1 = '11111111-1111-4111-8111-111111111111';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'steward-reader-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function line(id: string, output: number, text = 'ok'): string {
  return (
    JSON.stringify({
      type: 'assistant',
      requestId: `req_${id}`,
      sessionId: 's1',
      timestamp: '2025-10-01T10:00:00.000Z',
      message: {
        id,
        model: 'claude-sonnet-4-5-20250929',
        content: [{ type: 'text', text }],
        usage: { input_tokens: 1, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    }) + '\n'
  );
}

const output = (ledger: LedgerState): number => reportLedger(ledger).total.output_tokens;

function follow(file: string): { files: TranscriptSource[]; state: ReaderState; ledger: LedgerState } {
  return { files: [{ path: file, source: 'builder' }], state: emptyReaderState(), ledger: emptyLedger() };
}

/** `content` written to a.jsonl in the temp dir, followed by a reader that has read it once. */
async function readOnce(content: string) {
  const file = path.join(dir, 'a.jsonl');
  writeFileSync(file, content);
  const reader = follow(file);
  await readTranscripts(reader.state, reader.files, reader.ledger);
  return { file, ...reader };
}

describe('incremental transcript reader', () => {
  it('reads only the appended line on the next tick, and nothing when nothing changed', async () => {
    const file = path.join(dir, 'a.jsonl');
    writeFileSync(file, line('m1', 10) + line('m2', 20));
    const { files, state, ledger } = follow(file);
    expect(await readTranscripts(state, files, ledger)).toMatchObject({ filesRead: 1, lines: 2 });
    expect(output(ledger)).toBe(30);

    expect(await readTranscripts(state, files, ledger)).toMatchObject({ filesRead: 0, bytesRead: 0, lines: 0 });

    const added = line('m3', 40);
    appendFileSync(file, added);
    const tick = await readTranscripts(state, files, ledger);
    expect(tick).toMatchObject({ filesRead: 1, lines: 1, bytesRead: Buffer.byteLength(added), resets: 0 });
    expect(output(ledger)).toBe(70);
    expect(state.files[file]).toMatchObject({ offset: readFileSync(file).length, partial: 0 });
  });

  it('holds a truncated last line until a later append completes it', async () => {
    // A temp copy of the fixture session whose last line is cut in the middle, as if mid-write.
    const file = path.join(dir, 'session.jsonl');
    cpSync(path.join(FIXTURE, 'projects', '-work-demo', `${S1}.jsonl`), file);
    const complete = line('m_late', 1000);
    const cut = 40;
    appendFileSync(file, complete.slice(0, cut));
    const { files, state, ledger } = follow(file);

    const first = await readTranscripts(state, files, ledger);
    // The S1 fixture's own output: 120 + 200 + 50 + 300 + 70 = 740 (see tokens-fixtures.test.ts).
    expect(output(ledger)).toBe(740);
    expect(first.held).toBe(cut);
    expect(state.files[file].partial).toBe(cut);

    // Nothing new: the partial line is neither consumed nor counted.
    await readTranscripts(state, files, ledger);
    expect(output(ledger)).toBe(740);

    appendFileSync(file, complete.slice(cut));
    const second = await readTranscripts(state, files, ledger);
    expect(second).toMatchObject({ lines: 1, bytesRead: Buffer.byteLength(complete), held: 0 });
    expect(output(ledger)).toBe(1740);
  });

  it('rereads a truncated file from 0 without double counting', async () => {
    const first = line('m1', 10);
    const { file, files, state, ledger } = await readOnce(first + line('m2', 20) + line('m3', 40));
    expect(output(ledger)).toBe(70);

    truncateSync(file, Buffer.byteLength(first));
    expect(await readTranscripts(state, files, ledger)).toMatchObject({ resets: 1, lines: 1 });
    expect(output(ledger)).toBe(70);

    appendFileSync(file, line('m4', 80));
    expect(await readTranscripts(state, files, ledger)).toMatchObject({ resets: 0, lines: 1 });
    expect(output(ledger)).toBe(150);
  });

  it('rereads a replaced file (new inode) and one rewritten in place', async () => {
    const { file, files, state, ledger } = await readOnce(line('m1', 10));

    const next = path.join(dir, 'a.jsonl.tmp');
    writeFileSync(next, line('m1', 10) + line('m2', 20));
    renameSync(next, file);
    expect(await readTranscripts(state, files, ledger)).toMatchObject({ resets: 1, lines: 2 });
    expect(output(ledger)).toBe(30);

    // Same inode, longer, different bytes before the cursor: the tail check notices.
    writeFileSync(file, line('m9', 5, 'rewritten from the start') + line('m2', 20));
    expect(await readTranscripts(state, files, ledger)).toMatchObject({ resets: 1 });
    expect(output(ledger)).toBe(35);
  });

  it('gives the same totals with tiny chunks, across multi-byte characters', async () => {
    const file = path.join(dir, 'a.jsonl');
    writeFileSync(
      file,
      line('m1', 10, 'héllo wörld — ✓ 🎉'.repeat(20)) + line('m2', 20, '日本語'.repeat(50)) + '\r\n\n' + line('m3', 40),
    );
    for (const chunkBytes of [1, 7, 64, 4096]) {
      const { files, state, ledger } = follow(file);
      expect(await readTranscripts(state, files, ledger, { chunkBytes })).toMatchObject({ lines: 3 });
      expect(output(ledger)).toBe(70);
      expect(ledger.stats.skipped).toBe(0);
    }
  });

  it('skips and counts lines over the length cap, with the same totals for every chunk size', async () => {
    const file = path.join(dir, 'a.jsonl');
    const huge = line('m_huge', 5000, 'x'.repeat(3 * 1024 * 1024)); // 3 MB: a line with usage, but over the cap
    writeFileSync(file, line('m1', 10) + huge + line('m2', 20) + 'y'.repeat(200_000) + '\n' + line('m3', 40));
    for (const chunkBytes of [1000, 4096, 65_536, 1 << 20]) {
      const { files, state, ledger } = follow(file);
      const report = await readTranscripts(state, files, ledger, { chunkBytes, maxLineBytes: 64 * 1024 });
      expect({ chunkBytes, ...report }).toMatchObject({ chunkBytes, lines: 3, longLines: 2, held: 0 });
      expect(output(ledger)).toBe(70);
    }
  });

  it('holds an unterminated over-long line without gathering it, and counts it once when it ends', async () => {
    const file = path.join(dir, 'a.jsonl');
    const start = line('m1', 10);
    writeFileSync(file, start + 'z'.repeat(300_000));
    const { files, state, ledger } = follow(file);
    const options = { chunkBytes: 4096, maxLineBytes: 10_000 };
    expect(await readTranscripts(state, files, ledger, options)).toMatchObject({
      lines: 1,
      longLines: 0,
      held: 300_000,
    });
    expect(state.files[file]).toMatchObject({ offset: Buffer.byteLength(start), partial: 300_000 });
    appendFileSync(file, 'z'.repeat(1000));
    expect(await readTranscripts(state, files, ledger, options)).toMatchObject({
      lines: 0,
      longLines: 0,
      held: 301_000,
    });
    appendFileSync(file, '\n' + line('m2', 20));
    expect(await readTranscripts(state, files, ledger, options)).toMatchObject({ lines: 1, longLines: 1, held: 0 });
    expect(output(ledger)).toBe(30);
    // A one-off scan counts an unterminated over-long last line as skipped.
    appendFileSync(file, 'w'.repeat(20_000));
    const scan = follow(file);
    expect(
      await readTranscripts(scan.state, scan.files, scan.ledger, { ...options, includeUnterminated: true }),
    ).toMatchObject({ lines: 2, longLines: 2 });
  });

  it('with skipUnreadable, lists a file it cannot read and reads the rest; without, fails as before', async () => {
    const good = path.join(dir, 'good.jsonl');
    writeFileSync(good, line('m1', 10));
    const notAFile = path.join(dir, 'dir.jsonl');
    mkdirSync(notAFile); // open() succeeds, read() fails with EISDIR
    const files = [
      { path: notAFile, source: 'x' },
      { path: good, source: 'x' },
    ];
    const ledger = emptyLedger();
    const report = await readTranscripts(emptyReaderState(), files, ledger, { skipUnreadable: true });
    expect(report).toMatchObject({
      filesRead: 1,
      unreadable: [{ path: notAFile, error: expect.stringMatching(/^EISDIR/) }],
    });
    expect(output(ledger)).toBe(10);
    await expect(readTranscripts(emptyReaderState(), files, emptyLedger())).rejects.toThrow(/EISDIR/);
  });

  it('drops the cursor of a file that disappeared', async () => {
    const { file, files, state, ledger } = await readOnce(line('m1', 10));
    rmSync(file);
    expect(await readTranscripts(state, files, ledger)).toMatchObject({ missing: 1 });
    expect(state.files).toEqual({});
    expect(output(ledger)).toBe(10);
  });

  it('keeps working from state that went through JSON', async () => {
    const { file, files, state, ledger } = await readOnce(line('m1', 10));
    const savedState: ReaderState = JSON.parse(JSON.stringify(state));
    const savedLedger: LedgerState = JSON.parse(JSON.stringify(ledger));
    appendFileSync(file, line('m2', 20));
    expect(await readTranscripts(savedState, files, savedLedger)).toMatchObject({ lines: 1, resets: 0 });
    expect(output(savedLedger)).toBe(30);
  });
});

describe('transcript discovery', () => {
  it('finds session files and subagent files, parents first', async () => {
    const found = await discoverTranscripts(FIXTURE);
    expect(found.map((f) => [path.relative(FIXTURE, f.path), f.project, f.sessionId, f.isSubagent])).toEqual([
      [`projects/-work-demo/${S1}.jsonl`, '-work-demo', S1, false],
      [`projects/-work-demo/${S1}/subagents/agent-a1.jsonl`, '-work-demo', S1, true],
      [
        'projects/-work-demo/22222222-2222-4222-8222-222222222222.jsonl',
        '-work-demo',
        '22222222-2222-4222-8222-222222222222',
        false,
      ],
      [
        'projects/-work-other/33333333-3333-4333-8333-333333333333.jsonl',
        '-work-other',
        '33333333-3333-4333-8333-333333333333',
        false,
      ],
    ]);
    // A projects dir, or one project's dir, works as well.
    expect(await discoverTranscripts(path.join(FIXTURE, 'projects'))).toHaveLength(4);
    expect(await discoverTranscripts(path.join(FIXTURE, 'projects', '-work-demo'))).toHaveLength(3);
  });

  it('reads $CLAUDE_CONFIG_DIR (comma-separated, existing dirs only), else the home defaults', () => {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    mkdirSync(a);
    mkdirSync(b);
    expect(discoverClaudeDirs({ CLAUDE_CONFIG_DIR: ` ${a}, ${path.join(dir, 'missing')} ,${b},${a}` }, dir)).toEqual([
      a,
      b,
    ]);

    const home = path.join(dir, 'home');
    expect(discoverClaudeDirs({}, home)).toEqual([]);
    mkdirSync(path.join(home, '.claude'), { recursive: true });
    expect(discoverClaudeDirs({}, home)).toEqual([path.join(home, '.claude')]);
    mkdirSync(path.join(home, '.config', 'claude'), { recursive: true });
    expect(discoverClaudeDirs({ CLAUDE_CONFIG_DIR: '' }, home)).toEqual([
      path.join(home, '.claude'),
      path.join(home, '.config', 'claude'),
    ]);
  });
});
