import type { AgentState } from '../state/build';
import type { AgentHookEvent } from '../hook-event';
import { Decision, unchanged } from '../decision';
import { describeReset, LimitTiming, limitEndsAt, limitTiming } from './rate-limit';

/**
 * Folds what an agent's Claude Code hook reported into its state. Hooks say sooner and more surely
 * what the pane only suggests; the pane stays watched as the fallback.
 *
 * - `rate_limit`: rate-limited until `resetAt` + `limit_reset_slack` (no `resetAt`: probed after
 *   `limit_probe_fallback`). `agent_rate_limited` only when the limit begins; a
 *   report for an agent already limited updates the time (the newest word wins) quietly. A reset
 *   already past is ignored. `rateLimitDecision` sends the resume once the time has come.
 * - `stop`: the turn ended at `event.at`, so the idle clock runs from then at the latest (it
 *   matters when tmux gives no window activity), and a permission prompt reported before it has
 *   been answered. `idle_prompt` answers the prompt too, but leaves the idle clock alone: it comes
 *   about 60 s after the turn ended.
 * - `permission_prompt`: `agent_blocked`, and `blockedSince` — the agent waits for an answer no
 *   supervisor should type (see `waitsAtPermissionPrompt`); an operator must.
 * - anything else: no change.
 */
export function applyHookEvent(
  state: AgentState,
  event: AgentHookEvent,
  now: number,
  watchdog?: Partial<LimitTiming>,
): Decision<AgentState> {
  const timing = limitTiming(watchdog);
  switch (event.kind) {
    case 'rate_limit': {
      const until = limitEndsAt(event.resetAt ?? null, event.at, timing);
      if (!Number.isFinite(until) || until <= now) return unchanged(state);
      const text = event.message?.trim() || 'rate limit reported by hook';
      const next: AgentState = { ...state, rateLimitedUntil: until, rateLimitText: text };
      if (state.rateLimitedUntil !== null) return unchanged(next);
      // The limit began when the hook says: the resume's wait counts from there.
      const since = Number.isFinite(event.at) ? Math.min(event.at, now) : now;
      const resets = describeReset(event.resetAt ?? null, timing, 'given');
      return {
        state: { ...next, rateLimitedSince: since },
        actions: [],
        events: [{ type: 'agent_rate_limited', agent: event.agent, message: `${text} — ${resets} (hook)` }],
      };
    }
    case 'stop':
    case 'idle_prompt': {
      if (!Number.isFinite(event.at)) return unchanged(state);
      const at = Math.min(event.at, now);
      const blockedSince = state.blockedSince !== null && state.blockedSince <= at ? null : state.blockedSince;
      // Claude Code sends idle_prompt about 60 s after the turn ended: the idle clock runs from the
      // Stop (or the pane's last change), never from this late reminder.
      const idleSince = event.kind === 'stop' ? Math.max(state.idleSince ?? at, at) : state.idleSince;
      return unchanged({ ...state, idleSince, blockedSince });
    }
    case 'permission_prompt':
      return {
        state: { ...state, blockedSince: Number.isFinite(event.at) ? Math.min(event.at, now) : now },
        actions: [],
        events: [
          {
            type: 'agent_blocked',
            agent: event.agent,
            message: event.message?.trim() || 'waiting at a permission prompt',
          },
        ],
      };
    default:
      return unchanged(state);
  }
}
