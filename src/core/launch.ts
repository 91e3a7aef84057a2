import type { AgentConfig, StewardConfig } from './config/types';

/** Everything the start-agent activity needs, decided in the workflow so replay is exact. */
export interface LaunchSpec {
  agent: string;
  session: string;
  cwd: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  submitKey: string;
}

function dirname(file: string): string {
  const cut = file.lastIndexOf('/');
  return cut > 0 ? file.slice(0, cut) : '/';
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
    args: [...backend.args, ...sessionArgs],
    env: {
      ...backend.env,
      STEWARD_BUILD: config.name,
      STEWARD_AGENT: agent.name,
      STEWARD_SESSION_ID: sessionId,
      STEWARD_CONFIG_DIR: dirname(config.source),
      STEWARD_TRANSCRIPTS: transcriptsDir(config, agent),
    },
    submitKey: backend.submit_key,
  };
}
