import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, DevServer, DevServerOptions } from '../../src/client/dev-server';
import { statusQuery } from '../../src/workflows/definitions';
import { BuildHarness, eventually } from '../helpers/harness';
import { freePort } from '../helpers/free-port';
import { inertPairConfig, inertScript, pushCommit } from '../helpers/inert';

describe('Temporal server restart mid-build', () => {
  let server: DevServer;
  let options: DevServerOptions;
  let h: BuildHarness;

  beforeAll(async () => {
    const binary = process.env.STEWARD_TEST_TEMPORAL_BINARY;
    if (!binary) throw new Error('global setup did not provision a temporal binary');
    options = { binary, dbFile: join(await mkdtemp(join(tmpdir(), 'steward-restart-')), 'temporal.sqlite'), port: await freePort(), headless: true };
    server = await startDevServer(options);
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(async () => {
    h = await BuildHarness.create('restart', { address: server.address });
    await h.startWorker();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('the server stops and starts again on the same SQLite file; the build carries on', async () => {
    const { handle } = await h.start(await h.writeConfig(inertPairConfig(h.name, await inertScript(h))));
    await eventually(async () => (await handle.query(statusQuery)).handoff.lastSha, 30_000, 'baseline sha');
    await pushCommit(h, 'builder', 'claim(p1-gate): before the restart');
    await eventually(async () => (await handle.query(statusQuery)).events.find((e) => e.type === 'ping_sent' && e.message.includes('claim(p1-gate)')), 30_000, 'first ping');

    await server.stop();
    await pushCommit(h, 'builder', 'claim(p1-more): while the server is down');
    server = await startDevServer(options);

    await eventually(async () => (await handle.query(statusQuery)).events.find((e) => e.type === 'ping_sent' && e.message.includes('claim(p1-more)')), 60_000, 'ping after restart');
    await pushCommit(h, 'builder', 'status(p1): done', { path: '.steward-state/STATUS-p1.md', text: '## DONE\n' });
    await pushCommit(h, 'builder', 'status(p2): done', { path: '.steward-state/STATUS-p2.md', text: '## DONE\n' });
    const result = await handle.result();
    expect(result.phases.map((p) => p.id)).toEqual(['p1', 'p2']);
    const claims = (await handle.query(statusQuery)).events.filter((e) => e.type === 'ping_sent' && e.message.startsWith('claim')).map((e) => e.message.split(' (')[0]);
    expect(claims).toEqual(['claim claim(p1-gate): before the restart', 'claim claim(p1-more): while the server is down']);
  });
});
