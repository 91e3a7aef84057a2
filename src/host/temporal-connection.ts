/**
 * Where Temporal is and how to reach it, from the environment: shared by the worker (a native
 * connection) and the CLI (a client connection), each of which connects its own way. Plain data,
 * no Temporal SDK: the TLS setting has the shape both SDK connections accept.
 */
import { readFileSync } from 'node:fs';

/** TLS as the SDK's connections take it: on (`true`), or with a client certificate pair (mTLS). */
export type TlsSetting = true | { clientCertPair: { crt: Buffer; key: Buffer } };

export interface ConnectionSettings {
  address: string;
  namespace: string;
  tls?: TlsSetting;
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
    tls:
      cert && key ? { clientCertPair: { crt: readFileSync(cert), key: readFileSync(key) } } : apiKey ? true : undefined,
    apiKey,
  };
}

/** A failed connection as one line that names the address it tried: `cannot reach Temporal at ADDR: why`. */
export function unreachableError(address: string, err: unknown): Error {
  const why = (err instanceof Error ? err.message : String(err)).split('\n').find((l) => l.trim() !== '') ?? '';
  return new Error(`cannot reach Temporal at ${address}: ${why.trim()}`);
}
