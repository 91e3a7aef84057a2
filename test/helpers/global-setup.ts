import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { resolveTemporalBinary } from '../../src/client/temporal-binary';
import { startDevServer } from '../../src/client/dev-server';
import { freePort } from './free-port';

/**
 * Integration tests need a real Temporal server: provision the binary with the project's own
 * resolver (building it if need be) and start one dev server for the whole run. If that fails the
 * run fails — it never skips.
 */
export default async function globalSetup(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-it-'));
  const binary = await resolveTemporalBinary((line) => process.stderr.write(`${line}\n`));
  const port = await freePort();
  const server = await startDevServer({ binary, dbFile: join(dir, 'temporal.sqlite'), port, headless: true });
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: quietLogger,
  });
  const bundlePath = join(dir, 'workflow-bundle.js');
  await writeFile(bundlePath, bundle.code);
  process.env.STEWARD_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.STEWARD_TEST_TEMPORAL_BINARY = binary;
  process.env.STEWARD_TEST_BUNDLE = bundlePath;
  process.env.STEWARD_TEST_DIR = dir;
  (globalThis as Record<string, unknown>).__stewardDevServer = server;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => process.stderr.write(`${m}\n`),
  error: (m: string) => process.stderr.write(`${m}\n`),
};
