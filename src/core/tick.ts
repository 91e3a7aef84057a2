import { BuildState, sequenceComplete } from './build-state';
import type { PlannedAction } from './actions';
import type { NewEvent } from './events';
import type { Snapshot } from './snapshot';
import { initialLaunchDecision } from './launch-decision';
import { phaseAdvanceDecision } from './phase-advance';
import { handoffDecision } from './handoff';
import { fetchHealthDecision } from './fetch-backoff';
import { holdMessagesForBlockedAgents, superviseAgents } from './supervision';
import { serviceDecision } from './services';
import type { TokenRecord } from './tokens/accounting';
import { tokenDecision } from './token-decision';
import { parkHeldForUnreachable, restoreParked } from './undelivered';

export interface TickDecision {
  state: BuildState;
  actions: PlannedAction[];
  events: NewEvent[];
  /** Finished token windows for token-log.jsonl. */
  tokenRecords: TokenRecord[];
}

/** Folds what was observed into per-agent liveness, for `status`. */
function withObservedAgents(state: BuildState, snap: Snapshot): BuildState {
  const agents = { ...state.agents };
  for (const [name, obs] of Object.entries(snap.agents)) {
    const prev = agents[name];
    if (!prev) continue;
    const idleSeconds = obs.alive && obs.windowActivity ? Math.max(0, Math.round(snap.at / 1000 - obs.windowActivity)) : 0;
    agents[name] = { ...prev, alive: obs.alive, idleSeconds };
  }
  return { ...state, agents };
}

export interface TickOptions {
  /**
   * Held messages of an agent observed dead wait until it is back (`parkHeldForUnreachable`)
   * instead of being released into a session that is not there. The workflow sets it behind the
   * `undelivered-handoffs-pending` patch; without it, held messages go out once the agent is not
   * at a permission prompt, as before.
   */
  heldWaitForLiveAgent?: boolean;
}

/**
 * One supervision tick: (state, snapshot, now) → next state, effects and events. Pure.
 * `newSessionId` names a relaunched agent's fresh transcript session (the workflow's uuid4).
 */
export function decideTick(state: BuildState, snap: Snapshot, now: number, newSessionId: () => string, options: TickOptions = {}): TickDecision {
  let next = withObservedAgents(state, snap);
  const actions: PlannedAction[] = [];
  const events: NewEvent[] = [];
  const firstTick = !next.launched;

  if (firstTick) {
    actions.push(...initialLaunchDecision(next));
    next = {
      ...next,
      launched: true,
      agents: Object.fromEntries(Object.entries(next.agents).map(([n, a]) => [n, { ...a, startedAt: now, lastWakeAt: now }])),
    };
  }

  if (snap.repo) {
    const fetch = fetchHealthDecision(next, snap.repo, snap.repo.fetched, now);
    next = { ...next, fetchHealth: fetch.health };
    events.push(...fetch.events);
  }

  const handoffRuns = next.status === 'running' && snap.repo !== null && !sequenceComplete(next);
  if (handoffRuns && snap.repo) {
    const handoff = handoffDecision(next, snap.repo);
    next = { ...next, handoff: handoff.handoff };
    actions.push(...handoff.actions);
  } else if (snap.repo?.head && sequenceComplete(next)) {
    // No handoff after completion, but the baseline moves on: appended phases start from here.
    next = { ...next, handoff: { ...next.handoff, lastSha: snap.repo.head } };
  }

  let advanced = false;
  if (next.status === 'running' && snap.repo) {
    const advance = phaseAdvanceDecision(next, snap.repo.phaseDone, now);
    advanced = advance.state.phaseIndex !== next.phaseIndex;
    next = advance.state;
    actions.push(...advance.actions);
    events.push(...advance.events);
  }

  // Agents just launched this tick are left alone until the next one.
  const heavyTick = !firstTick && now - next.lastHeavyAt >= next.config.watchdog.heavy_interval;
  const services = serviceDecision(next, snap, { firstTick, heavyTick, now, newLaunchId: newSessionId });
  next = { ...next, services: services.services };
  actions.push(...services.actions);

  if (!firstTick) {
    const supervision = superviseAgents(next, snap, {
      now,
      heavyTick,
      // A phase that advanced this tick is a new phase: not done yet.
      phaseDone: !advanced && (snap.repo?.phaseDone ?? false),
      newSessionId,
    });
    next = { ...next, agents: supervision.agents, lastHeavyAt: heavyTick ? now : next.lastHeavyAt };
    actions.push(...supervision.actions);
    events.push(...supervision.events);
  }

  const tokens = tokenDecision(state, next, snap, now, handoffRuns);
  next = tokens.state;
  actions.push(...tokens.actions);
  events.push(...tokens.events);

  const parked = options.heldWaitForLiveAgent ? parkHeldForUnreachable(next, snap, actions) : { state: next, parked: {} };
  const held = holdMessagesForBlockedAgents(parked.state, snap, actions);
  next = { ...next, agents: restoreParked(held.agents, parked.parked) };
  events.push(...held.events);
  return { state: next, actions: held.actions, events, tokenRecords: tokens.records };
}
