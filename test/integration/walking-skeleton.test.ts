import { eventually, useHarness } from '../helpers/harness';
import { twoPhaseConfig } from '../helpers/configs';
import { statusQuery } from '../../src/workflows/definitions';
import { PhaseSearchAttribute } from '../../src/workflows/definitions';

describe('a two-phase build on a real Temporal server, tmux and git', () => {
  const h = useHarness('skeleton', { worker: false });

  it('starts the agents in tmux, advances p1 → p2 on the done marker and completes with durations', async () => {
    await h.startWorker();
    const { handle, attached } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    expect(attached).toBe(false);

    // The agents' sessions exist while the build runs.
    const sessions = await eventually(
      async () => {
        const s = await h.tmux.listSessions();
        return s.length === 2 ? s : null;
      },
      30_000,
      'agent sessions',
    );
    expect(sessions.sort()).toEqual([`${h.name}-adversary`, `${h.name}-builder`]);

    // Starting again attaches to the running build instead of starting a second one.
    const again = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    expect(again.attached).toBe(true);
    expect(again.handle.workflowId).toBe(handle.workflowId);

    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.phases.map((p) => p.id)).toEqual(['p1', 'p2']);
    for (const p of result.phases) expect(p.durationMs).toBeGreaterThan(0);
    expect(result.phases[1]!.startedAt).toBe(result.phases[0]!.endedAt);

    const view = await handle.query(statusQuery);
    const types = view.events.map((e) => `${e.type}${e.phase ? `:${e.phase}` : ''}`);
    expect(types).toEqual(expect.arrayContaining(['phase_completed:p1', 'phase_started:p2', 'phase_completed:p2']));
    expect(types.indexOf('phase_completed:p1')).toBeLessThan(types.indexOf('phase_completed:p2'));
    // Each claim pinged the adversary once, each review pinged the builder once: p1's gate was
    // claimed twice (its first review failed), p2's once.
    const pings = view.events
      .filter((e) => e.type === 'ping_sent' && /^(claim|review)/.test(e.message))
      .map((e) => `${e.agent} ${e.message.split(' ')[0]}`);
    expect(pings.sort()).toEqual([
      'adversary claim',
      'adversary claim',
      'adversary claim',
      'builder review',
      'builder review',
      'builder review',
    ]);

    // The Web UI's timeline names each effect: the summaries of the scheduled activities.
    const history = await handle.fetchHistory();
    const summaries = (history.events ?? [])
      .map((e) => e.userMetadata?.summary?.data)
      .filter((d): d is Uint8Array => !!d)
      .map((d) => JSON.parse(Buffer.from(d).toString('utf8')) as string);
    expect(summaries).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ping adversary: claim claim\(p1-gate\): work\/p1\.txt \([0-9a-f]{7}\)$/),
        'started builder: started in session ' + `${h.name}-builder`,
      ]),
    );

    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(PhaseSearchAttribute)).toBe('complete');
  });
});
