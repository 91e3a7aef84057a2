import { eventually, useHarness } from '../helpers/harness';
import { inertPairConfig, inertScript, pushCommit } from '../helpers/inert';
import { statusQuery, stopSignal } from '../../src/workflows/definitions';

describe('services', () => {
  const h = useHarness('service');

  it('starts with the build, is healed when its session dies, and outlives the phase sequence', async () => {
    const service = `
[[service]]
name = "ticker"
command = ["sleep", "3600"]
cwd = "supervisor"
`;
    const config = inertPairConfig(h.name, await inertScript(h), 'signal_interval = 0.2\nheavy_interval = 1') + service;
    const { handle } = await h.start(await h.writeConfig(config));
    const session = `${h.name}-ticker`;
    await eventually(async () => h.tmux.hasSession(session), 30_000, 'service session');
    // The event is recorded once the tick's effects are done, a moment after the session exists.
    const started = await eventually(
      async () => {
        const events = (await handle.query(statusQuery)).events.filter((e) => e.type === 'service_started');
        return events.length ? events : null;
      },
      15_000,
      'service_started',
    );
    expect(started.map((e) => e.agent)).toEqual(['ticker']);

    await h.tmux.killSession(session);
    await eventually(
      async () => (await handle.query(statusQuery)).events.find((e) => e.type === 'service_healed'),
      30_000,
      'service healed',
    );
    expect(await h.tmux.hasSession(session)).toBe(true);

    // The sequence completes; a build with a service keeps supervising it.
    await pushCommit(h, 'builder', 'status(p1): done', { path: '.steward-state/STATUS-p1.md', text: '## DONE\n' });
    await pushCommit(h, 'builder', 'status(p2): done', { path: '.steward-state/STATUS-p2.md', text: '## DONE\n' });
    await eventually(
      async () => (await handle.query(statusQuery)).events.find((e) => e.type === 'sequence_completed'),
      30_000,
      'sequence completed',
    );
    await h.tmux.killSession(session);
    await eventually(
      async () => (await handle.query(statusQuery)).events.filter((e) => e.type === 'service_healed').length === 2,
      30_000,
      'healed after completion',
    );
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.signal(stopSignal, 'done');
    expect((await handle.result()).status).toBe('stopped');
  });
});
