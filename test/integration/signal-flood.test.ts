import { eventually, useHarness } from '../helpers/harness';
import { inertPairConfig, inertScript, pushCommit } from '../helpers/inert';
import { pushedSignal, statusQuery } from '../../src/workflows/definitions';

describe('signal flood', () => {
  const h = useHarness('flood');

  it('1,000 pushed signals coalesce into a handful of ticks; the build keeps working', async () => {
    const { handle } = await h.start(
      await h.writeConfig(inertPairConfig(h.name, await inertScript(h), 'signal_interval = "10s"')),
    );
    await eventually(async () => (await handle.query(statusQuery)).handoff.lastSha, 30_000, 'baseline sha');
    const before = await handle.fetchHistory();
    const observesBefore = (before.events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'observe',
    ).length;

    await pushCommit(h, 'builder', 'claim(p1-gate): under the flood');
    await Promise.all(Array.from({ length: 1000 }, (_, i) => handle.signal(pushedSignal, `sha-${i}`)));

    const ping = await eventually(
      async () => {
        const found = (await handle.query(statusQuery)).events.filter(
          (e) => e.type === 'ping_sent' && e.message.includes('claim(p1-gate)'),
        );
        return found.length ? found : null;
      },
      30_000,
      'ping',
    );
    await new Promise((r) => setTimeout(r, 2000));
    const after = await handle.fetchHistory();
    const events = after.events ?? [];
    const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    const observes =
      events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'observe').length -
      observesBefore;
    expect(signals).toBe(1000);
    // Coalesced: far fewer observations than signals (each tick drains every queued signal).
    expect(observes).toBeLessThan(100);
    expect(ping).toHaveLength(1);
    expect(
      (await handle.query(statusQuery)).events.filter(
        (e) => e.type === 'ping_sent' && e.message.includes('claim(p1-gate)'),
      ),
    ).toHaveLength(1);

    // Still supervising: a done marker advances the phase.
    await pushCommit(h, 'builder', 'status(p1): done', { path: '.steward-state/STATUS-p1.md', text: '## DONE\n' });
    await handle.signal(pushedSignal);
    await eventually(async () => (await handle.query(statusQuery)).phase === 'p2', 30_000, 'advance to p2');
  });
});
