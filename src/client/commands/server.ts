import { Command } from 'commander';
import { resolve } from 'node:path';
import { resolveTemporalBinary } from '../temporal-binary';
import { startDevServer } from '../dev-server';
import { runWorkerProcess } from '../../workers/main';

/** `steward provision`, `steward dev-server`, `steward worker`: the processes a host runs. */
export function registerServerCommands(program: Command): void {
  program
    .command('provision')
    .description('find or build the `temporal` binary and print its path')
    .addHelpText('after', '\nExample:\n  steward provision')
    .action(async () => {
      console.log(await resolveTemporalBinary((line) => console.error(line)));
    });

  program
    .command('dev-server')
    .description("run the Temporal dev server with a SQLite file under .steward/ and Steward's search attributes")
    .option('--port <port>', 'frontend gRPC port', '7233')
    .option('--ui-port <port>', 'Web UI port', '8233')
    .option('--db <file>', 'SQLite file (workflows survive restarts)', '.steward/temporal.sqlite')
    .addHelpText('after', '\nExample:\n  steward dev-server --port 7233 --ui-port 8233')
    .action(async (opts: { port: string; uiPort: string; db: string }) => {
      const server = await startDevServer({
        dbFile: resolve(opts.db),
        port: Number(opts.port),
        uiPort: Number(opts.uiPort),
        log: (line) => console.error(line),
      });
      console.log(`Temporal dev server at ${server.address}; Web UI ${server.uiUrl}; Ctrl-C stops it`);
      const stop = () => void server.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await new Promise<void>((r) => server.process.once('exit', () => r()));
    });

  program
    .command('worker')
    .description("serve the workflow queue and this host's activity queue (STEWARD_HOST_ID names the host)")
    .addHelpText('after', '\nExample:\n  TEMPORAL_ADDRESS=127.0.0.1:7233 STEWARD_HOST_ID=build-box-1 steward worker')
    .action(runWorkerProcess);
}
