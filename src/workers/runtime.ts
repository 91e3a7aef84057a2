import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Logger as PinoLogger } from 'pino';

let installed = false;

/** Routes the Temporal SDK's logs through pino. Runtime.install may run once per process. */
export function installRuntime(logger: PinoLogger): void {
  if (installed) return;
  installed = true;
  const at =
    (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) =>
      logger[level](meta ?? {}, message);
  Runtime.install({
    logger: {
      log: (level, message, meta) => at(level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'info'))(message, meta),
      trace: at('trace'),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
    },
    // The native core's own logs go to the same pino logger instead of straight to stderr.
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) } },
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
}
