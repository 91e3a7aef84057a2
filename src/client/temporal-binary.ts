import { delimiter, join } from 'node:path';
import { runProgram } from '../host/run-program';
import { findExecutable, isExecutable } from '../host/find-executable';

/** The one Temporal CLI tag we build from source: it has no replace directives, newer tags do. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export class TemporalBinaryError extends Error {}

async function goBinDir(env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await runProgram('go', ['env', 'GOPATH'], { env, timeoutMs: 30_000 });
  const gopath = r.stdout.trim().split(delimiter)[0];
  return r.code === 0 && gopath ? join(gopath, 'bin') : null;
}

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
    const started = Date.now();
    const r = await runProgram('go', ['install', TEMPORAL_CLI_MODULE], {
      env: { ...env, CGO_ENABLED: '0' },
      timeoutMs: 30 * 60_000,
    });
    if (r.code === 0 && (await isExecutable(join(binDir, 'temporal')))) {
      report(`built ${join(binDir, 'temporal')} in ${Math.round((Date.now() - started) / 1000)}s`);
      return join(binDir, 'temporal');
    }
    throw new TemporalBinaryError(noRouteMessage(`go install failed: ${lastLines(r.stderr)}`));
  }
  throw new TemporalBinaryError(noRouteMessage('Go is not installed'));
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}

function noRouteMessage(why: string): string {
  return (
    `cannot provision a Temporal server (${why}). Options: ` +
    `install the Temporal CLI and put \`temporal\` on PATH or set TEMPORAL_CLI=/path/to/temporal; ` +
    `install Go so Steward can build it (go install ${TEMPORAL_CLI_MODULE}); ` +
    `or set TEMPORAL_ADDRESS to a running server (docker compose -f docker-compose.temporal.yml up -d starts one).`
  );
}
