import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, useHarness } from '../helpers/harness';
import { twoPhaseConfig } from '../helpers/configs';
import { appendRetro } from '../../src/activities/retro';
import type { GateRecord } from '../../src/core/learning/types';
import { readEventLog } from '../../src/host/event-log-reader';
import { readRetroStore } from '../../src/host/retro-store';
import { stopSignal } from '../../src/workflows/definitions';

/**
 * The retro records a build leaves in the project's store (`<config dir>/.steward/retro` by
 * default): the demo's two phases, p1's gate failed once and passed in its second round, p2's
 * passed at once. Written when each phase completed and again when the build ended: one per id.
 */
describe('the retro records a build leaves', () => {
  const h = useHarness('retro-records');

  it('a completed two-phase build: 2 phase records and 2 gate records, each id once', async () => {
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    expect((await handle.result()).status).toBe('completed');

    const retroDir = join(h.dir, '.steward', 'retro');
    const store = await readRetroStore(retroDir);
    expect(store.skipped).toBe(0);
    const ids = store.records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);

    const { events } = await readEventLog(join(h.dir, '.steward', h.name, 'events.jsonl'));
    const startedAt = events.find((e) => e.type === 'build_started')!.at;
    expect(store.records.map((r) => [r.kind, r.id, r.outcome])).toEqual([
      ['phase', `${h.name}@${startedAt}/p1`, 'passed'],
      ['gate', `${h.name}@${startedAt}/p1/p1-gate#1`, 'passed'],
      ['phase', `${h.name}@${startedAt}/p2`, 'passed'],
      ['gate', `${h.name}@${startedAt}/p2/p2-gate#1`, 'passed'],
    ]);
    const gates = store.records.filter((r): r is GateRecord => r.kind === 'gate');
    const [p1Gate, p2Gate] = gates;
    expect(p1Gate).toMatchObject({ gate: 'p1-gate', builder: 'builder', rounds: 2, firstPass: false });
    expect(p1Gate.verdicts.map((v) => [v.verdict, v.attempt])).toEqual([
      ['fail', 1],
      ['pass', 2],
    ]);
    expect(p2Gate).toMatchObject({ gate: 'p2-gate', rounds: 1, firstPass: true });
    expect(p2Gate.verdicts.map((v) => v.verdict)).toEqual(['pass']);
    expect(store.records.every((r) => r.build === h.name && r.configHash !== '')).toBe(true);
    // Each phase's records were written as it completed (p1's in an earlier turn), then all again at the end.
    const written = (await readFile(join(retroDir, 'records.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; recordedAt: number });
    expect(written.map((r) => r.id)).toEqual([...ids, ...ids]);
    const end = written[4].recordedAt;
    expect(written.slice(4).every((r) => r.recordedAt === end)).toBe(true);
    expect(written[0].recordedAt).toBeLessThan(end);

    // Another write of the same records (a retried activity) leaves what readers see unchanged.
    const request = {
      stateDir: join(h.dir, '.steward', h.name),
      retroDir,
      startedAt,
      build: h.name,
      configHash: store.records[0].configHash,
      which: 'all-ended' as const,
      now: end,
    };
    expect(await appendRetro(request)).toBe(4);
    expect(await readRetroStore(retroDir)).toEqual(store);
  });

  it('a build stopped mid-sequence: the phase open at the stop is abandoned, written when the build ended', async () => {
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    const log = join(h.dir, '.steward', h.name, 'events.jsonl');
    await eventually(
      async () => (await readEventLog(log)).events.some((e) => e.type === 'gate_claimed'),
      60_000,
      'a claim',
    );
    await handle.signal(stopSignal, 'enough');
    expect((await handle.result()).status).toBe('stopped');
    const { records } = await readRetroStore(join(h.dir, '.steward', 'retro'));
    const phases = records.filter((r) => r.kind === 'phase');
    // The stop may come before or after p1 completed: the phase open at the stop is abandoned.
    expect(phases.map((r) => r.outcome)).toEqual([...phases.slice(0, -1).map(() => 'passed'), 'abandoned']);
    expect(phases[0].phase).toBe('p1');
  });
});
