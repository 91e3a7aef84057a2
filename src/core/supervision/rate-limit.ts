import type { AgentState } from '../state/build';
import type { AgentConfig, WatchdogConfig } from '../config/types';
import { formatDuration } from '../config/durations';
import type { AgentObservation } from '../state/snapshot';
import type { PaneActivity, PanePatterns } from '../pane';
import { classifyPane, findLastLimitMessage } from '../pane';
import type { AgentDecision } from './agent-decision';
import { unchanged } from './agent-decision';
import { lastOutputAt } from './idle-clock';
import { LIMIT_RESET_MESSAGE } from './messages';

/**
 * Added to a reset time before the agent is resumed: the default of `[watchdog].limit_reset_slack`.
 * Claude Code prints the reset to the minute ("resets 3pm") and the service's clock need not agree
 * with ours to the second; a resume a minute late costs little, one a few seconds early hits the
 * limit again.
 */
export const LIMIT_RESET_SLACK_MS = 60_000;

/**
 * A limit whose reset time cannot be read (a configured `limit_patterns` match, "You've hit your
 * limit" with no time, a hook without `resetAt`) is probed this long after it is seen: the resume
 * message is sent, and if the limit still shows, the agent waits another round. The default of
 * `[watchdog].limit_probe_fallback`.
 */
export const LIMIT_PROBE_INTERVAL_MS = 15 * 60_000;

/** How a usage limit is waited out: `[watchdog].limit_reset_slack` and `limit_probe_fallback`. */
export type LimitTiming = Pick<WatchdogConfig, 'limit_reset_slack' | 'limit_probe_fallback'>;

/** The configured timing. A build state carried over from before these settings existed has none: the defaults. */
export function limitTiming(watchdog: Partial<LimitTiming> | undefined): LimitTiming {
  return {
    limit_reset_slack: watchdog?.limit_reset_slack ?? LIMIT_RESET_SLACK_MS,
    limit_probe_fallback: watchdog?.limit_probe_fallback ?? LIMIT_PROBE_INTERVAL_MS,
  };
}

/** When a limit is over: its reset plus the slack, or (no reset known) one probe interval from `since`. */
export function limitEndsAt(resetAt: number | null, since: number, timing: LimitTiming): number {
  return resetAt !== null ? resetAt + timing.limit_reset_slack : since + timing.limit_probe_fallback;
}

/** How the `agent_rate_limited` event states the reset. */
export function describeReset(resetAt: number | null, timing: LimitTiming, source: 'shown' | 'given'): string {
  return resetAt !== null
    ? `resets ${new Date(resetAt).toISOString()}`
    : `no reset time ${source}; probing in ${formatDuration(timing.limit_probe_fallback)}`;
}

/** Stands for a configured limit pattern's match, which names no message of its own. */
export const LIMIT_PATTERN_TEXT = 'limit pattern matched';

export type RateLimitVerdict =
  /** `watch = "none"`: Steward neither reads its limits nor resumes it. */
  | 'not_watched'
  /** No limit shown or recorded. */
  | 'clear'
  /** Newly limited: `agent_rate_limited` recorded; the workflow sleeps until `rateLimitedUntil`. */
  | 'limited'
  /** Still limited (already recorded). */
  | 'waiting'
  /** The reset has passed: the resume message is sent. */
  | 'resumed'
  /** The pane works again before the reset: the limit is dropped. */
  | 'working'
  /** The limit message on screen is the one already resumed from. */
  | 'stale';

export interface RateLimitInput {
  agent: AgentConfig;
  state: AgentState;
  observation: AgentObservation;
  patterns: PanePatterns;
  now: number;
  /** IANA zone in which a bare "resets 3pm" is read: the agents' host zone. Default UTC. */
  timeZone?: string;
  /** Limit timing from `[watchdog]`; missing keys take their defaults. */
  watchdog?: Partial<LimitTiming>;
}

interface ShownLimit {
  text: string;
  /** Epoch ms, null when no reset time can be read. */
  resetAt: number | null;
}

/** The limit the pane shows now, if any. A busy pane shows none: any limit text there is old. */
function shownLimit(input: RateLimitInput, activity: PaneActivity): ShownLimit | null {
  const { observation, now } = input;
  if (activity !== 'limited') return null;
  // Read against the pane's last output, not `now`: the message was printed then at the latest.
  const message = findLastLimitMessage(observation.tail, lastOutputAt(observation, now), input.timeZone);
  return message ?? { text: LIMIT_PATTERN_TEXT, resetAt: null };
}

