import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isExecutable } from '../../host/find-executable';
import { runProgram } from '../../host/run-program';
import { goBinDir, goInstall } from '../go-install';

/** The Temporal server's Go module: its tag has no replace directives, so `go install module@tag` builds it. */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';

/** What the stack runs from the server module, named as in the temporalio images. */
export interface TemporalServerParts {
  /** `temporal-server` (go.temporal.io/server/cmd/server). */
  server: string;
  /** `temporal-sql-tool` (go.temporal.io/server/cmd/tools/sql). */
  sqlTool: string;
  /** The module's source at that version: `schema/` (the admin-tools image's /etc/temporal/schema) and `config/`. */
  moduleDir: string;
}

export class StackProvisionError extends Error {}

/** Each program: its package in the module, and the name the images give its binary. */
const PROGRAMS = [
  { pkg: 'cmd/server', built: 'server', name: 'temporal-server' },
  { pkg: 'cmd/tools/sql', built: 'sql', name: 'temporal-sql-tool' },
] as const;

/**
 * Finds or builds the server and temporal-sql-tool at `version`, like the `temporal` CLI
 * (temporal-binary.ts): built once with `go install` into GOPATH/bin — here a directory of their
 * own per version (`temporal-server-<version>/`), so the generic names `go install` gives them
 * (`server`, `sql`) never land on PATH and a version bump in temporal-stack.env builds anew.
 */
export async function provisionTemporalServer(
  version: string,
  report: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TemporalServerParts> {
  const binDir = await goBinDir(env);
  if (!binDir) throw new StackProvisionError(`Go is not installed: it builds ${TEMPORAL_SERVER_MODULE}@v${version}`);
  const dir = join(binDir, `temporal-server-${version}`);
  for (const program of PROGRAMS) {
    const target = join(dir, program.name);
    if (await isExecutable(target)) continue;
    const module = `${TEMPORAL_SERVER_MODULE}/${program.pkg}@v${version}`;
    report(`building ${program.name} from source (go install ${module}); the first time takes several minutes…`);
    const built = await goInstall(module, env, dir);
    if (!built.ok) throw new StackProvisionError(`go install ${module} failed: ${built.error}`);
    await rename(join(dir, program.built), target);
    report(`built ${target} in ${built.seconds}s`);
  }
  return {
    server: join(dir, 'temporal-server'),
    sqlTool: join(dir, 'temporal-sql-tool'),
    moduleDir: await moduleDir(version, env),
  };
}

/** The module's directory in Go's module cache (downloaded again if the cache was cleaned since the build). */
async function moduleDir(version: string, env: NodeJS.ProcessEnv): Promise<string> {
  const module = `${TEMPORAL_SERVER_MODULE}@v${version}`;
  // Outside any go.mod, so the download is of exactly this version.
  const r = await runProgram('go', ['mod', 'download', '-json', module], {
    env,
    cwd: tmpdir(),
    timeoutMs: 10 * 60_000,
  });
  const dir = r.code === 0 ? (JSON.parse(r.stdout) as { Dir?: string }).Dir : undefined;
  if (!dir) throw new StackProvisionError(`go mod download ${module} failed: ${r.stderr.trim() || r.stdout.trim()}`);
  return dir;
}
