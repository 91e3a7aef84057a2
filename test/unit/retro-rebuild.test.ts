import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventType, StewardEvent } from '../../src/core/events';
import { buildNameOf, rebuildRetro, registerRetroRebuild } from '../../src/client/commands/retro-rebuild';
import { UsageError } from '../../src/client/load-or-exit';
import { appendRetroRecords, readRetroStore } from '../../src/host/retro-store';
import { capturedProgram } from './support/cli';
import { SOLO_TOML } from './support/build-state';

const T1 = Date.UTC(2026, 0, 5, 9, 0, 0);
const T2 = Date.UTC(2026, 0, 6, 9, 0, 0);
const MIN = 60_000;

type Spec = [minute: number, type: EventType, data?: Partial<StewardEvent>];

/** One build's events, numbered from 1, starting at `t0`. */
function build(t0: number, ...specs: Spec[]): StewardEvent[] {
  return specs.map(([min, type, data], i) => ({ seq: i + 1, at: t0 + min * MIN, type, message: type, ...data }));
}

const started: Spec = [0, 'build_started', { message: 'build demo started on host box-1' }];
const gate = (min: number, type: EventType, data: Partial<StewardEvent> = {}): Spec => [
  min,
  type,
  { gate: 'p1-gate', phase: 'p1', builder: 'builder', attempt: 1, ...data },
];

/** A completed run of demo, then a run stopped during its first phase, in one log. */
const first = build(
  T1,
  started,
  [0, 'phase_started', { phase: 'p1' }],
  gate(5, 'gate_claimed', { agent: 'builder' }),
  gate(9, 'gate_reviewed', { reviewer: 'adversary', verdict: 'pass' }),
  gate(9, 'gate_passed'),
  [10, 'phase_completed', { phase: 'p1', durationMs: 10 * MIN }],
  [10, 'sequence_completed'],
);
const second = build(
  T2,
  started,
  [0, 'phase_started', { phase: 'p1' }],
  gate(5, 'gate_claimed', { agent: 'builder' }),
  [7, 'stopped'],
);

const lines = (events: StewardEvent[]) => events.map((e) => JSON.stringify(e));

describe('steward retro rebuild', () => {
  let dir: string;
  let stateDir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steward-retro-rebuild-'));
    stateDir = join(dir, '.steward', 'demo');
    await mkdir(stateDir, { recursive: true });
    // A retried append (a line twice) and a line cut short: read once, skipped.
    const text = [...lines(first), lines(first)[2], '{"seq":9,"at":', ...lines(second)].join('\n');
    await writeFile(join(stateDir, 'events.jsonl'), `${text}\n`);
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const storeIds = async (retroDir: string) => (await readRetroStore(retroDir)).records.map((r) => r.id);

  it('folds every build of the log: the ids the workflow gives, the outcomes, a config hash unknown', async () => {
    const retroDir = join(dir, 'retro');
    const summary = await rebuildRetro([stateDir], retroDir, T2 + 60 * MIN);
    expect(summary).toEqual({ logs: 1, builds: 2, phases: 2, gates: 2, file: join(retroDir, 'records.jsonl') });
    const { records, skipped } = await readRetroStore(retroDir);
    expect(skipped).toBe(0);
    expect(records.map((r) => [r.id, r.outcome, r.configHash])).toEqual([
      [`demo@${T1}/p1`, 'passed', ''],
      [`demo@${T1}/p1/p1-gate#1`, 'passed', ''],
      [`demo@${T2}/p1`, 'abandoned', ''],
      [`demo@${T2}/p1/p1-gate#1`, 'abandoned', ''],
    ]);
  });

  it('again: the store reads the same; what the store knew of a record (its config hash, models) is kept', async () => {
    const retroDir = join(dir, 'retro');
    await rebuildRetro([join(stateDir, 'events.jsonl')], retroDir, T2);
    const once = await readRetroStore(retroDir);
    await rebuildRetro([stateDir], retroDir, T2);
    expect(await readRetroStore(retroDir)).toEqual(once);

    const known = { ...once.records[0], configHash: 'abc', models: { builder: ['claude-opus-4'] } };
    await appendRetroRecords(retroDir, [known]);
    await rebuildRetro([stateDir], retroDir, T2 + 1);
    const after = await readRetroStore(retroDir);
    expect(after.records[0]).toEqual({ ...known, recordedAt: T2 + 1 });
    expect(after.records.map((r) => r.id)).toEqual(once.records.map((r) => r.id));
  });

  it('the CLI: --dir, or the store of --config ([learning] retro_dir, by default beside it)', async () => {
    const retroDir = join(dir, 'elsewhere');
    const { program, out } = capturedProgram((p) => registerRetroRebuild(p.command('retro')));
    await program.parseAsync(['retro', 'rebuild', '--dir', retroDir, stateDir], { from: 'user' });
    expect(out.join('')).toBe(
      `4 records (2 phases, 2 gates) of 2 build(s) in 1 log(s) appended to ${join(retroDir, 'records.jsonl')}\n`,
    );
    expect(await storeIds(retroDir)).toHaveLength(4);

    const config = join(dir, 'agents.toml');
    await writeFile(config, SOLO_TOML);
    const cli = capturedProgram((p) => registerRetroRebuild(p.command('retro')));
    await cli.program.parseAsync(['retro', 'rebuild', '--config', config, stateDir], { from: 'user' });
    expect(await storeIds(join(dir, '.steward', 'retro'))).toHaveLength(4);
  });

  it('usage errors write nothing: a path that is not there, both --config and --dir', async () => {
    const retroDir = join(dir, 'retro');
    await expect(rebuildRetro([stateDir, join(dir, 'missing')], retroDir, T2)).rejects.toThrow(UsageError);
    expect(existsSync(retroDir)).toBe(false);
    const { program } = capturedProgram((p) => registerRetroRebuild(p.command('retro')));
    await expect(
      program.parseAsync(['retro', 'rebuild', '--dir', retroDir, '--config', 'x.toml', stateDir], { from: 'user' }),
    ).rejects.toThrow('give --config or --dir, not both');
  });

  test('a build is named by its build_started, else by its fallback (the log dir)', () => {
    expect(buildNameOf(first, 'x')).toBe('demo');
    expect(buildNameOf(first.slice(1), 'x')).toBe('x');
  });
});
