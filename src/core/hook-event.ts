/**
 * What an agent's Claude Code hook tells the build, so stalls, blocked permission prompts and rate
 * limits are known without reading the screen. The pane stays watched as the fallback.
 */
export type AgentHookKind = 'stop' | 'idle_prompt' | 'permission_prompt' | 'rate_limit' | 'session_start' | 'other';

export interface AgentHookEvent {
  agent: string;
  kind: AgentHookKind;
  /** Epoch ms at which the hook ran. */
  at: number;
  message?: string;
  sessionId?: string;
  /** For `rate_limit`: when the limit resets, epoch ms, if the payload said. */
  resetAt?: number;
}
