import type { AgentState } from '../build-state';
import type { AgentHookEvent } from '../hook-event';
import type { NewEvent } from '../events';
import { LIMIT_PROBE_INTERVAL_MS, LIMIT_RESET_SLACK_MS } from './rate-limit';

export interface HookOutcome {
  state: AgentState;
  events: NewEvent[];
}

/**
 * Folds what an agent's Claude Code hook reported into its state. Hooks say sooner and more surely
 * what the pane only suggests; the pane stays watched as the fallback.
 *
 * - `rate_limit`: rate-limited until `resetAt` + {@link LIMIT_RESET_SLACK_MS} (no `resetAt`: probed
 *   after {@link LIMIT_PROBE_INTERVAL_MS}). `agent_rate_limited` only when the limit begins; a
 *   report for an agent already limited updates the time (the newest word wins) quietly. A reset
 *   already past is ignored. `rateLimitDecision` sends the resume once the time has come.
 * - `stop` / `idle_prompt`: the turn ended at `event.at`, so the idle clock runs from then at the
 *   latest (it matters when tmux gives no window activity), and a permission prompt reported
 *   before it has been answered.
 * - `permission_prompt`: `agent_blocked`, and `blockedSince` — the agent waits for an answer no
 *   supervisor should type (see `waitsAtPermissionPrompt`); an operator must.
 * - anything else: no change.
 */
export function applyHookEvent(state: AgentState, event: AgentHookEvent, now: number): HookOutcome {
  switch (event.kind) {
    case 'rate_limit': {
      const until = event.resetAt !== undefined ? event.resetAt + LIMIT_RESET_SLACK_MS : event.at + LIMIT_PROBE_INTERVAL_MS;
      if (!Number.isFinite(until) || until <= now) return { state, events: [] };
      const text = event.message?.trim() || 'rate limit reported by hook';
      const next: AgentState = { ...state, rateLimitedUntil: until, rateLimitText: text };
      if (state.rateLimitedUntil !== null) return { state: next, events: [] };
      const resets = event.resetAt !== undefined ? `resets ${new Date(event.resetAt).toISOString()}` : `no reset time given; probing in ${LIMIT_PROBE_INTERVAL_MS / 60_000}m`;
      return { state: next, events: [{ type: 'agent_rate_limited', agent: event.agent, message: `${text} — ${resets} (hook)` }] };
    }
    case 'stop':
    case 'idle_prompt': {
      if (!Number.isFinite(event.at)) return { state, events: [] };
      const at = Math.min(event.at, now);
      const blockedSince = state.blockedSince !== null && state.blockedSince <= at ? null : state.blockedSince;
      return { state: { ...state, idleSince: Math.max(state.idleSince ?? at, at), blockedSince }, events: [] };
    }
    case 'permission_prompt':
      return {
        state: { ...state, blockedSince: Number.isFinite(event.at) ? Math.min(event.at, now) : now },
        events: [{ type: 'agent_blocked', agent: event.agent, message: event.message?.trim() || 'waiting at a permission prompt' }],
      };
    default:
      return { state, events: [] };
  }
}
