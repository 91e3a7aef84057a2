/**
 * What an agent is doing now, as the dashboard shows it: one state and Gas Town's activity dot.
 * Read from the status view's agent state alone (as of the build's last observe). Pure.
 */
import type { AgentState } from '../state/build';
import type { ActivityColour, AgentDisplayState, AgentSummary, BuildSnapshot } from './types';

/** Idle up to this long is still green (busy always is). */
export const GREEN_IDLE_SECONDS = 120;
/** Idle up to this long is yellow; longer is red. */
export const YELLOW_IDLE_SECONDS = 300;

/** A WAITING-UNTIL marker holds while it shows with no end (open-ended) or an end still ahead. */
export function isWaiting(agent: AgentState, now: number): boolean {
  return agent.waitingText !== null && (agent.waitingUntil === null || agent.waitingUntil > now);
}

/**
 * The first that holds, in the order of `AgentDisplayState` (most pressing first): a dead session
 * is `down` even when it crash-looped (the crash_loop alert says that); rate limited means a limit
 * not yet resumed from (`rateLimitedUntil` is cleared on the resume, not when the time passes).
 */
export function agentDisplayState(agent: AgentState, now: number): AgentDisplayState {
  if (!agent.alive) return 'down';
  if (agent.crashLooped) return 'crash_looped';
  if (agent.blockedSince !== null) return 'blocked';
  if (agent.rateLimitedUntil !== null) return 'rate_limited';
  if (agent.paneActivity === 'busy') return 'busy';
  if (isWaiting(agent, now)) return 'waiting';
  return 'idle';
}

/** Green busy or idle < 120 s, yellow 120–300 s, red > 300 s; grey down or with no idle time to read. */
export function activityColour(state: AgentDisplayState, idleSeconds: number): ActivityColour {
  if (state === 'down' || !Number.isFinite(idleSeconds) || idleSeconds < 0) return 'grey';
  if (state === 'busy' || idleSeconds < GREEN_IDLE_SECONDS) return 'green';
  return idleSeconds <= YELLOW_IDLE_SECONDS ? 'yellow' : 'red';
}

export function agentSummary(name: string, agent: AgentState, now: number): AgentSummary {
  const state = agentDisplayState(agent, now);
  return { agent: name, state, colour: activityColour(state, agent.idleSeconds), idleSeconds: agent.idleSeconds };
}

/** Every agent of the status view, in its (config) order; none before a worker answered. */
export function agentSummaries(snapshot: BuildSnapshot, now: number): AgentSummary[] {
  const agents = snapshot.status?.agents ?? {};
  return Object.entries(agents).map(([name, agent]) => agentSummary(name, agent, now));
}
