import { createServer } from 'node:net';

/** Listens on `port` of 127.0.0.1 (0: any) and closes again: the port it got, or null if that one is taken. */
function tryPort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(null));
    srv.listen(port, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}

/** Asks the kernel for a free TCP port (and its neighbour, which the dev server's HTTP API takes). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await tryPort(0);
    if (port === null) throw new Error('no free TCP port on 127.0.0.1');
    if (port < 65000) return port;
  }
}

/**
 * A free port in [20000, 32767]: below the kernel's ephemeral range, for a program that stores its
 * ports in a signed 16-bit column (the Temporal server's membership ports, on PostgreSQL).
 */
export async function freeLowPort(): Promise<number> {
  for (;;) {
    const port = await tryPort(20_000 + Math.floor(Math.random() * 12_768));
    if (port !== null) return port;
  }
}