/**
 * Usage limits. A pane showing a limit message makes the agent rate-limited until the reset plus
 * `limit_reset_slack`; `agent_rate_limited` is recorded once, when the limit begins, and
 * the workflow sleeps on a durable timer until `state.rateLimitedUntil`. Once that has passed the
 * agent is sent {@link LIMIT_RESET_MESSAGE} (`agent_resumed`) and the limit is cleared.
 *
 * The reset is resolved ONCE, when a message text is first seen, against the pane's last output
 * time; the text is kept in `rateLimitText`. Re-reading the same text later would move a bare clock
 * time that has passed to the next day (a stale "resets 3pm" read at 3:05pm means tomorrow), so:
 * - while limited, the same text keeps the reset it had; a different text (a newer message) replaces it;
 * - after the resume, the same text still on screen is the old message, not a new limit, until no
 *   limit shows any more or the agent is relaunched (which forgets the text);
 * - a reset already past when first seen resumes the agent at once.
 * One case stays ambiguous: a new limit with exactly the old message's text while the old one is
 * still on screen reads as the old one. The agent then idles, and stall detection nudges or
 * reboots it, and the new session's fresh message is read correctly.
 *
 * A limit with no readable reset is probed every `limit_probe_fallback`. A dead agent is
 * not resumed: its limit is dropped at the reset; healing restarts it without waiting for that.
 */
export function rateLimitDecision(input: RateLimitInput): AgentDecision<RateLimitVerdict> {
  const { agent, state, observation, now } = input;
  const timing = limitTiming(input.watchdog);
  const limitedUntil = state.rateLimitedUntil;
  if (agent.watch === 'none') {
    // Not resumed by Steward; a limit a hook recorded still expires, so it holds no wake forever.
    const expired = limitedUntil !== null && now >= limitedUntil;
    return unchanged(expired ? limitCleared(state) : state, 'not_watched');
  }

  if (!observation.alive) {
    if (limitedUntil !== null && now >= limitedUntil) return unchanged(limitCleared(state), 'clear');
    return unchanged(state, limitedUntil !== null ? 'waiting' : 'clear');
  }

  const activity = classifyPane(observation.tail, input.patterns);
  const shown = shownLimit(input, activity);
  if (!shown) {
    // Nothing on screen any more: the message scrolled away or the agent works again.
    const forgotten: AgentState = { ...state, rateLimitText: null };
    if (limitedUntil === null) return unchanged(forgotten, 'clear');
    if (activity === 'busy') {
      return {
        state: limitCleared(forgotten),
        actions: [],
        events: [
          {
            type: 'agent_resumed',
            agent: agent.name,
            ...waited(state, now),
            message: 'working again before the limit reset',
          },
        ],
        verdict: 'working',
      };
    }
    // The message left the screen without the agent working again (or only a hook reported the
    // limit): the reset still stands.
    return now >= limitedUntil ? resume(agent, forgotten, now, 'usage limit reset') : unchanged(forgotten, 'waiting');
  }

  const sameText = shown.text === state.rateLimitText;
  if (limitedUntil !== null) {
    const until = sameText
      ? limitedUntil
      : shown.resetAt !== null
        ? limitEndsAt(shown.resetAt, now, timing)
        : limitedUntil;
    const next: AgentState = { ...state, rateLimitText: shown.text, rateLimitedUntil: until };
    return now >= until ? resume(agent, next, now, `usage limit reset (${shown.text})`) : unchanged(next, 'waiting');
  }

  if (sameText) {
    // Resumed from this very message before. A readable reset has passed: the text is old news.
    // An unreadable one gets probed again: the agent is still held up, or its answer to the probe
    // was short enough to leave the message in view (one more probe, no harm).
    if (shown.resetAt !== null) return unchanged(state, 'stale');
    return unchanged({ ...state, rateLimitedUntil: limitEndsAt(null, now, timing), rateLimitedSince: now }, 'waiting');
  }

  const until = limitEndsAt(shown.resetAt, now, timing);
  const next: AgentState = { ...state, rateLimitText: shown.text, rateLimitedUntil: until, rateLimitedSince: now };
  if (now >= until) return resume(agent, next, now, `usage limit already reset when first seen (${shown.text})`);
  const resets = describeReset(shown.resetAt, timing, 'shown');
  return {
    state: next,
    actions: [],
    events: [{ type: 'agent_rate_limited', agent: agent.name, message: `${shown.text} — ${resets}` }],
    verdict: 'limited',
  };
}

/**
 * Resume message sent; the limit cleared (its text kept), and a fresh idle window to act on it.
 * It counts as a wake too: a wake held back by the limit would otherwise follow it a tick later.
 */
function resume(agent: AgentConfig, state: AgentState, now: number, why: string): AgentDecision<RateLimitVerdict> {
  return {
    state: { ...limitCleared(state), idleSince: now, lastWakeAt: now },
    actions: [
      {
        action: { type: 'send', agent: agent.name, text: LIMIT_RESET_MESSAGE },
        event: { type: 'agent_resumed', agent: agent.name, ...waited(state, now), message: why },
      },
    ],
    events: [],
    verdict: 'resumed',
  };
}

/** No limit any more: its end and its start forgotten (its text is kept, see `rateLimitDecision`). */
export function limitCleared(state: AgentState): AgentState {
  const { rateLimitedSince: _since, ...rest } = state;
  return { ...rest, rateLimitedUntil: null };
}

/** How long the limit was waited out, when its start is known (`agent_resumed`'s `durationMs`). */
function waited(state: AgentState, now: number): { durationMs?: number } {
  return state.rateLimitedSince === undefined ? {} : { durationMs: Math.max(0, now - state.rateLimitedSince) };
}
