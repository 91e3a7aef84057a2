import type { AgentConfig, BackendConfig, StewardConfig } from './config/types';
import { hookSettings } from './hook-settings';

/** Everything the start-agent activity needs, decided in the workflow so replay is exact. */
export interface LaunchSpec {
  agent: string;
  session: string;
  cwd: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  submitKey: string;
  /** Start-up dialogs the launch may answer (Claude Code's folder trust, bypass-mode warning); others escalate. */
  answers?: { trust: boolean; bypass: boolean };
}

function dirname(file: string): string {
  const cut = file.lastIndexOf('/');
  return cut > 0 ? file.slice(0, cut) : '/';
}

/**
 * The command `claude --settings` hooks run: the absolute path of Steward's own `steward`, from
 * STEWARD_BIN, which the launch sets on every agent's session (src/activities/agent-session.ts).
 * Never a bare `steward`: tmux gives a new session its client's PATH, not the one it was passed,
 * and an async hook's "not found" fails silently.
 */
export const AGENT_HOOK_COMMAND = '"$STEWARD_BIN/steward"';

/** Whether the backend runs Claude Code: its command is `claude`, by name or by path. */
export function isClaudeBackend(backend: Pick<BackendConfig, 'command'>): boolean {
  const command = backend.command;
  return command.slice(command.lastIndexOf('/') + 1) === 'claude';
}

/**
 * `--settings <JSON>` that makes a Claude Code agent report Stop, StopFailure, Notification and
 * SessionStart to its build through `steward hook` (src/core/hook-settings.ts). The hook finds its
 * build and agent in STEWARD_BUILD / STEWARD_AGENT / STEWARD_SESSION_ID (set below) and Temporal in
 * TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE, which the agent's tmux session must carry: this function
 * is pure and runs in the workflow, so it cannot read the worker's environment. Claude Code merges
 * these settings with the user's and project's own, and runs every matching hook.
 *
 * Empty for other backends, and when the backend's args already pass `--settings` (Claude Code
 * takes one value; the operator's file wins and should hook `steward hook` itself:
 * `steward hook --print-settings`).
 */
export function hookArgs(backend: Pick<BackendConfig, 'command' | 'args'>): string[] {
  if (!isClaudeBackend(backend)) return [];
  if (backend.args.some((a) => a === '--settings' || a.startsWith('--settings='))) return [];
  return ['--settings', JSON.stringify(hookSettings(AGENT_HOOK_COMMAND))];
}

export function transcriptsDir(config: StewardConfig, agent: AgentConfig): string {
  return config.backends[agent.backend]?.transcripts ?? `${config.state_dir}/transcripts`;
}

export function launchSpec(config: StewardConfig, agent: AgentConfig, sessionId: string): LaunchSpec {
  const backend = config.backends[agent.backend];
  if (!backend) throw new Error(`agent ${agent.name}: unknown backend ${agent.backend}`);
  const sessionArgs = backend.session_id_flag ? [backend.session_id_flag, sessionId] : [];
  return {
    agent: agent.name,
    session: agent.session,
    cwd: agent.cwd,
    command: backend.command,
    args: [...backend.args, ...hookArgs(backend), ...sessionArgs],
    env: {
      ...backend.env,
      STEWARD_BUILD: config.name,
      STEWARD_AGENT: agent.name,
      STEWARD_SESSION_ID: sessionId,
      STEWARD_CONFIG_DIR: dirname(config.source),
      STEWARD_TRANSCRIPTS: transcriptsDir(config, agent),
    },
    submitKey: backend.submit_key,
    answers: { trust: backend.trust_workdir === true, bypass: backend.accept_bypass_mode === true },
  };
}
