import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseEnvFile, stackAddress, stackSettingsFrom, type StackSettings } from '../../core/stack/settings';
import { setUpNamespace } from './namespace';
import { findPostgres, initPostgres, postgresPaths, postgresRunner, startPostgres, stopPostgres } from './postgres';
import { applyTemporalSchema } from './schema';
import { provisionTemporalServer } from './server-binaries';
import { startTemporalServer, stopTemporalServer, temporalServerPaths } from './temporal-server';

/** The repository root: this file is src/client/stack/stack.ts, or dist/client/stack/stack.js once built. */
const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** The one settings file of the production stack, shared with docker-compose.temporal.yml. */
export const STACK_SETTINGS_FILE = join(REPO_ROOT, 'temporal-stack.env');

/** Where `npm run stack:up` keeps the stack's data and logs (gitignored with the rest of .steward/). */
export const DEFAULT_STACK_DIR = join(REPO_ROOT, '.steward', 'stack');

export function readStackSettings(file = STACK_SETTINGS_FILE): StackSettings {
  return stackSettingsFrom(parseEnvFile(readFileSync(file, 'utf8')));
}

export interface StackUp {
  /** TEMPORAL_ADDRESS for workers and the CLI. */
  address: string;
  namespace: string;
  /** Seconds each step took: provision (find or build the server), postgres, schema, server, namespace. */
  seconds: Record<'provision' | 'postgres' | 'schema' | 'server' | 'namespace' | 'total', number>;
}

/**
 * Brings the stack up from its parts, each step a no-op when already done: the server binaries
 * (built on first use), PostgreSQL (cluster made on first use), the schema (created or upgraded),
 * the Temporal server, the namespace and search attributes — the compose file's services in
 * their `depends_on` order.
 */
export async function stackUp(
  dir: string,
  settings: StackSettings,
  report: (line: string) => void = () => {},
): Promise<StackUp> {
  const started = Date.now();
  let mark = started;
  const lap = () => {
    const now = Date.now();
    const s = Math.round((now - mark) / 100) / 10;
    mark = now;
    return s;
  };
  await mkdir(dir, { recursive: true });
  const parts = await provisionTemporalServer(settings.temporalServerVersion, report);
  const provision = lap();

  const install = await findPostgres(Number(settings.postgresVersion.split('.')[0]));
  const runner = await postgresRunner(settings.postgresOsUser);
  const pg = postgresPaths(dir);
  if ((await initPostgres(install, runner, pg, settings)) === 'created') report(`made a cluster in ${pg.data}`);
  const pgState = await startPostgres(install, runner, pg, settings.ports.postgres);
  report(`PostgreSQL ${pgState} on 127.0.0.1:${settings.ports.postgres} (${install.version})`);
  const postgres = lap();

  await applyTemporalSchema(parts, settings, report);
  const schema = lap();

  const serverState = await startTemporalServer(parts, settings, temporalServerPaths(dir), dir);
  report(`Temporal server ${settings.temporalServerVersion} ${serverState} at ${stackAddress(settings)}`);
  const server = lap();

  const registered = await setUpNamespace(settings, report);
  if (registered.length > 0) report(`search attributes registered: ${registered.join(', ')}`);
  const namespace = lap();

  return {
    address: stackAddress(settings),
    namespace: settings.namespace,
    seconds: { provision, postgres, schema, server, namespace, total: Math.round((Date.now() - started) / 100) / 10 },
  };
}

/** Stops the Temporal server, then PostgreSQL (the reverse order). The data stays in `dir`. */
export async function stackDown(dir: string, report: (line: string) => void = () => {}): Promise<void> {
  report(
    (await stopTemporalServer(temporalServerPaths(dir)))
      ? 'Temporal server stopped'
      : 'Temporal server was not running',
  );
  report((await stopPostgres(postgresPaths(dir))) ? 'PostgreSQL stopped' : 'PostgreSQL was not running');
}

/** Stops the Temporal server alone (PostgreSQL and the data stay): `stackUp` starts it again. */
export function stopStackServer(dir: string): Promise<boolean> {
  return stopTemporalServer(temporalServerPaths(dir));
}
