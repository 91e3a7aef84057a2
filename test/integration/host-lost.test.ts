import { eventually, useHarness } from '../helpers/harness';
import { inertPairConfig, inertScript } from '../helpers/inert';
import { spawnWorkerProcess, killHard } from '../helpers/worker-process';
import { EscalationSearchAttribute, statusQuery } from '../../src/workflows/definitions';

describe('an agent host that stops polling its queue', () => {
  // Workflows are served here; the build's own host is a separate process that will die.
  const h = useHarness('hostlost', { worker: (host) => `${host}-elsewhere` });

  it('becomes an escalation event within the schedule-to-start timeout, and recovers when a worker returns', async () => {
    let host = spawnWorkerProcess(h.hostId, h.socket);
    const { handle } = await h.start(await h.writeConfig(inertPairConfig(h.name, await inertScript(h))));
    await eventually(async () => (await handle.query(statusQuery)).agents.builder?.alive, 30_000, 'agents up');

    await killHard(host);
    const lost = await eventually(
      async () => (await handle.query(statusQuery)).events.find((e) => e.type === 'host_unreachable'),
      60_000,
      'host_unreachable',
    );
    expect(lost.message).toMatch(new RegExp(`no worker served steward@${h.hostId} within 10s`));
    // Published once the tick ends (its event log write waits out the same timeout).
    await eventually(
      async () =>
        (await handle.describe()).typedSearchAttributes.get(EscalationSearchAttribute) === `host-lost:${h.hostId}`,
      60_000,
      'escalation attribute',
    );
    expect((await handle.describe()).status.name).toBe('RUNNING');

    host = spawnWorkerProcess(h.hostId, h.socket);
    try {
      await eventually(
        async () => (await handle.query(statusQuery)).events.find((e) => e.type === 'host_recovered'),
        60_000,
        'host_recovered',
      );
      await eventually(
        async () => (await handle.describe()).typedSearchAttributes.get(EscalationSearchAttribute) === 'none',
        30_000,
        'escalation cleared',
      );
      expect((await handle.query(statusQuery)).events.filter((e) => e.type === 'host_unreachable')).toHaveLength(1);
    } finally {
      await killHard(host);
    }
  });
});
