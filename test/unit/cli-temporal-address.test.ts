import { createServer, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { rpc, withTemporal } from '../../src/client/build-handle';
import { registerStartBuild } from '../../src/client/commands/build';
import { unreachableError } from '../../src/host/temporal-connection';

/**
 * A TEMPORAL_ADDRESS that is not a Temporal frontend (a proxy or another service answers, as an
 * unroutable address behind a corporate proxy does): every gRPC call gets HTTP 404.
 */
let server: Http2Server;
let address: string;
let dir: string;
const saved = process.env.TEMPORAL_ADDRESS;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.TEMPORAL_ADDRESS = address;
  dir = mkdtempSync(path.join(tmpdir(), 'steward-address-'));
});
afterAll(async () => {
  if (saved === undefined) delete process.env.TEMPORAL_ADDRESS;
  else process.env.TEMPORAL_ADDRESS = saved;
  rmSync(dir, { recursive: true, force: true });
  await new Promise((done) => server.close(done));
});

describe('a TEMPORAL_ADDRESS that does not answer as Temporal', () => {
  it('start-build names the address and the cause, not just "Failed to start Workflow"', async () => {
    const file = path.join(dir, 'agents.toml');
    writeFileSync(file, 'name = "addr"\n[[agent]]\nname = "a"\n');
    const program = new Command('start-build').exitOverride();
    registerStartBuild(program);
    const run = program.parseAsync(['start-build', file], { from: 'user' });
    await expect(run).rejects.toThrow(
      /^start build\/addr: Failed to start Workflow: .*404.* \(Temporal at 127\.0\.0\.1:\d+\)$/,
    );
    await expect(run).rejects.toThrow(`(Temporal at ${address})`);
  });

  it('any other call names it too', async () => {
    const run = withTemporal((t) =>
      rpc(t, 'list builds', async () => t.client.workflow.list({})[Symbol.asyncIterator]().next()),
    );
    await expect(run).rejects.toThrow(
      new RegExp(`^list builds: Failed to list workflows: .*404.* \\(Temporal at ${address.replace(/\./g, '\\.')}\\)$`),
    );
  });

  it('a failed connection names the address it tried', () => {
    expect(
      unreachableError('10.255.255.1:7233', new Error('Failed to connect before the deadline\nmore')).message,
    ).toBe('cannot reach Temporal at 10.255.255.1:7233: Failed to connect before the deadline');
  });
});
