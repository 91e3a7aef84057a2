import type { LaunchSpec } from '../core/launch';
import type { Tmux } from './tmux';
import { findExecutable } from './find-executable';
import { deliverOnce } from './pane-delivery';
import { permanentFailure } from './failures';

export interface LaunchRequest {
  spec: LaunchSpec;
  fresh: boolean;
  prompt: string;
}

const READY_TIMEOUT_MS = 15_000;

/** Waits until the program has drawn something, so the first prompt is not typed into nothing. */
async function waitForPane(tmux: Tmux, session: string, heartbeat: () => void): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const snap = await tmux.snapshot(session);
    if (!snap.alive) throw new Error(`session ${session} exited right after start`);
    if (snap.tail.trim()) return;
    heartbeat();
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts an agent in its own tmux session and types its first prompt. Idempotent per launch: the
 * session is tagged with the launch's session id, so a retried activity (say, after its worker
 * died) finishes the launch it began instead of killing the agent it just started.
 */
export async function launchAgent(tmux: Tmux, binDir: string, req: LaunchRequest, heartbeat: () => void = () => {}): Promise<void> {
  const { spec } = req;
  const launchId = spec.env.STEWARD_SESSION_ID ?? spec.session;
  if (await tmux.hasSession(spec.session)) {
    const tagged = await tmux.getOption(spec.session, 'steward_launch');
    // Typing the prompt is itself exactly-once: a retry after it was typed does nothing more.
    if (tagged === launchId) return typeFirstPrompt(tmux, spec.session, launchId, req, heartbeat);
    if (!req.fresh) return;
    await tmux.killSession(spec.session);
  }
  // Steward's own commands (steward, the scripted agent) are on every agent's PATH.
  // Hooks (`steward hook`) must reach the worker's Temporal even when the user's tmux server predates
  // the worker. The API key is left out on purpose: the agent could read it.
  const temporalEnv = Object.fromEntries(
    ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])),
  );
  const env = { ...temporalEnv, ...spec.env, PATH: `${binDir}:${spec.env.PATH ?? process.env.PATH ?? ''}` };
  // tmux execs the command with its server's PATH, not the session's: resolve it here.
  const command = await findExecutable(spec.command, env.PATH);
  if (!command) throw permanentFailure('ConfigError', `agent ${spec.agent}: command not found: ${spec.command}`);
  await tmux.newSession({ session: spec.session, cwd: spec.cwd, command, args: spec.args, env });
  await tmux.setOption(spec.session, 'steward_launch', launchId);
  await typeFirstPrompt(tmux, spec.session, launchId, req, heartbeat);
}

async function typeFirstPrompt(tmux: Tmux, session: string, launchId: string, req: LaunchRequest, heartbeat: () => void): Promise<void> {
  // A service has no prompt: nothing to wait for.
  if (!req.prompt.trim()) return;
  await waitForPane(tmux, session, heartbeat);
  try {
    await deliverOnce(tmux, { session, text: req.prompt, submitKey: req.spec.submitKey }, `launch:${launchId}`);
  } catch (err) {
    // An agent that exits right after reading its prompt is not a failed launch (a retry would
    // start it again behind the crash-loop count's back): healing deals with the dead session.
    if (await tmux.hasSession(session)) throw err;
  }
}
