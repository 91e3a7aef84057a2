import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { temporalServerEnvironment } from '../../core/stack/server-environment';
import { stackAddress, type StackSettings } from '../../core/stack/settings';
import { waitUntilServing } from '../dev-server';
import { livePid, logTail, spawnDetached, stopProcess } from './processes';
import { StackProvisionError, type TemporalServerParts } from './server-binaries';

export interface TemporalServerPaths {
  log: string;
  pid: string;
}

export function temporalServerPaths(stackRoot: string): TemporalServerPaths {
  return { log: join(stackRoot, 'temporal-server.log'), pid: join(stackRoot, 'temporal-server.pid') };
}

/**
 * `temporal-server start` (frontend, history, matching and internal worker in one process, as in
 * the temporalio/server image), detached, configured only by its environment: the same keys as the
 * compose file's `temporal` service, and the dynamic config file that service names, from the
 * module's `config/` at this version. A server already running from this stack is left as it is.
 */
export async function startTemporalServer(
  parts: TemporalServerParts,
  settings: StackSettings,
  paths: TemporalServerPaths,
  stackRoot: string,
): Promise<'started' | 'running'> {
  if (await livePid(paths.pid)) return 'running';
  const dynamicConfig = join(parts.moduleDir, 'config', 'dynamicconfig', 'docker.yaml');
  // Only these variables: a TEMPORAL_* or LOG_LEVEL of the caller's would change the rendered config.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...temporalServerEnvironment(settings, dynamicConfig) };
  const child = spawnDetached(parts.server, ['start'], { env, cwd: stackRoot, logFile: paths.log });
  if (child.pid === undefined) throw new StackProvisionError(`could not start ${parts.server}`);
  await writeFile(paths.pid, `${child.pid}\n`);
  try {
    await waitUntilServing(stackAddress(settings), child, 120_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new StackProvisionError(`${(err as Error).message}\n${await logTail(paths.log)}`);
  }
  return 'started';
}

/** SIGTERM (the server drains and stops its services), SIGKILL after 30 s. */
export async function stopTemporalServer(paths: TemporalServerPaths): Promise<boolean> {
  const pid = await livePid(paths.pid);
  if (pid === null) return false;
  await stopProcess(pid, 'SIGTERM', 30_000);
  return true;
}
