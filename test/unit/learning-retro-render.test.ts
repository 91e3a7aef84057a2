import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { retroAnalysis, type RetroInsights } from '../../src/core/learning/analysis';
import { DEFAULT_RETRO_THRESHOLDS } from '../../src/core/learning/thresholds';
import { appendRetroRecords } from '../../src/host/retro-store';
import { durationOption } from '../../src/client/cli-output';
import { editLine, registerRetroCommand, renderRetro } from '../../src/client/commands/retro';
import { capturedProgram } from './support/cli';
import { retroStoreFixture } from './support/retro-store-fixture';

const fixture = retroStoreFixture();
const insights = retroAnalysis(fixture.records, {
  now: fixture.now,
  windowMs: fixture.windowMs,
  thresholds: { ...DEFAULT_RETRO_THRESHOLDS },
});

describe('renderRetro', () => {
  const text = renderRetro(insights, '/p/.steward/retro').join('\n');

  test('the head, and the trends with their changes', () => {
    expect(text).toMatch(/^retro of \/p\/\.steward\/retro: 700 gates, 210 phases, 70 builds \(all records, to /);
    expect(text).toContain('Trends: the last 10 d against the 10 d before');
    expect(text).toMatch(/gates passed at first claim\s+62%\s+82%\s+-20 pts/);
    expect(text).toMatch(/gates passed per day\s+10\s+10\s+0%/);
  });

  test('a table per type, the reviewers, repeat failures and outliers', () => {
    expect(text).toMatch(/PHASE\s+RUNS\s+SUCCESS\s+FAILED\s+MEDIAN\s+MAX\s+COST\/GATE/);
    expect(text).toMatch(/migration-\*\s+70\s+30%\s+70%/);
    expect(text).toMatch(/strict\s+70\s+56\s+80%/);
    expect(text).toContain('Repeat failures');
    expect(text).toMatch(/gate fix-\w+ \(fix-\*\) in demo-22\/p3: 3 fail verdicts, 4 rounds, passed/);
    expect(text).toContain('phase p3: advanced by an operator in 1 build');
    expect(text).toMatch(/gate feature-51 \(feature-\*\) in demo-10\/p1: duration 5 h, [45](\.\d)?× the median/);
  });

  test('recommendations with their edits as path: old → new (basis)', () => {
    expect(text).toContain(
      '[high] falling-success-rate: Gates passing review on their first claim fell from 82% to 62%',
    );
    expect(text).toMatch(
      /edit budget\.phase\.usd: \(not set\) → [\d.]+ \(p90 phase cost \$[\d.]+ over 210 phases × 1\.25, rounded up to a cent\)/,
    );
  });

  test('editLine shows JSON values', () => {
    expect(editLine({ path: 'watchdog.stall_idle', old: '10m', new: '29m', basis: 'p95 × 1.5' })).toBe(
      'watchdog.stall_idle: "10m" → "29m" (p95 × 1.5)',
    );
    expect(
      editLine({ path: 'backend.claude.args', old: ['--model', 'a'], new: ['--model', 'b'], basis: 'cheaper' }),
    ).toBe('backend.claude.args: ["--model","a"] → ["--model","b"] (cheaper)');
  });

  test('an empty store says so', () => {
    const empty: RetroInsights = retroAnalysis([], {
      now: 0,
      windowMs: 1,
      thresholds: { ...DEFAULT_RETRO_THRESHOLDS },
    });
    expect(empty.recommendations).toEqual([]);
    expect(renderRetro(empty, '/d')[1]).toMatch(/^No retro records to analyse yet/);
  });
});

describe('durationOption', () => {
  test('parses durations like the config, a bare number as seconds', () => {
    expect(durationOption('30d')).toBe(30 * 86_400_000);
    expect(durationOption('1h30m')).toBe(5_400_000);
    expect(durationOption('90')).toBe(90_000);
  });

  test('refuses what the config would, and 0', () => {
    expect(() => durationOption('3x')).toThrow(/invalid duration/);
    expect(() => durationOption('0s')).toThrow(/above 0/);
  });
});

describe('steward retro --dir', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steward-retro-'));
    await appendRetroRecords(dir, fixture.records);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('--json prints the insights; --out writes them too and says so on stderr', async () => {
    const { program, out, err } = capturedProgram(registerRetroCommand);
    const file = join(dir, 'insights.json');
    await program.parseAsync(['node', 'steward', 'retro', '--dir', dir, '--json', '--out', file]);
    const printed = JSON.parse(out.join('')) as RetroInsights;
    expect(printed.records).toMatchObject({ gates: 700, phases: 210, builds: 70 });
    expect(printed.window.ms).toBe(7 * 86_400_000);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(printed);
    expect(err.join('')).toBe(`retro insights (JSON) written to ${file}\n`);
  });

  test('--config and --dir together are a usage error', async () => {
    const { program } = capturedProgram(registerRetroCommand);
    await expect(program.parseAsync(['node', 'steward', 'retro', '--dir', dir, '--config', 'x.toml'])).rejects.toThrow(
      'give --config or --dir, not both',
    );
  });
});
