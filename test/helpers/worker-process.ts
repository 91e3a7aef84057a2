import { spawn, ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { testServerAddress } from './harness';

/** `steward worker` as its own OS process, so a test can SIGKILL it like a crashed host. */
export function spawnWorkerProcess(hostId: string, tmuxSocket: string): ChildProcess {
  return spawn(process.execPath, [resolve(__dirname, '..', '..', 'bin', 'steward'), 'worker'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: testServerAddress(),
      STEWARD_HOST_ID: hostId,
      STEWARD_TMUX_SOCKET: tmuxSocket,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });
}
