import { Client, Connection } from '@temporalio/client';
import { settingsFromEnv, type ConnectionSettings } from '../host/temporal-connection';

/** A client connection to Temporal (5 s to connect), from the environment's settings by default. */
export async function connect(
  settings: ConnectionSettings = settingsFromEnv(),
): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({
    address: settings.address,
    tls: settings.tls,
    apiKey: settings.apiKey,
    connectTimeout: 5000,
  });
  return { connection, client: new Client({ connection, namespace: settings.namespace }) };
}
