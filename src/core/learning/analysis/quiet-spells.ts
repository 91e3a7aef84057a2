/**
 * Quiet spells, for the `watchdog.stall_idle` calibration: how long agents stay idle before they
 * get busy again by themselves. From a build's events: each `agent_idle` to the agent's next
 * `agent_busy`. A spell does not count when something else ended it or had a hand in it, from its
 * idle to its busy:
 * - the supervisor acted on the agent (a nudge, a wake, a reboot, a heal, a restart, a start):
 *   those are the stalls stall_idle is there to catch, not quiet work;
 * - the agent was rate-limited or blocked (waiting on a limit is not quiet work either);
 * - the session was not running (an `agent_idle` of a dead pane);
 * - the build started again (a new build in the same log, `build_started`).
 * Pings from the handoff (a claim, a review) are the ordinary end of a wait and do count. Pure.
 */
import type { EventType, StewardEvent } from '../../events';

/** Events about an agent that spoil its open spell. */
const SPOILERS: ReadonlySet<EventType> = new Set<EventType>([
  'agent_nudged',
  'agent_woken',
  'agent_rebooted',
  'agent_healed',
  'agent_restarted',
  'agent_started',
  'agent_rate_limited',
  'agent_blocked',
  'crash_loop',
]);

/** The note of an `agent_idle` whose session is not running (../../agent-activity.ts). */
const DEAD_PANE_NOTE = 'session not running';

/** Folds events one at a time (a whole event log, several builds in a row, in file order) into quiet spells per agent. */
export class QuietSpellCollector {
  /** Agent → when its current clean idle spell began. */
  private readonly open = new Map<string, number>();
  private readonly spells = new Map<string, number[]>();

  add(e: StewardEvent): void {
    if (e.type === 'build_started') {
      this.open.clear();
      return;
    }
    const agent = e.agent;
    if (agent === undefined) return;
    if (e.type === 'agent_idle') {
      // A repeated idle (a retried append) keeps the spell's first start.
      if (e.message.includes(DEAD_PANE_NOTE)) this.open.delete(agent);
      else if (!this.open.has(agent)) this.open.set(agent, e.at);
    } else if (e.type === 'agent_busy') {
      const since = this.open.get(agent);
      this.open.delete(agent);
      if (since === undefined || e.at <= since) return;
      const list = this.spells.get(agent);
      if (list) list.push(e.at - since);
      else this.spells.set(agent, [e.at - since]);
    } else if (SPOILERS.has(e.type)) this.open.delete(agent);
  }

  /** Agent → its quiet spells (ms), in the order they ended. */
  result(): Record<string, number[]> {
    return Object.fromEntries(this.spells);
  }
}

/** The quiet spells (ms) per agent in `events` (one build's or several builds' in a row). */
export function quietSpells(events: Iterable<StewardEvent>): Record<string, number[]> {
  const collector = new QuietSpellCollector();
  for (const e of events) collector.add(e);
  return collector.result();
}
