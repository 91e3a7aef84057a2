import { HEARTBEAT_EVERY_MS } from '../core/heartbeat';

/**
 * Runs `body` heartbeating every `everyMs` from its start to its end, whatever it awaits: a tmux
 * call, a `git fetch` that takes half a minute, a program's `--version`. A long child process is
 * then never taken for a dead worker, and the heartbeat timeout can be short (src/core/heartbeat.ts).
 */
export async function whileHeartbeating<T>(
  heartbeat: () => void,
  body: () => Promise<T>,
  everyMs = HEARTBEAT_EVERY_MS,
): Promise<T> {
  heartbeat();
  const ticker = setInterval(heartbeat, everyMs);
  try {
    return await body();
  } finally {
    clearInterval(ticker);
  }
}
