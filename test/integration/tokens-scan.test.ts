/**
 * `steward tokens scan` end to end through the real launcher: bin/steward sends `tokens scan` to its
 * own entry (dist/client/scan-cli.js), which must never load the Temporal client, and must answer
 * every command line exactly as the full program does (output, errors, exit codes). A large scan is
 * split over threads (dist/host/transcript-scan-worker.js): its result must be identical, to the
 * last cursor and counter, to one thread's, on a corpus where duplicates span files.
 *
 * Needs dist/ (`npm run build`); no Temporal server is used.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { formatScan, scanOutput } from '../../src/client/commands/tokens';
import { runProgram, type ProgramResult } from '../../src/host/run-program';
import type * as ScanModule from '../../src/host/transcript-scan';
import { generateCorpus, type Corpus } from '../../bench/transcript-corpus';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'transcripts');
const BIN = path.join(ROOT, 'bin', 'steward');
const FULL_PROGRAM = path.join(ROOT, 'dist', 'client', 'cli.js');
const COMPILED_SCAN = path.join(ROOT, 'dist', 'host', 'transcript-scan.js');

function node(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ProgramResult> {
  return runProgram(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, timeoutMs: 120_000 });
}

/** `steward tokens scan …` as a user runs it. */
const scan = (args: string[], env: NodeJS.ProcessEnv = {}) => node([BIN, 'tokens', 'scan', ...args], env);

let tmp: string;
let corpus: Corpus;

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist', 'client', 'scan-cli.js')) || !existsSync(COMPILED_SCAN))
    throw new Error('dist/ is missing or stale: run `npm run build` before this test');
  tmp = mkdtempSync(path.join(tmpdir(), 'steward-scan-it-'));
  // Over the 16 MiB under which a scan stays on one thread; resumed sessions and replaying
  // subagents repeat messages of other files.
  corpus = generateCorpus(path.join(tmp, 'claude'), 24 * 1024 * 1024);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('steward tokens scan, the real command', () => {
  it('gives the fixture corpus exactly as the in-process scan, as JSON and as a table, on one thread or two', async () => {
    const expected = await scanOutput([FIXTURE]);
    expect(expected.total.output_tokens).toBe(2660);
    for (const threads of [undefined, '2']) {
      const json = await scan(['--json', FIXTURE], threads ? { STEWARD_SCAN_THREADS: threads } : {});
      expect({ code: json.code, stderr: json.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(json.stdout)).toEqual(expected);
      const table = await scan([FIXTURE], threads ? { STEWARD_SCAN_THREADS: threads } : {});
      expect(table).toEqual({ code: 0, stdout: formatScan(expected), stderr: '' });
    }
  });

  it('gives a large corpus (duplicates across files, read on several threads) exactly as the in-process scan', async () => {
    const expected = await scanOutput([corpus.dir]);
    expect(expected.total).toMatchObject({
      input_tokens: corpus.expected.steward.input,
      output_tokens: corpus.expected.steward.output,
      cache_creation_input_tokens: corpus.expected.steward.cacheWrite,
      cache_read_input_tokens: corpus.expected.steward.cacheRead,
    });
    expect(expected.duplicates).toBeGreaterThan(0);
    for (const threads of [undefined, '1', '3']) {
      const run = await scan(['--json', corpus.dir], threads ? { STEWARD_SCAN_THREADS: threads } : {});
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(run.stdout)).toEqual(expected);
    }
  });

  it('answers every command line as the full program does: help, errors and exit codes included', async () => {
    const bad = path.join(tmp, 'agents.toml');
    writeFileSync(bad, '[prices."claude-foo"]\ninput = -1\n');
    const priced = path.join(tmp, 'priced.toml');
    writeFileSync(priced, 'name = "scan"\n\n[prices."claude-mystery-9"]\ninput = 1\noutput = 2\n');
    const lines = [
      ['--help'],
      [path.join(FIXTURE, 'no-such-dir')],
      ['--bogus', FIXTURE],
      ['--by', 'bogus', FIXTURE],
      ['--by', 'agent', '--build', 'x', FIXTURE, '--json'],
      [FIXTURE, '--config', bad],
      [FIXTURE, '--config', path.join(tmp, 'missing.toml')],
      [FIXTURE, '--config', priced, '--json'],
      [FIXTURE, 'extra'],
    ];
    for (const args of lines) {
      const fast = await scan(args);
      const full = await node([FULL_PROGRAM, 'tokens', 'scan', ...args]);
      expect({ args, ...fast }).toEqual({ args, ...full });
    }
    expect((await scan([path.join(FIXTURE, 'no-such-dir')])).code).toBe(2);
    expect((await scan([FIXTURE, '--config', bad])).code).toBe(2);
    expect(JSON.parse((await scan([FIXTURE, '--config', priced, '--json'])).stdout).unpriced_models).toEqual([]);
  });

  it('loads neither the Temporal client nor the config loader for a scan', async () => {
    const probe = [
      `process.argv = [process.execPath, ${JSON.stringify(BIN)}, 'tokens', 'scan', '--json', ${JSON.stringify(FIXTURE)}];`,
      "process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(require.cache))));",
      `require(${JSON.stringify(BIN)});`,
    ].join('\n');
    const run = await node(['-e', probe]);
    expect(run.code).toBe(0);
    const loaded = JSON.parse(run.stderr) as string[];
    expect(loaded.some((m) => m.includes(`${path.sep}scan-cli.js`))).toBe(true);
    expect(loaded.filter((m) => /@temporalio|[\\/]zod[\\/]|smol-toml|load-or-exit|[\\/]cli\.js$/.test(m))).toEqual([]);
  });
});

describe('a scan split over threads', () => {
  /** The compiled scanner: only it has the helper thread's script. */
  const compiled = async (): Promise<typeof ScanModule> => (await import(COMPILED_SCAN)) as typeof ScanModule;

  it('gives exactly one thread’s ledger, cursors and report, whichever thread reads which file', async () => {
    const { scanTranscriptDirs } = await compiled();
    for (const dir of [corpus.dir, FIXTURE]) {
      const one = await scanTranscriptDirs([dir], { threads: 1 });
      expect(one.threads).toBe(1);
      const expected = JSON.stringify({ ledger: one.ledger, reader: one.reader, read: one.read });
      if (dir === corpus.dir) {
        // Duplicates span files, so the order the ledger sees them in decides which file owns a message.
        expect(one.ledger.stats.duplicates).toBeGreaterThan(100);
        expect(one.ledger.stats.grown).toBeGreaterThan(100);
      }
      for (const threads of [2, 2, 3, 4]) {
        const split = await scanTranscriptDirs([dir], { threads });
        expect(split.threads).toBe(threads);
        expect(JSON.stringify({ ledger: split.ledger, reader: split.reader, read: split.read })).toBe(expected);
      }
    }
  });

  it('by default reads a small scan on one thread, a large one on the idle cores', async () => {
    const { scanTranscriptDirs } = await compiled();
    expect((await scanTranscriptDirs([FIXTURE])).threads).toBe(1);
    // How many cores are idle depends on what else runs (see defaultThreads' unit test).
    const threads = (await scanTranscriptDirs([corpus.dir])).threads;
    expect(threads).toBeGreaterThanOrEqual(1);
    expect(threads).toBeLessThanOrEqual(Math.min(availableParallelism(), 4));
  });
});
