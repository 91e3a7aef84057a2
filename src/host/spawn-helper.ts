import { spawn, type ChildProcess } from 'node:child_process';

/** What a finished program gave: execFile's error (or null) and its output. */
export interface SpawnOutcome {
  error: { code?: number | string | null; message: string } | null;
  stdout: string;
  stderr: string;
}

export interface SpawnRequest {
  file: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeout: number;
  maxBuffer: number;
}

/**
 * The helper's whole program: it runs each request it is sent with execFile (an argument vector,
 * no shell) and sends back how it ended. Plain JavaScript given to `node -e`, so it runs the same
 * from dist/ and from the TypeScript sources in tests. It exits when the worker goes.
 */
const HELPER_PROGRAM = `
const { execFile } = require('node:child_process');
process.on('message', ({ id, file, args, input, ...options }) => {
  const child = execFile(file, args, options, (error, stdout, stderr) => {
    const failed = error ? { code: error.code, message: error.message } : null;
    process.send({ id, outcome: { error: failed, stdout: String(stdout), stderr: String(stderr) } });
  });
  if (input !== undefined) child.stdin.end(input);
});
process.on('disconnect', () => process.exit(0));
`;

/**
 * The worker's `--require` preloads, for the helper too (bench/spawn-counter.cjs counts the
 * programs each process starts); not its other flags, such as an inspector's, which could stop it.
 */
export function preloads(execArgv: readonly string[]): string[] {
  return execArgv.flatMap((arg, i) => {
    if ((arg === '--require' || arg === '-r') && execArgv[i + 1] !== undefined) return [arg, execArgv[i + 1]!];
    return arg.startsWith('--require=') ? [arg] : [];
  });
}

/** After the helper died, how long programs are started by the worker itself before another is tried. */
const RESTART_AFTER_MS = 1_000;

/**
 * A small Node process (~40 MB) that starts the worker's child processes (`tmux`, `git fetch`):
 * Node forks to spawn, and a fork copies the forking process's page tables, which for the ~300 MB
 * worker costs ~10 ms of its main thread each, against ~1 ms for the helper (docs/performance.md).
 * Started on first use while some worker holds it (`hold`); while it cannot run, `run` answers
 * null and the caller spawns as before. Should it die with programs under way, they end as failed
 * ("the spawn helper exited"): a command that may have been done is not run a second time.
 */
export class SpawnHelper {
  private child: ChildProcess | null = null;
  private readonly waiting = new Map<number, (outcome: SpawnOutcome) => void>();
  private nextId = 1;
  private retryAt = 0;
  private holders = 0;

  /** A worker uses the helper until it calls the function returned. */
  hold(): () => void {
    this.holders += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders -= 1;
      if (this.holders === 0 && this.child)
        this.stop(this.child, 'the spawn helper was stopped before the program ended');
    };
  }

  run(request: SpawnRequest): Promise<SpawnOutcome> | null {
    const child = this.ready();
    if (!child) return null;
    const id = this.nextId++;
    return new Promise((settle) => {
      this.waiting.set(id, settle);
      child.send({ id, ...request }, (err) => {
        if (err) this.end(child, `the spawn helper could not be sent the request: ${err.message}`);
      });
    });
  }

  private ready(): ChildProcess | null {
    if (this.child?.connected) return this.child;
    if (this.holders === 0 || Date.now() < this.retryAt) return null;
    const child = spawn(process.execPath, [...preloads(process.execArgv), '-e', HELPER_PROGRAM], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child = child;
    child.on('message', (m: { id: number; outcome: SpawnOutcome }) => {
      this.waiting.get(m.id)?.(m.outcome);
      this.waiting.delete(m.id);
    });
    child.on('error', (err) => this.end(child, `the spawn helper failed: ${err.message}`));
    child.on('exit', () => this.end(child, 'the spawn helper exited before the program ended'));
    // Waiting on its requests only: the worker may exit while it runs.
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    return child;
  }

  /** The helper died: what it was running is lost to us, and the worker spawns for a second. */
  private end(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.retryAt = Date.now() + RESTART_AFTER_MS;
    this.stop(child, why);
  }

  private stop(child: ChildProcess, why: string): void {
    this.child = null;
    child.kill();
    for (const settle of this.waiting.values()) settle({ error: { code: 1, message: why }, stdout: '', stderr: '' });
    this.waiting.clear();
  }
}

/** The process's one helper: every worker in it shares it. */
export const spawnHelper = new SpawnHelper();
