import { spawn, ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { CrashTarget } from './crashing-worker';
import { testServerAddress } from './harness';

const root = resolve(__dirname, '..', '..');

function spawnWith(args: string[], hostId: string, tmuxSocket: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, args, {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: testServerAddress(),
      STEWARD_HOST_ID: hostId,
      STEWARD_TMUX_SOCKET: tmuxSocket,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * `steward worker` as its own OS process, so a test can SIGKILL it like a crashed host; `env` adds
 * to its environment (another host's HOME, say).
 */
export function spawnWorkerProcess(
  hostId: string,
  tmuxSocket: string,
  address?: string,
  env: Record<string, string> = {},
): ChildProcess {
  return spawnWith([join(root, 'bin', 'steward'), 'worker'], hostId, tmuxSocket, {
    ...(address ? { TEMPORAL_ADDRESS: address } : {}),
    ...env,
  });
}

/**
 * The host's activity worker, killing itself right after the first activity matching one of
 * `targets` did its work (see crashing-worker.ts); `report` receives the index of that target.
 */
export function spawnCrashingWorker(
  hostId: string,
  tmuxSocket: string,
  targets: CrashTarget[],
  report: string,
): ChildProcess {
  const args = ['-r', join(root, 'bench', 'ts-register.cjs'), join(__dirname, 'crashing-worker.ts')];
  return spawnWith(args, hostId, tmuxSocket, {
    STEWARD_CRASH_AFTER: JSON.stringify(targets),
    STEWARD_CRASH_REPORT: report,
  });
}

/** Resolves with the signal that ended the process (null for a normal exit). */
export function exitOf(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r(child.signalCode);
    child.once('exit', (_code, signal) => r(signal));
  });
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });
}
