import { statusQuery } from '../../src/workflows/definitions';
import { eventually, privateServer, useHarness } from '../helpers/harness';
import { inertPairConfig, inertScript, pushCommit, untilPing } from '../helpers/inert';

describe('Temporal server restart mid-build', () => {
  const server = privateServer('restart');
  const h = useHarness('restart', { address: () => server.address });

  it('the server stops and starts again on the same SQLite file; the build carries on', async () => {
    const { handle } = await h.start(await h.writeConfig(inertPairConfig(h.name, await inertScript(h))));
    await eventually(async () => (await handle.query(statusQuery)).handoff.lastSha, 30_000, 'baseline sha');
    await pushCommit(h, 'builder', 'claim(p1-gate): before the restart');
    await untilPing(handle, 'claim(p1-gate)', 30_000, 'first ping');

    await server.stop();
    await pushCommit(h, 'builder', 'claim(p1-more): while the server is down');
    await server.start();

    await untilPing(handle, 'claim(p1-more)', 60_000, 'ping after restart');
    await pushCommit(h, 'builder', 'status(p1): done', { path: '.steward-state/STATUS-p1.md', text: '## DONE\n' });
    await pushCommit(h, 'builder', 'status(p2): done', { path: '.steward-state/STATUS-p2.md', text: '## DONE\n' });
    const result = await handle.result();
    expect(result.phases.map((p) => p.id)).toEqual(['p1', 'p2']);
    const claims = (await handle.query(statusQuery)).events
      .filter((e) => e.type === 'ping_sent' && e.message.startsWith('claim'))
      .map((e) => e.message.split(' (')[0]);
    expect(claims).toEqual([
      'claim claim(p1-gate): before the restart',
      'claim claim(p1-more): while the server is down',
    ]);
  });
});
