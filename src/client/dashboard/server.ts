/**
 * `steward dashboard` (and `steward up`): the board, its watcher and the HTTP server, in the CLI's
 * process. Nothing else needs to run: it reads Temporal and this host's files.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { runUpdate, type Temporal } from '../build-handle';
import { BuildBoard } from './board';
import { dashboardHandler } from './routes';
import { BoardWatcher, type WatcherOptions } from './watcher';

export interface DashboardOptions extends WatcherOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  readOnly: boolean;
  /** How long an action waits for the build to carry it out. */
  actionWaitSeconds?: number;
}

export interface Dashboard {
  url: string;
  board: BuildBoard;
  close(): Promise<void>;
}

/**
 * Names a page may address this server by: loopback under any of its names and the host it
 * listens on; listening on every interface (0.0.0.0, ::), also this machine's host name and
 * addresses. Never any name: a page of another site rebound to this address (DNS rebinding) names
 * its own host, is refused, and cannot read the token.
 */
export function allowedHosts(host: string): ReadonlySet<string> {
  const names = new Set(['127.0.0.1', 'localhost', '::1', host]);
  if (host === '0.0.0.0' || host === '::') {
    names.add(hostname());
    for (const addresses of Object.values(networkInterfaces())) for (const a of addresses ?? []) names.add(a.address);
  }
  return names;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startDashboard(t: Temporal, options: DashboardOptions): Promise<Dashboard> {
  const board = new BuildBoard();
  const watcher = new BoardWatcher(t, board, options);
  const handler = dashboardHandler({
    board,
    token: randomBytes(24).toString('base64url'),
    readOnly: options.readOnly,
    allowedHosts: allowedHosts(options.host),
    runAction: async (build, call) =>
      runUpdate(await watcher.handleOf(build), call.update, call.args, options.actionWaitSeconds ?? 60),
    paneOf: (build, agent) => watcher.paneOf(build, agent),
  });
  // Listen first: a port already taken is found before the builds are read. A page loaded
  // meanwhile fills in as the watcher's first round lands (it refetches on the channel's changes).
  const server = createServer(handler);
  const address = await listen(server, options.host, options.port).catch((err: unknown) => {
    board.close();
    throw err;
  });
  await watcher.start();
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    board,
    close: async () => {
      watcher.stop();
      board.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
