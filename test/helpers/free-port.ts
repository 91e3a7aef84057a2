import { createServer } from 'node:net';

/** Asks the kernel for a free TCP port (and its neighbour, which the dev server's HTTP API takes). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    if (port < 65000) return port;
  }
}
