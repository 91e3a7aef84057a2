import type { LaunchSpec } from '../core/launch';
import type { Tmux } from './tmux';
import { findExecutable } from './find-executable';

export interface LaunchRequest {
  spec: LaunchSpec;
  fresh: boolean;
  prompt: string;
}

const READY_TIMEOUT_MS = 15_000;

/** Waits until the program has drawn something, so the first prompt is not typed into nothing. */
async function waitForPane(tmux: Tmux, session: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const snap = await tmux.snapshot(session);
    if (!snap.alive) throw new Error(`session ${session} exited right after start`);
    if (snap.tail.trim()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts an agent in its own tmux session and types its first prompt. */
export async function launchAgent(tmux: Tmux, binDir: string, req: LaunchRequest): Promise<void> {
  const { spec } = req;
  if (await tmux.hasSession(spec.session)) {
    if (!req.fresh) return;
    await tmux.killSession(spec.session);
  }
  // Steward's own commands (steward, the scripted agent) are on every agent's PATH.
  const env = { ...spec.env, PATH: `${binDir}:${spec.env.PATH ?? process.env.PATH ?? ''}` };
  // tmux execs the command with its server's PATH, not the session's: resolve it here.
  const command = await findExecutable(spec.command, env.PATH);
  if (!command) throw new Error(`agent ${spec.agent}: command not found: ${spec.command}`);
  await tmux.newSession({ session: spec.session, cwd: spec.cwd, command, args: spec.args, env });
  await waitForPane(tmux, spec.session);
  if (req.prompt.trim()) await tmux.sendText(spec.session, req.prompt, spec.submitKey);
}
