/**
 * A build's live alerts: what an operator should look at now, read from its status view (the
 * state the supervisor acts on) and dated from its events where the state keeps no time. Pure.
 */
import type { EventType, StewardEvent } from '../events';
import { lostHostsOf } from '../hosts';
import type { AgentState } from '../state/build';
import { OPEN_ENDED_WAIT_STALL_FACTOR } from '../supervision/stall';
import { isoSeconds } from '../tokens/format';
import { isWaiting } from './agent-display';
import type { Alert, AlertKind, BuildSnapshot } from './types';

/** The worst kinds first: a build that cannot go on, then an agent that cannot, then what only slows it. */
export const ALERT_ORDER: readonly AlertKind[] = [
  'crash_loop',
  'host_lost',
  'budget_exceeded',
  'no_worker',
  'blocked',
  'stalled',
  'rate_limited',
  'git_fetch_failing',
  'budget_warning',
];

const RANK = new Map(ALERT_ORDER.map((kind, i) => [kind, i]));

/** Worst kind first; within a kind the longest-standing first, then by build and agent. */
export function compareAlerts(a: Alert, b: Alert): number {
  return (
    RANK.get(a.kind)! - RANK.get(b.kind)! ||
    (a.since ?? Infinity) - (b.since ?? Infinity) ||
    a.build.localeCompare(b.build) ||
    (a.agent ?? '').localeCompare(b.agent ?? '')
  );
}

export function sortAlerts(alerts: Alert[]): Alert[] {
  return alerts.sort(compareAlerts);
}

/** The workflow runs and the build has not ended: only then do alerts hold. */
export function isLive(snapshot: BuildSnapshot): boolean {
  if (snapshot.workflowStatus !== 'RUNNING') return false;
  const status = snapshot.status?.status;
  return status === undefined || status === 'running' || status === 'paused';
}

/** When each (type, agent) last happened, and since when git fetch has been failing. */
interface EventTimes {
  last(type: EventType, agent?: string): number | null;
  fetchFailingSince: number | null;
}

function eventTimes(events: readonly StewardEvent[]): EventTimes {
  const latest = new Map<string, number>();
  let fetchFailingSince: number | null = null;
  for (const e of events) {
    latest.set(`${e.type}\u0000${e.agent ?? ''}`, e.at);
    if (e.type === 'git_fetch_failed') fetchFailingSince ??= e.at;
    else if (e.type === 'git_fetch_recovered') fetchFailingSince = null;
  }
  return { last: (type, agent) => latest.get(`${type}\u0000${agent ?? ''}`) ?? null, fetchFailingSince };
}

/**
 * The stall rule as the dashboard can read it: alive, idle at least `stall_idle` (four times that
 * under an open-ended WAITING-UNTIL), watched for stalls, and nothing else explaining the idleness.
 */
function stalled(snapshot: BuildSnapshot, name: string, agent: AgentState, now: number): boolean {
  const stallIdleMs = snapshot.stallIdleMs;
  const watch = Object.hasOwn(snapshot.watch, name) ? snapshot.watch[name] : 'heal+stall';
  if (stallIdleMs === null || watch !== 'heal+stall') return false;
  if (!agent.alive || agent.crashLooped || agent.blockedSince !== null || agent.rateLimitedUntil !== null) return false;
  if (agent.paneActivity === 'busy') return false;
  const openEnded = agent.waitingText !== null && agent.waitingUntil === null;
  if (isWaiting(agent, now) && !openEnded) return false;
  return agent.idleSeconds * 1000 >= stallIdleMs * (openEnded ? OPEN_ENDED_WAIT_STALL_FACTOR : 1);
}

function agentAlerts(snapshot: BuildSnapshot, times: EventTimes, now: number): Alert[] {
  const alerts: Alert[] = [];
  const build = snapshot.name;
  const paused = snapshot.status?.status === 'paused';
  for (const [agent, a] of Object.entries(snapshot.status?.agents ?? {})) {
    if (a.crashLooped) {
      const message = `${agent} crash-looped: no more restarts until an operator restarts it`;
      alerts.push({ kind: 'crash_loop', build, agent, message, since: times.last('crash_loop', agent) });
    }
    if (a.blockedSince !== null) {
      const message = `${agent} waits at a permission prompt`;
      alerts.push({ kind: 'blocked', build, agent, message, since: a.blockedSince });
    }
    if (a.rateLimitedUntil !== null) {
      const message = `${agent} is rate limited until ${isoSeconds(a.rateLimitedUntil)}`;
      const since = a.rateLimitedSince ?? times.last('agent_rate_limited', agent);
      alerts.push({ kind: 'rate_limited', build, agent, message, since });
    }
    // A paused build's supervisor nudges nobody: its idle agents wait for the resume.
    if (!paused && stalled(snapshot, agent, a, now)) {
      const message = `${agent} has been idle ${Math.round(a.idleSeconds / 60)} min`;
      alerts.push({ kind: 'stalled', build, agent, message, since: now - a.idleSeconds * 1000 });
    }
  }
  return alerts;
}

/** The build's live alerts, the worst kinds first; none once it has ended. */
export function buildAlerts(snapshot: BuildSnapshot, now: number): Alert[] {
  if (!isLive(snapshot)) return [];
  const build = snapshot.name;
  const status = snapshot.status;
  if (status === null) {
    const message = 'the workflow runs but no worker answers its status query';
    return [{ kind: 'no_worker', build, message, since: null }];
  }
  const times = eventTimes(snapshot.events);
  const alerts = agentAlerts(snapshot, times, now);
  for (const host of lostHostsOf(status)) {
    const message = `no worker serves host ${host}: its agents are not supervised`;
    alerts.push({ kind: 'host_lost', build, message, since: times.last('host_unreachable') });
  }
  if (status.tokens.exceeded) {
    const message = 'over budget: paused until the budget is raised';
    alerts.push({ kind: 'budget_exceeded', build, message, since: times.last('budget_exceeded') });
  } else if (status.tokens.warned.build || status.tokens.warned.phase) {
    const scope = status.tokens.warned.build ? 'build' : 'phase';
    const message = `the ${scope} is near its budget`;
    alerts.push({ kind: 'budget_warning', build, message, since: times.last('budget_warning') });
  }
  if (status.fetchHealth.failures > 0) {
    const message = `git fetch failed ${status.fetchHealth.failures} time(s) in a row: working from the last fetched refs`;
    alerts.push({ kind: 'git_fetch_failing', build, message, since: times.fetchFailingSince });
  }
  return sortAlerts(alerts);
}
