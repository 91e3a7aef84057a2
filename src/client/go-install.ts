import { delimiter, join } from 'node:path';
import { runProgram } from '../host/run-program';

/**
 * Building Temporal's Go programs from source with `go install`: these machines reach package
 * registries (the Go module proxy among them) but no release downloads, so this is how the
 * `temporal` CLI (temporal-binary.ts) and the production stack's server (stack/server-binaries.ts)
 * are provisioned. The results land under GOPATH/bin, so later runs find them at once.
 */

/** `$(go env GOPATH)/bin`, or null when Go is not installed. */
export async function goBinDir(env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await runProgram('go', ['env', 'GOPATH'], { env, timeoutMs: 30_000 });
  const gopath = r.stdout.trim().split(delimiter)[0];
  return r.code === 0 && gopath ? join(gopath, 'bin') : null;
}

export interface GoInstallResult {
  ok: boolean;
  /** The last lines of go's stderr when it failed. */
  error: string;
  seconds: number;
}

/**
 * `go install <module@version>`, without cgo (static binaries, no C toolchain needed), into
 * `gobin` when given (GOBIN) or GOPATH/bin.
 */
export async function goInstall(module: string, env: NodeJS.ProcessEnv, gobin?: string): Promise<GoInstallResult> {
  const started = Date.now();
  const r = await runProgram('go', ['install', module], {
    env: { ...env, CGO_ENABLED: '0', ...(gobin ? { GOBIN: gobin } : {}) },
    timeoutMs: 30 * 60_000,
  });
  return { ok: r.code === 0, error: lastLines(r.stderr), seconds: Math.round((Date.now() - started) / 1000) };
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}
