import { installRuntime } from './runtime';
import pino from 'pino';
import { hostId } from './host-id';
import { connectStewardWorkers, runWorkers } from './worker';

/** `steward worker`: serves until SIGINT/SIGTERM, then drains and exits cleanly. */
export async function runWorkerProcess(): Promise<void> {
  const logger = pino({ name: 'steward-worker' });
  const id = hostId();
  installRuntime(logger);
  const { workers, connection, settings } = await connectStewardWorkers(id);
  logger.info({ host: id, address: settings.address, namespace: settings.namespace }, 'steward worker started');
  await runWorkers(workers);
  await connection.close();
  logger.info('steward worker stopped');
}
