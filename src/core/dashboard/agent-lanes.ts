/**
 * Each agent as a lane on the build's time axis: what it was doing when (segments) and what the
 * supervisor did to it (marks), from its events in one pass. Pure.
 *
 * - busy / idle from `agent_busy` / `agent_idle`;
 * - rate limited from `agent_rate_limited` to `agent_resumed` (or a restart, which clears the limit);
 * - down from an `agent_idle` of a dead session (agentActivityDecision says so in its message) to
 *   the agent's next start, heal, reboot, restart or busy pane;
 * - nothing before its first such event: an unknown stretch is left blank, not guessed.
 * A lane keeps its newest MAX_LANE_SEGMENTS segments and MAX_LANE_MARKS marks, so a long build's
 * lanes stay small.
 */
import type { EventType, StewardEvent } from '../events';
import type { AgentLane, LaneMark, LaneMarkKind, LaneSegment, LaneState } from './types';

export const MAX_LANE_SEGMENTS = 2000;
export const MAX_LANE_MARKS = 2000;

/** The note of an `agent_idle` whose session is not running (../agent-activity.ts). */
const DEAD_PANE_NOTE = 'session not running';

const MARK_OF: Partial<Record<EventType, LaneMarkKind>> = {
  agent_nudged: 'nudge',
  agent_rebooted: 'reboot',
  ping_sent: 'ping',
  agent_healed: 'heal',
  agent_woken: 'wake',
  agent_restarted: 'restart',
  agent_blocked: 'blocked',
};

/** Events after which the agent has a fresh session: up, idle, and no longer limited. */
const RELAUNCHES: ReadonlySet<EventType> = new Set<EventType>([
  'agent_started',
  'agent_healed',
  'agent_rebooted',
  'agent_restarted',
]);

/** Every event a lane reads; the rest are passed over. */
const LANE_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  ...(Object.keys(MARK_OF) as EventType[]),
  ...RELAUNCHES,
  'agent_busy',
  'agent_idle',
  'agent_rate_limited',
  'agent_resumed',
]);

class LaneBuilder {
  readonly segments: LaneSegment[] = [];
  readonly marks: LaneMark[] = [];
  private activity: 'busy' | 'idle' | null = null;
  private limited = false;
  private down = false;
  private state: LaneState | null = null;
  private since = 0;

  constructor(
    private readonly from: number,
    private readonly to: number,
  ) {}

  private clamp(at: number): number {
    return Math.min(this.to, Math.max(this.from, at));
  }

  /** Close the running segment at `at`, joined to the previous one when a blip between them took no time. */
  private close(at: number): void {
    if (this.state === null || at <= this.since) return;
    const last = this.segments.at(-1);
    if (last && last.state === this.state && last.to === this.since) last.to = at;
    else this.segments.push({ from: this.since, to: at, state: this.state });
  }

  private settle(at: number): void {
    const next: LaneState | null = this.down ? 'down' : this.limited ? 'rate_limited' : this.activity;
    if (next === this.state) return;
    const t = this.clamp(at);
    this.close(t);
    this.state = next;
    this.since = t;
  }

  /** One of LANE_EVENTS. */
  add(e: StewardEvent): void {
    const kind = MARK_OF[e.type];
    if (kind) this.marks.push({ at: e.at, kind, message: e.message });
    if (e.type === 'agent_busy') {
      this.activity = 'busy';
      this.down = false;
    } else if (e.type === 'agent_idle') {
      this.activity = 'idle';
      this.down = e.message.includes(DEAD_PANE_NOTE);
    } else if (e.type === 'agent_rate_limited') this.limited = true;
    else if (e.type === 'agent_resumed') this.limited = false;
    else if (RELAUNCHES.has(e.type)) {
      this.activity = 'idle';
      this.limited = false;
      this.down = false;
    }
    this.settle(e.at);
  }

  lane(agent: string): AgentLane {
    this.close(this.to);
    return { agent, segments: this.segments.slice(-MAX_LANE_SEGMENTS), marks: this.marks.slice(-MAX_LANE_MARKS) };
  }
}

/**
 * The lanes of `agents` (in that order) and of any other agent its events name, on [from, to].
 * `events` in seq order.
 */
export function agentLanes(
  events: readonly StewardEvent[],
  agents: readonly string[],
  from: number,
  to: number,
): AgentLane[] {
  const lanes = new Map(agents.map((a) => [a, new LaneBuilder(from, to)]));
  for (const e of events) {
    if (!e.agent || !LANE_EVENTS.has(e.type)) continue;
    let lane = lanes.get(e.agent);
    if (!lane) lanes.set(e.agent, (lane = new LaneBuilder(from, to)));
    lane.add(e);
  }
  return [...lanes].map(([agent, lane]) => lane.lane(agent));
}
