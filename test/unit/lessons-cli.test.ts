import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommanderError } from 'commander';
import { registerLessonsCommand } from '../../src/client/commands/lessons';
import { UsageError } from '../../src/client/load-or-exit';
import { readLessonsFile } from '../../src/host/lessons-file';
import { capturedProgram } from './support/cli';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

describe('steward lessons', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'steward-lessons-cli-'));
    file = path.join(dir, 'lessons.toml');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `steward lessons …args` in-process; returns what it printed. */
  async function run(...args: string[]): Promise<string> {
    const { program, out } = capturedProgram((p) => registerLessonsCommand(p, () => NOW));
    await program.parseAsync(['lessons', ...args], { from: 'user' });
    return out.join('');
  }

  const add = (...extra: string[]) =>
    run('add', '--file', file, '--category', 'pitfall', '--importance', '7', ...extra);

  it('add, list, accept, retire, show: the file holds what the commands say', async () => {
    expect(
      await add(
        '--headline',
        'Run the linter before claiming',
        '--explanation',
        'Reviews failed on lint twice.',
        '--role',
        'builder',
      ),
    ).toBe(`added L1 (accepted) to ${file}\n`);
    expect(
      await run(
        'add',
        '--file',
        file,
        '--headline',
        'Keep claims small',
        '--category',
        'process',
        '--importance',
        '4',
        '--phase',
        'p1',
        '--phase',
        'p2',
        '--gate',
        'p1-gate',
        '--proposed',
      ),
    ).toBe(`added L2 (proposed) to ${file}\n`);
    expect((await run('list', '--file', file)).split('\n')).toEqual([
      'ID  STATUS    CATEGORY  IMPORTANCE  HEADLINE',
      'L1  accepted  pitfall   7           Run the linter before claiming',
      'L2  proposed  process   4           Keep claims small',
      '',
    ]);
    expect(await run('accept', 'L2', '--file', file)).toBe(`accepted L2 in ${file}\n`);
    expect(await run('retire', 'L1', '--file', file)).toBe(`retired L1 in ${file}\n`);
    expect((await readLessonsFile(file)).map((l) => [l.id, l.status])).toEqual([
      ['L1', 'retired'],
      ['L2', 'accepted'],
    ]);
    expect(await run('list', '--file', file, '--status', 'accepted')).toMatch(/^ID .*\nL2 /);
    expect(await run('list', '--file', file, '--status', 'proposed')).toBe(`no lessons proposed in ${file}\n`);
    expect((await run('show', 'L2', '--file', file)).split('\n')).toEqual([
      'L2: Keep claims small',
      'status: accepted, category: process, importance: 4',
      'applies to phases: p1, p2; gates: p1-gate; roles: any',
      'created: 2026-11-30T12:00:00.000Z',
      '',
    ]);
    const json = JSON.parse(await run('show', 'L1', '--file', file, '--json'));
    expect(json).toMatchObject({ id: 'L1', applies: { roles: ['builder'] }, createdAt: NOW, status: 'retired' });
    expect(JSON.parse(await run('list', '--file', file, '--json'))).toHaveLength(2);
    // The file stays readable TOML, one [[lesson]] table each.
    expect(readFileSync(file, 'utf8').match(/^\[\[lesson\]\]$/gm)).toHaveLength(2);
  });

  it('--config takes the file from [learning] lessons_file, relative to the config', async () => {
    const config = path.join(dir, 'agents.toml');
    writeFileSync(config, '[[agent]]\nname = "builder"\n\n[learning]\nlessons_file = "team/lessons.toml"\n');
    await run('add', '--config', config, '--headline', 'H', '--category', 'pattern', '--importance', '5');
    expect((await readLessonsFile(path.join(dir, 'team', 'lessons.toml'))).map((l) => l.headline)).toEqual(['H']);
    // Without [learning], the default beside the config.
    const plain = path.join(dir, 'plain.toml');
    writeFileSync(plain, '[[agent]]\nname = "builder"\n');
    expect(await run('list', '--config', plain)).toBe(`no lessons in ${path.join(dir, '.steward', 'lessons.toml')}\n`);
  });

  it('bad input is a usage error (exit 2): no file named, both named, an unknown id, a bad value, a broken file', async () => {
    await expect(run('list')).rejects.toThrow(
      new UsageError('which lessons file? --config agents.toml (its [learning] lessons_file) or --file lessons.toml'),
    );
    await expect(run('list', '--file', file, '--config', 'x.toml')).rejects.toBeInstanceOf(UsageError);
    await add('--headline', 'H');
    await expect(run('accept', 'L1', 'L9', '--file', file)).rejects.toThrow(`no lesson L9 in ${file} (ids: L1)`);
    // Nothing was changed by the refused command.
    expect((await readLessonsFile(file)).map((l) => l.status)).toEqual(['accepted']);
    await expect(add('--headline', 'one\ntwo')).rejects.toThrow(
      '--headline: must be one line, without control characters',
    );
    await expect(add('--headline', 'H', '--phase', ' ')).rejects.toThrow('--phase: must not be blank');
    await expect(add('--headline', 'H', '--importance', '11')).rejects.toBeInstanceOf(CommanderError);
    await expect(
      run('add', '--file', file, '--headline', 'H', '--category', 'tip', '--importance', '1'),
    ).rejects.toMatchObject({
      exitCode: 1,
      code: 'commander.invalidArgument',
    });
    await expect(run('list', '--file', file, '--status', 'maybe')).rejects.toBeInstanceOf(CommanderError);

    writeFileSync(
      file,
      '[[lesson]]\nid = "L1"\nstatus = "accepted"\ncategory = "pitfall"\nimportance = 0\nheadline = "H"\ncreated = 2026-11-01T00:00:00Z\n',
    );
    await expect(run('list', '--file', file)).rejects.toThrow(
      new UsageError(`${file}:5: lesson[0].importance: must be at least 1`),
    );
    const config = path.join(dir, 'bad.toml');
    writeFileSync(config, '[learning]\ntop_k = 0\n');
    await expect(run('list', '--config', config)).rejects.toBeInstanceOf(UsageError);
  });
});
