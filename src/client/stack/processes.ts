import { spawn, ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * The stack's long-running processes (PostgreSQL, the Temporal server) outlive `npm run stack:up`,
 * so they are started detached with their output appended to a log file, and found again by pid:
 * `stack:down` runs in another process.
 */
export function spawnDetached(
  file: string,
  args: readonly string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string; logFile: string },
): ChildProcess {
  const log = openSync(opts.logFile, 'a');
  try {
    const child = spawn(file, args, { env: opts.env, cwd: opts.cwd, detached: true, stdio: ['ignore', log, log] });
    child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, and someone else's (PostgreSQL's own user, when we are not root).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid on the first line of a pid file (ours, or PostgreSQL's postmaster.pid), if it names a live process. */
export async function livePid(pidFile: string): Promise<number | null> {
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

/** Polls `check` every 250 ms until it holds; throws `what` once `timeoutMs` has passed. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Sends `signal`, waits for the process to go, and SIGKILLs it if it has not after `graceMs`. */
export async function stopProcess(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  process.kill(pid, signal);
  try {
    await waitFor(() => !isAlive(pid), graceMs, `process ${pid} to exit`);
  } catch {
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !isAlive(pid), 10_000, `process ${pid} to exit after SIGKILL`);
  }
}

/** The end of a log file, for an error message: its last lines, each cut short (the server's carry stack traces). */
export async function logTail(logFile: string, lines = 15): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text
    .trim()
    .split('\n')
    .slice(-lines)
    .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line))
    .join('\n');
}
