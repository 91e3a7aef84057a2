import type { DevServer } from '../../src/client/dev-server';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as Record<string, unknown>).__stewardDevServer as DevServer | undefined;
  await server?.stop();
}
