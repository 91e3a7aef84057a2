import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { testServerAddress } from './harness';
import { agentTable, buildHeader, DEMO_PATTERNS, loopTable, scriptedAgentBackend } from './configs';

const ROOT = resolve(__dirname, '..', '..');
const BIN = resolve(ROOT, 'bin', 'steward');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Non-empty stderr lines. */
  errLines: string[];
  ms: number;
}

/**
 * Runs the real `steward` binary (bin/steward → dist/, built by `npm test` or `npm run build`)
 * against the test server, with an argument vector. Kills it after `timeoutMs` (the run then has
 * code null), so a hang fails the test instead of stalling it.
 */
export function steward(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<CliRun> {
  if (!existsSync(resolve(ROOT, 'dist', 'client', 'cli.js')))
    throw new Error('dist/ is missing: run `npm run build` before the CLI tests');
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, TEMPORAL_ADDRESS: testServerAddress(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({
        code,
        stdout,
        stderr,
        errLines: stderr.split('\n').filter((l) => l.trim() !== ''),
        ms: Date.now() - started,
      });
    });
  });
}

/** A background `steward` run (e.g. `events --follow`): its output so far, and its end. */
export function stewardInBackground(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { output: () => string; done: Promise<CliRun> } {
  let seen = '';
  if (!existsSync(resolve(ROOT, 'dist', 'client', 'cli.js')))
    throw new Error('dist/ is missing: run `npm run build` before the CLI tests');
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: testServerAddress(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (seen += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  const done = new Promise<CliRun>((resolveRun, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({
        code,
        stdout: seen,
        stderr,
        errLines: stderr.split('\n').filter((l) => l.trim() !== ''),
        ms: Date.now() - started,
      });
    });
  });
  return { output: () => seen, done };
}

/**
 * A builder and a persistent watcher that act only when told to; the persistent agent keeps the
 * build running after its sequence. `watchdog` is the [watchdog] table's body.
 */
export function inertCliConfig(name: string, script: string, watchdog = 'signal_interval = 0.2'): string {
  return `${buildHeader(name, watchdog)}
${scriptedAgentBackend('inert', script, DEMO_PATTERNS)}
${agentTable({ name: 'builder', backend: 'inert', cwd: 'builder', kickoff: 'You are the builder.' })}
${agentTable({ name: 'watcher', kind: 'persistent', backend: 'inert', cwd: 'supervisor', kickoff: 'You watch.' })}
${loopTable([{ id: 'p1' }, { id: 'p2' }])}`;
}

/** The inert agents' script: they answer only an operator's `operator says …`, with known usage. */
export const INERT_SCRIPT = `
[[on]]
match = "operator says"
tokens = { input = 11, output = 7 }
do = [{ say = "heard the operator" }]
`;
