import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, useHarness } from '../helpers/harness';
import { inertCliConfig, INERT_SCRIPT, steward } from '../helpers/cli';
import { statusQuery } from '../../src/workflows/definitions';

/**
 * The CLI asks the workflow for its config (the `config` query) instead of reading the run's start
 * input, which misses reloads and appended phases; and each update it sends carries an id, so one
 * sent again with the same id is applied once.
 */
describe('steward CLI: the config the build runs now, and updates applied once per id', () => {
  const h = useHarness('cli-cfg');

  it('phase show names phases added by a reload and by `phase append`, running and finished; a repeated update id applies once', async () => {
    const script = join(h.dir, 'inert.toml');
    await writeFile(script, INERT_SCRIPT);
    const toml = inertCliConfig(h.name, script);
    const file = await h.writeConfig(toml);
    const { handle } = await h.start(file);
    await eventually(async () => (await handle.query(statusQuery)).agents.builder?.alive, 30_000, 'builder alive');

    // A reload adds p3: the run's start input knows only p1 and p2 (it showed `3 ? pending`).
    const reloaded = toml.replace('{ id = "p2" }]', '{ id = "p2" }, { id = "p3" }]');
    expect(reloaded).not.toBe(toml);
    await writeFile(file, reloaded);
    await eventually(
      async () => (await handle.query(statusQuery)).events.find((e) => e.type === 'config_reloaded'),
      15_000,
      'config_reloaded',
    );
    const shown = await steward(['phase', 'show', h.name]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^phase p1 \(1\/3\) · build running$/m);
    expect(shown.stdout).toMatch(/^3\s+p3\s+pending\s+-\s+-$/m);
    expect(shown.stdout).not.toContain('?');

    // An appended phase is named too, in text and JSON.
    expect(await steward(['phase', 'append', h.name, '--id', 'p4'])).toMatchObject({
      code: 0,
      stdout: 'appended 1 phase(s)\n',
    });
    expect((await steward(['phase', 'show', h.name])).stdout).toMatch(/^4\s+p4\s+pending\s+-\s+-$/m);
    const json = JSON.parse((await steward(['phase', 'show', h.name, '--json'])).stdout) as {
      phases: { id: string | null; state: string }[];
    };
    expect(json.phases.map((p) => `${p.id}:${p.state}`)).toEqual([
      'p1:current',
      'p2:pending',
      'p3:pending',
      'p4:pending',
    ]);

    // The same update id twice: applied once, and the second answer is the first's. A new id is a new command.
    const pause = ['pause', h.name, '--reason', 'once', '--update-id', 'ops-pause-1'];
    expect(await steward(pause)).toMatchObject({ code: 0, stdout: 'paused: once\n', stderr: '' });
    expect(await steward(pause)).toMatchObject({ code: 0, stdout: 'paused: once\n', stderr: '' });
    expect(await steward(['pause', h.name, '--reason', 'once'])).toMatchObject({
      code: 2,
      errLines: ['steward: already paused'],
    });
    expect((await handle.query(statusQuery)).events.filter((e) => e.type === 'paused')).toHaveLength(1);
    expect(await steward(['resume', h.name, '--update-id', 'ops-resume-1'])).toMatchObject({
      code: 0,
      stdout: 'resumed\n',
    });

    // A nudge sent twice with one id is typed once.
    const nudge = ['nudge', h.name, 'builder', 'operator says once', '--update-id', 'ops-nudge-1'];
    expect(await steward(nudge)).toMatchObject({ code: 0, stdout: 'nudged builder\n' });
    expect(await steward(nudge)).toMatchObject({ code: 0, stdout: 'nudged builder\n' });
    const nudged = (await handle.query(statusQuery)).events.filter(
      (e) => e.type === 'agent_nudged' && e.message.includes('operator says once'),
    );
    expect(nudged).toHaveLength(1);

    // An id that is not one short line is refused before anything is sent.
    const bad = await steward(['pause', h.name, '--update-id', 'two words']);
    expect(bad.code).toBe(2);
    expect(bad.errLines).toHaveLength(1);
    expect(bad.errLines[0]).toMatch(/^error: option '--update-id <id>' argument 'two words' is invalid/);

    // A finished build is replayed to answer the query: still every phase by name.
    expect((await steward(['stop', h.name])).code).toBe(0);
    const finished = await steward(['phase', 'show', h.name]);
    expect(finished.code).toBe(0);
    expect(finished.stdout).toMatch(/^3\s+p3\s+pending/m);
    expect(finished.stdout).toMatch(/^4\s+p4\s+pending/m);
  });
});
