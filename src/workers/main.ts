import { NativeConnection } from '@temporalio/worker';
import { installRuntime } from './runtime';
import pino from 'pino';
import { settingsFromEnv, unreachableError } from '../host/temporal-connection';
import { hostId } from './host-id';
import { createStewardWorkers, runWorkers } from './worker';

/** `steward worker`: serves until SIGINT/SIGTERM, then drains and exits cleanly. */
export async function runWorkerProcess(): Promise<void> {
  const logger = pino({ name: 'steward-worker' });
  const settings = settingsFromEnv();
  const id = hostId();
  installRuntime(logger);
  const connection = await NativeConnection.connect({
    address: settings.address,
    tls: settings.tls,
    apiKey: settings.apiKey,
  }).catch((err: unknown) => {
    throw unreachableError(settings.address, err);
  });
  const workers = await createStewardWorkers({
    connection,
    namespace: settings.namespace,
    hostId: id,
    tmuxSocket: process.env.STEWARD_TMUX_SOCKET || undefined,
  });
  logger.info({ host: id, address: settings.address, namespace: settings.namespace }, 'steward worker started');
  await runWorkers(workers);
  await connection.close();
  logger.info('steward worker stopped');
}
