import { spawn } from 'node:child_process';
import fs, { cpSync, mkdtempSync, rmSync, writeFileSync, type PathLike } from 'node:fs';
import fsPromises from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommanderError } from 'commander';
import { formatScan, registerTokensScan, scanOutput } from '../../src/client/commands/tokens';
import { UsageError } from '../../src/client/load-or-exit';
import { capturedProgram } from './support/cli';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'transcripts');

/** Runs `body` with the path of an agents.toml (not yet written) in a temp dir it removes afterwards. */
async function withConfigPath(body: (config: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'steward-scan-config-'));
  try {
    await body(path.join(dir, 'agents.toml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A `steward tokens` command as the lead builds it, with output captured. */
const cli = () => capturedProgram((program) => registerTokensScan(program.command('tokens')));

describe('steward tokens scan', () => {
  it('prints the documented JSON shape with exact figures (see tokens-fixtures.test.ts)', async () => {
    const { program, out } = cli();
    await program.parseAsync(['tokens', 'scan', FIXTURE, '--json'], { from: 'user' });
    const json = JSON.parse(out.join(''));
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['total', 'unpriced_models', 'sessions', 'models', 'files', 'lines', 'skipped']),
    );
    expect(json.total).toEqual({
      input_tokens: 1187,
      output_tokens: 2660,
      cache_creation_input_tokens: 8000,
      cache_read_input_tokens: 115000,
      cost_usd: 0.095431,
    });
    expect(json.unpriced_models).toEqual(['claude-mystery-9']);
    expect({ files: json.files, lines: json.lines, skipped: json.skipped }).toEqual({
      files: 4,
      lines: 26,
      skipped: 9,
    });
    expect(json.sessions).toHaveLength(3);
    expect(json.sessions[0]).toEqual({
      session_id: '11111111-1111-4111-8111-111111111111',
      source: '-work-demo',
      input_tokens: 167,
      output_tokens: 1140,
      cache_creation_input_tokens: 8000,
      cache_read_input_tokens: 75000,
      cost_usd: 0.062551,
      unpriced_models: [],
      messages: 6,
      models: ['claude-haiku-4-5-20251001', 'claude-sonnet-4-5-20250929'],
    });
    expect(json.models.map((m: { model: string; cost_usd: number | null }) => [m.model, m.cost_usd])).toEqual([
      ['claude-sonnet-4-5-20250929', 0.057981],
      ['claude-opus-4-5-20251101', 0.03255],
      ['claude-haiku-4-5-20251001', 0.0049],
      ['claude-mystery-9', null],
    ]);
  });

  it('prints a readable table without --json', async () => {
    const { program, out } = cli();
    await program.parseAsync(['tokens', 'scan', FIXTURE], { from: 'user' });
    const text = out.join('');
    expect(text).toMatch(/^4 files, 26 lines \(9 without usage\), 9 messages, 7 duplicate lines$/m);
    expect(text).toMatch(/^MODEL\s+INPUT\s+OUTPUT\s+CACHE WRITE\s+CACHE READ\s+COST$/m);
    expect(text).toMatch(/^claude-mystery-9\s+1,000\s+1,000\s+0\s+0\s+unpriced$/m);
    // The total leaves out the unpriced model's cost, and says so.
    expect(text).toMatch(/^TOTAL\s+1,187\s+2,660\s+8,000\s+115,000\s+\$0\.0954\+$/m);
    // A short session's cost is not rounded away to $0.00.
    expect(text).toMatch(
      /^33333333-3333-4333-8333-333333333333 \(-work-other\)\s+1,010\s+1,020\s+0\s+0\s+\$0\.0003\+$/m,
    );
    expect(text).toMatch(/Not in the price table.*claude-mystery-9/);
    expect(text).toMatch(/Usage limit \(-work-demo, .*\): Claude AI usage limit reached/);
  });

  it("prices with a build config's [prices] (--config): an unpriced model gets a price, a built-in one is replaced", async () => {
    await withConfigPath(async (config) => {
      // claude-mystery-9: 1,000 in + 1,000 out at $1 / $2 per million = $0.003.
      writeFileSync(config, 'name = "scan"\n\n[prices."claude-mystery-9"]\ninput = 1\noutput = 2\n');
      const { program, out } = cli();
      await program.parseAsync(['tokens', 'scan', FIXTURE, '--config', config, '--json'], { from: 'user' });
      const json = JSON.parse(out.join(''));
      expect(json.unpriced_models).toEqual([]);
      expect(json.total.cost_usd).toBeCloseTo(0.095431 + 0.003, 6);
      expect(json.models.find((m: { model: string }) => m.model === 'claude-mystery-9').cost_usd).toBe(0.003);

      // A table entry replaces the built-in price of its id; the table lists no unpriced model.
      writeFileSync(
        config,
        'name = "scan"\n[prices."claude-opus-4-5-20251101"]\ninput = 0\noutput = 0\ncache_read = 0\n',
      );
      const again = cli();
      await again.program.parseAsync(['tokens', 'scan', FIXTURE, '--config', config], { from: 'user' });
      expect(again.out.join('')).toMatch(/^claude-opus-4-5-20251101\s+10\s+500\s+0\s+40,000\s+\$0\.0000$/m);
    });
  });

  it('refuses a --config that does not load, naming its problems by TOML path', async () => {
    await withConfigPath(async (config) => {
      writeFileSync(config, '[prices."claude-foo"]\ninput = -1\n');
      const { program, out } = cli();
      const run = program.parseAsync(['tokens', 'scan', FIXTURE, '--config', config], { from: 'user' });
      await expect(run).rejects.toBeInstanceOf(UsageError);
      await expect(run).rejects.toThrow(/agents\.toml:2: prices\.claude-foo\.input: must be at least 0/);
      await expect(run).rejects.toThrow(/agents\.toml:1: prices\.claude-foo\.output: required key is missing/);
      expect(out).toEqual([]);
    });
  });

  it('exits 2 with one line for a missing dir', async () => {
    const { program, out, err } = cli();
    const missing = path.join(FIXTURE, 'no-such-dir');
    const run = program.parseAsync(['tokens', 'scan', missing, '--json'], { from: 'user' });
    await expect(run).rejects.toBeInstanceOf(CommanderError);
    await expect(run).rejects.toMatchObject({ exitCode: 2 });
    expect(out).toEqual([]);
    expect(err.join('')).toBe(`tokens scan: no such directory or file: ${missing}\n`);
  });

  it('scans a single transcript file', async () => {
    const { program, out } = cli();
    const file = path.join(FIXTURE, 'projects', '-work-demo', '22222222-2222-4222-8222-222222222222.jsonl');
    await program.parseAsync(['tokens', 'scan', file, '--json'], { from: 'user' });
    const json = JSON.parse(out.join(''));
    expect(json).toMatchObject({ files: 1, skipped_files: 0, skipped_long_lines: 0 });
    expect(json.sessions.map((x: { session_id: string; source: string }) => [x.session_id, x.source])).toEqual([
      ['22222222-2222-4222-8222-222222222222', '-work-demo'],
    ]);
  });
});

describe('steward tokens scan: hostile input', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'steward-scan-'));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The fixture corpus plus `extra` files in its -work-demo project. */
  function corpus(extra: Record<string, string | Buffer>): string {
    cpSync(FIXTURE, dir, { recursive: true });
    for (const [name, content] of Object.entries(extra))
      writeFileSync(path.join(dir, 'projects', '-work-demo', name), content);
    return dir;
  }

  it('skips an unreadable file with a warning and counts it in skipped_files; the rest is counted as before', async () => {
    const bad = path.join(
      corpus({ 'ffffffff-ffff-4fff-8fff-ffffffffffff.jsonl': '{}\n' }),
      'projects',
      '-work-demo',
      'ffffffff-ffff-4fff-8fff-ffffffffffff.jsonl',
    );
    // The tests may run as root, whom no file mode stops: refuse the open the way EACCES would.
    const realOpen = fsPromises.open;
    jest.spyOn(fsPromises, 'open').mockImplementation((async (file: PathLike, ...rest: unknown[]) => {
      if (String(file) === bad)
        throw Object.assign(new Error(`EACCES: permission denied, open '${bad}'`), { code: 'EACCES' });
      return (realOpen as (...a: unknown[]) => Promise<FileHandle>)(file, ...rest);
    }) as typeof fsPromises.open);
    // A one-off scan opens with a blocking call (blockingReads): refuse that one too.
    const realOpenSync = fs.openSync;
    jest.spyOn(fs, 'openSync').mockImplementation(((file: PathLike, ...rest: unknown[]) => {
      if (String(file) === bad)
        throw Object.assign(new Error(`EACCES: permission denied, open '${bad}'`), { code: 'EACCES' });
      return (realOpenSync as (...a: unknown[]) => number)(file, ...rest);
    }) as typeof fs.openSync);
    const { program, out, err } = cli();
    await program.parseAsync(['tokens', 'scan', dir, '--json'], { from: 'user' });
    const json = JSON.parse(out.join(''));
    expect(json).toMatchObject({
      files: 5,
      skipped_files: 1,
      lines: 26,
      total: { input_tokens: 1187, output_tokens: 2660 },
    });
    expect(err.join('')).toBe(`tokens scan: warning: skipped ${bad}: EACCES: permission denied, open '${bad}'\n`);
  });

  it('skips and counts an over-long line (here a few MB without a newline, under a small cap)', async () => {
    const noNewline = Buffer.alloc(5 * 1024 * 1024, 'a');
    corpus({ 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee.jsonl': noNewline });
    const out = await scanOutput([dir], { maxLineBytes: 256 * 1024, chunkBytes: 64 * 1024 });
    expect(out).toMatchObject({
      files: 5,
      lines: 26,
      skipped_long_lines: 1,
      skipped_files: 0,
      total: { input_tokens: 1187, output_tokens: 2660 },
    });
    expect(formatScan(out).split('\n')[0]).toBe(
      '5 files, 26 lines (9 without usage), 1 over-long lines skipped, 9 messages, 7 duplicate lines',
    );
  });

  it('exits quietly when its reader has gone (`steward tokens scan … | head`)', async () => {
    const root = path.join(__dirname, '..', '..');
    const child = spawn(
      process.execPath,
      ['-r', './bench/ts-register.cjs', 'src/client/cli.ts', 'tokens', 'scan', FIXTURE, '--json'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.destroy(); // as `head` exiting: every write now fails with EPIPE
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  }, 30_000);
});
