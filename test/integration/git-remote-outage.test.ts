import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, useHarness } from '../helpers/harness';
import { inertPairConfig, inertScript, pushCommit, untilPing } from '../helpers/inert';
import { statusQuery } from '../../src/workflows/definitions';

describe('git remote unreachable for a while', () => {
  const h = useHarness('outage');

  it('fetch failures become backed-off events; supervision goes on and catches up when the remote returns', async () => {
    const { handle } = await h.start(await h.writeConfig(inertPairConfig(h.name, await inertScript(h))));
    await eventually(async () => (await handle.query(statusQuery)).handoff.lastSha, 30_000, 'baseline sha');

    const origin = join(h.dir, 'origin.git');
    await rename(origin, `${origin}.away`);
    const failed = await eventually(
      async () => {
        const events = (await handle.query(statusQuery)).events.filter((e) => e.type === 'git_fetch_failed');
        return events.length >= 2 ? events : null;
      },
      30_000,
      'two fetch failures',
    );
    expect(failed[0]!.message).toMatch(/attempt 1; next in/);
    expect(failed[1]!.message).toMatch(/attempt 2; next in/);
    // Backoff: attempts are spaced out, not made on every 200 ms tick.
    expect(failed[1]!.at - failed[0]!.at).toBeGreaterThanOrEqual(400);
    const during = await handle.query(statusQuery);
    expect(during.status).toBe('running');

    // A claim lands while the supervisor cannot see the remote.
    await rename(`${origin}.away`, origin);
    await pushCommit(h, 'builder', 'claim(p1-gate): built while the remote was away');
    const recovered = await eventually(
      async () => (await handle.query(statusQuery)).events.find((e) => e.type === 'git_fetch_recovered'),
      60_000,
      'recovery',
    );
    expect(recovered.message).toMatch(/after \d+ failed attempt/);
    await untilPing(handle, 'claim(p1-gate)', 30_000, 'catch-up ping', 'adversary');

    await pushCommit(h, 'builder', 'status(p1): done', { path: '.steward-state/STATUS-p1.md', text: '## DONE\n' });
    await pushCommit(h, 'builder', 'status(p2): done', { path: '.steward-state/STATUS-p2.md', text: '## DONE\n' });
    const result = await handle.result();
    expect(result.phases.map((p) => p.id)).toEqual(['p1', 'p2']);
    const pings = (await handle.query(statusQuery)).events.filter(
      (e) => e.type === 'ping_sent' && e.message.startsWith('claim'),
    );
    expect(pings).toHaveLength(1);
  });
});
