import { execFile, spawn } from 'node:child_process';
import { spawnHelper, type SpawnOutcome, type SpawnRequest } from './spawn-helper';

export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program with an argument vector — never through a shell — and resolves with its exit
 * code instead of throwing, so callers decide what a failure means. In a worker it is started by
 * the spawn helper (src/host/spawn-helper.ts), which forks for much less than the worker does.
 */
export function runProgram(
  file: string,
  args: readonly string[],
  opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProgramResult> {
  const request: SpawnRequest = {
    file,
    args,
    cwd: opts.cwd,
    // Always sent: the helper's own environment is the worker's as it was when the helper started.
    env: opts.env ?? process.env,
    input: opts.input,
    timeout: opts.timeoutMs ?? 30_000,
    maxBuffer: 16 * 1024 * 1024,
  };
  return (spawnHelper.run(request) ?? runHere(request)).then((outcome) => programResult(request, outcome));
}

function runHere({ file, args, input, ...options }: SpawnRequest): Promise<SpawnOutcome> {
  return new Promise((resolve) => {
    const child = execFile(file, args, options, (error, stdout, stderr) =>
      resolve({ error, stdout: String(stdout), stderr: String(stderr) }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

function programResult(request: SpawnRequest, { error, stdout, stderr }: SpawnOutcome): ProgramResult {
  const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
  // Stopped by its timeout (a too-long output has a code of its own): say so, not just "Command failed".
  const timedOut = error?.killed && typeof error.code !== 'string';
  const said = timedOut ? `${request.file} stopped after ${request.timeout / 1000} s (its timeout)` : error?.message;
  return { code, stdout, stderr: stderr || (said ?? '') };
}

/**
 * The first `maxBytes` of a program's stdout (argument vector, no shell): once that much has come,
 * the program is stopped, so a huge output is never read whole. Rejects when it cannot start or
 * ends with a non-zero code before the cap.
 */
export function programOutputHead(
  file: string,
  args: readonly string[],
  opts: { cwd?: string; maxBytes: number; timeoutMs?: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: opts.timeoutMs ?? 30_000,
    });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let capped = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (capped) return;
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes >= opts.maxBytes) {
        capped = true;
        child.kill();
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (!capped && code !== 0) reject(new Error(`${file} exited with ${code}`));
      else resolve(Buffer.concat(chunks).subarray(0, opts.maxBytes).toString('utf8'));
    });
  });
}
