import { spawn, type ChildProcess } from 'node:child_process';

/** What a finished program gave: execFile's error (or null) and its output. */
export interface SpawnOutcome {
  error: { code?: number | string | null; killed?: boolean; signal?: NodeJS.Signals | null; message: string } | null;
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
 * from dist/ and from the TypeScript sources in tests. It leaves when the worker does (its channel
 * closes), not on the terminal's Ctrl-C: the worker may still be finishing activities then.
 */
const HELPER_PROGRAM = `
const { execFile } = require('node:child_process');
const reply = (id, error, stdout, stderr) => {
  const failed = error ? { code: error.code, killed: error.killed, signal: error.signal, message: error.message } : null;
  process.send({ id, outcome: { error: failed, stdout: String(stdout), stderr: String(stderr) } });
};
process.on('message', ({ id, file, args, input, ...options }) => {
  try {
    const child = execFile(file, args, options, (error, stdout, stderr) => reply(id, error, stdout, stderr));
    if (input !== undefined) child.stdin?.end(input);
  } catch (error) {
    reply(id, error, '', '');
  }
});
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
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
/** How long past a program's own timeout its reply may take before the helper is taken for stuck. */
const REPLY_GRACE_MS = 5_000;

interface Waiting {
  child: ChildProcess;
  settle: (outcome: SpawnOutcome) => void;
  deadline: NodeJS.Timeout;
}

/**
 * A small Node process (~40 MB) that starts the worker's child processes (`tmux`, `git fetch`):
 * Node forks to spawn, and a fork copies the forking process's page tables, which for the ~300 MB
 * worker costs ~10 ms of its main thread each, against ~1 ms for the helper (docs/performance.md).
 * Started on first use while some worker holds it (`hold`); while it cannot run, `run` answers
 * null and the caller spawns as before. Should it die, lose its channel or not answer within a
 * program's timeout, what it was running ends as failed ("the spawn helper …"): a command that may
 * have been done is not run a second time. Every request is answered, one way or the other.
 */
export class SpawnHelper {
  private child: ChildProcess | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private retryAt = 0;
  private holders = 0;

  /** A worker uses the helper until it calls the function returned; the helper ends once idle and unheld. */
  hold(): () => void {
    this.holders += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders -= 1;
      this.leaveIfIdle();
    };
  }

  run(request: SpawnRequest): Promise<SpawnOutcome> | null {
    const child = this.ready();
    if (!child) return null;
    const id = this.nextId++;
    return new Promise((settle) => {
      const deadline = setTimeout(
        () => this.end(child, 'the spawn helper did not answer in time'),
        request.timeout + REPLY_GRACE_MS,
      ).unref();
      this.waiting.set(id, { child, settle, deadline });
      child.send({ id, ...request }, (err) => {
        if (err) this.end(child, `the spawn helper could not be sent the request: ${err.message}`);
      });
    });
  }

  private ready(): ChildProcess | null {
    // Its channel can close a moment before its exit is seen: never leave it behind unanswered.
    if (this.child && !this.child.connected) this.end(this.child, 'the spawn helper lost its channel');
    if (this.child) return this.child;
    if (this.holders === 0 || Date.now() < this.retryAt) return null;
    const env = { ...process.env };
    // Not the worker's NODE_OPTIONS (an inspector could stop the helper); programs still get them (SpawnRequest.env).
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [...preloads(process.execArgv), '-e', HELPER_PROGRAM], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env,
    });
    this.child = child;
    child.on('message', (m: { id: number; outcome: SpawnOutcome }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      clearTimeout(w.deadline);
      w.settle(m.outcome);
      this.leaveIfIdle();
    });
    const died = () => this.end(child, 'the spawn helper exited before the program ended');
    child.on('error', (err) => this.end(child, `the spawn helper failed: ${err.message}`));
    child.on('disconnect', died);
    child.on('exit', died);
    // Waiting on its requests only: the worker may exit while it runs.
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    return child;
  }

  /** No worker holds the helper and it runs nothing: it leaves (its channel closes, it exits). */
  private leaveIfIdle(): void {
    const child = this.child;
    if (this.holders > 0 || !child || [...this.waiting.values()].some((w) => w.child === child)) return;
    this.child = null;
    if (child.connected) child.disconnect();
  }

  /** `child` is lost: what it was running ends as failed; if it was the helper, the worker spawns for a second. */
  private end(child: ChildProcess, why: string): void {
    if (this.child === child) {
      this.child = null;
      this.retryAt = Date.now() + RESTART_AFTER_MS;
    }
    // SIGKILL: the helper ignores SIGTERM (see HELPER_PROGRAM).
    child.kill('SIGKILL');
    for (const [id, w] of this.waiting) {
      if (w.child !== child) continue;
      this.waiting.delete(id);
      clearTimeout(w.deadline);
      w.settle({ error: { code: 1, message: why }, stdout: '', stderr: '' });
    }
  }
}

/** The process's one helper: every worker in it shares it. */
export const spawnHelper = new SpawnHelper();
