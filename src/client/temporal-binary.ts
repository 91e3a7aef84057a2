import { join } from 'node:path';
import { findExecutable, isExecutable } from '../host/find-executable';
import { goBinDir, goInstall } from './go-install';

/** The one Temporal CLI tag we build from source: it has no replace directives, newer tags do. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export class TemporalBinaryError extends Error {}

/**
 * Finds the `temporal` binary: $TEMPORAL_CLI, then PATH, then $(go env GOPATH)/bin, else builds it
 * with `go install` (a few minutes once; the result lands in GOPATH/bin, so later runs are instant).
 * The SDK's own download is never used: these machines reach package registries only.
 */
export async function resolveTemporalBinary(
  report: (line: string) => void = () => {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const fromEnv = env.TEMPORAL_CLI;
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new TemporalBinaryError(`TEMPORAL_CLI=${fromEnv} is not an executable file`);
  }
  const found = await findExecutable('temporal', env.PATH ?? '');
  if (found) return found;
  const binDir = await goBinDir(env);
  if (binDir && (await isExecutable(join(binDir, 'temporal')))) return join(binDir, 'temporal');
  if (binDir) {
    report(
      `building the Temporal CLI from source (go install ${TEMPORAL_CLI_MODULE}); the first time takes about 4 minutes…`,
    );
    const built = await goInstall(TEMPORAL_CLI_MODULE, env);
    if (built.ok && (await isExecutable(join(binDir, 'temporal')))) {
      report(`built ${join(binDir, 'temporal')} in ${built.seconds}s`);
      return join(binDir, 'temporal');
    }
    throw new TemporalBinaryError(noRouteMessage(`go install failed: ${built.error}`));
  }
  throw new TemporalBinaryError(noRouteMessage('Go is not installed'));
}

function noRouteMessage(why: string): string {
  return (
    `cannot provision a Temporal server (${why}). Options: ` +
    `install the Temporal CLI and put \`temporal\` on PATH or set TEMPORAL_CLI=/path/to/temporal; ` +
    `install Go so Steward can build it (go install ${TEMPORAL_CLI_MODULE}); ` +
    `or set TEMPORAL_ADDRESS to a running server (docker compose -f docker-compose.temporal.yml up -d starts one).`
  );
}
