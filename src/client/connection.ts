import { readFileSync } from 'node:fs';
import { Client, Connection, ConnectionOptions } from '@temporalio/client';

export interface ConnectionSettings {
  address: string;
  namespace: string;
  tls?: ConnectionOptions['tls'];
  apiKey?: string;
}

/**
 * Connection settings from the environment, so one binary talks to the dev server, a compose
 * stack or Temporal Cloud: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_CERT/KEY (paths),
 * TEMPORAL_API_KEY.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const cert = env.TEMPORAL_TLS_CERT;
  const key = env.TEMPORAL_TLS_KEY;
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  return {
    address: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    tls: cert && key ? { clientCertPair: { crt: readFileSync(cert), key: readFileSync(key) } } : apiKey ? true : undefined,
    apiKey,
  };
}

/** A failed connection as one line that names the address it tried: `cannot reach Temporal at ADDR: why`. */
export function unreachableError(address: string, err: unknown): Error {
  const why = (err instanceof Error ? err.message : String(err)).split('\n').find((l) => l.trim() !== '') ?? '';
  return new Error(`cannot reach Temporal at ${address}: ${why.trim()}`);
}

export async function connect(settings: ConnectionSettings = settingsFromEnv()): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({
    address: settings.address,
    tls: settings.tls,
    apiKey: settings.apiKey,
    connectTimeout: 5000,
  });
  return { connection, client: new Client({ connection, namespace: settings.namespace }) };
}
