import type { EventType, StewardEvent } from '../events';
import { inSeqOrder } from '../metrics';
import type { Incident, IncidentKind } from './types';

/** The event types that are incidents, and the word each is shown with. */
export const INCIDENT_KINDS: Readonly<Partial<Record<EventType, IncidentKind>>> = {
  agent_nudged: 'nudge',
  agent_rebooted: 'reboot',
  agent_healed: 'heal',
  service_healed: 'heal',
  crash_loop: 'crash loop',
  agent_rate_limited: 'rate limit',
  budget_warning: 'budget warning',
  budget_exceeded: 'budget exceeded',
  host_unreachable: 'host unreachable',
  agent_blocked: 'blocked',
  action_failed: 'action failed',
  config_rejected: 'config rejected',
  git_fetch_failed: 'fetch failed',
};

/**
 * The events of a build an operator should read, in the order they were recorded: nudges (stalls,
 * operators' nudges, budget notices), reboots, heals, crash loops, rate-limit waits, budget
 * warnings and overruns, the other escalations (host unreachable, blocked at a prompt), failed
 * actions, and, because they also need a person, rejected config edits and failed fetches. An
 * incident without a phase of its own is given the phase that was running.
 */
export function reportIncidents(events: readonly StewardEvent[]): Incident[] {
  const incidents: Incident[] = [];
  /** The phase running: an incident without its own phase happened in it. */
  let current: string | null = null;
  for (const e of inSeqOrder(events)) {
    if (e.type === 'phase_started' || (current === null && e.phase)) current = e.phase ?? current;
    else if (e.type === 'sequence_completed') current = null;
    const kind = INCIDENT_KINDS[e.type];
    if (kind === undefined) continue;
    incidents.push({
      seq: e.seq,
      at: e.at,
      type: e.type,
      kind,
      agent: e.agent ?? null,
      phase: e.phase ?? current,
      message: e.message,
    });
  }
  return incidents;
}
