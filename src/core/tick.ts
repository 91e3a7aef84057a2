import { BuildState, sequenceComplete } from './state/build';
import { Decision, DecisionFold } from './decision';
import type { Snapshot } from './state/snapshot';
import { initialLaunchDecision } from './launch-decision';
import { phaseAdvanceDecision } from './phase-advance';
import { handoffDecision } from './handoff';
import { gatesDecision } from './gates';
import { agentActivityDecision } from './agent-activity';
import { fetchHealthDecision } from './fetch-backoff';
import { holdMessagesForBlockedAgents, superviseAgents } from './supervision';
import { serviceDecision } from './services';
import type { TokenRecord } from './state/tokens';
import { tokenDecision } from './token-decision';
import { idleClocksHeld } from './hosts';
import { parkHeldForUnreachable, restoreParked } from './undelivered';

export interface TickDecision extends Decision<BuildState> {
  /** Finished token windows for token-log.jsonl. */
  tokenRecords: TokenRecord[];
}

/** Folds what was observed into per-agent liveness, for `status`. */
function withObservedAgents(state: BuildState, snap: Snapshot): BuildState {
  const agents = { ...state.agents };
  for (const [name, obs] of Object.entries(snap.agents)) {
    const prev = agents[name];
    if (!prev) continue;
    const idleSeconds =
      obs.alive && obs.windowActivity ? Math.max(0, Math.round(snap.at / 1000 - obs.windowActivity)) : 0;
    agents[name] = { ...prev, alive: obs.alive, idleSeconds };
  }
  return { ...state, agents, observedAt: snap.at };
}

export interface TickOptions {
  /**
   * Held messages of an agent observed dead wait until it is back (`parkHeldForUnreachable`)
   * instead of being released into a session that is not there. The workflow sets it behind the
   * `undelivered-handoffs-pending` patch; without it, held messages go out once the agent is not
   * at a permission prompt, as before.
   */
  heldWaitForLiveAgent?: boolean;
  /**
   * The build-telemetry events: gate events (`gatesDecision`) and pane busy/idle changes
   * (`agentActivityDecision`), with the state they keep. Default false. They fall on ticks that
   * had no event before, whose events the workflow then writes with one more activity
   * (`appendEvents`): the workflow turns them on behind a patch, so a run begun before them replays
   * without them.
   */
  telemetry?: boolean;
}

/**
 * One supervision tick: (state, snapshot, now) → next state, effects and events. Pure.
 * `newSessionId` names a relaunched agent's fresh transcript session (the workflow's uuid4).
 */
export function decideTick(
  state: BuildState,
  snap: Snapshot,
  now: number,
  newSessionId: () => string,
  options: TickOptions = {},
): TickDecision {
  let next = withObservedAgents(state, snap);
  const fold = new DecisionFold();
  const firstTick = !next.launched;

  if (firstTick) {
    fold.actions.push(...initialLaunchDecision(next));
    next = {
      ...next,
      launched: true,
      agents: Object.fromEntries(
        Object.entries(next.agents).map(([n, a]) => [n, { ...a, startedAt: now, lastWakeAt: now }]),
      ),
    };
  }

  if (snap.repo)
    next = { ...next, fetchHealth: fold.take(fetchHealthDecision(next, snap.repo, snap.repo.fetched, now)) };

  const telemetry = options.telemetry ?? false;
  const handoffRuns = next.status === 'running' && snap.repo !== null && !sequenceComplete(next);
  if (handoffRuns && snap.repo) {
    // The gates read the same commits as the pings, before the handoff moves past them.
    if (telemetry) next = { ...next, gates: fold.take(gatesDecision(next, snap.repo.commits, now)) };
    next = { ...next, handoff: fold.take(handoffDecision(next, snap.repo)) };
  } else if (snap.repo?.head && sequenceComplete(next)) {
    // No handoff after completion, but the baseline moves on: appended phases start from here.
    next = { ...next, handoff: { ...next.handoff, lastSha: snap.repo.head } };
  }

  let advanced = false;
  if (next.status === 'running' && snap.repo) {
    const advance = fold.take(phaseAdvanceDecision(next, snap.repo.phaseDone, now));
    advanced = advance.phaseIndex !== next.phaseIndex;
    next = advance;
  }

  // Agents just launched this tick are left alone until the next one.
  const heavyTick = !firstTick && now - next.lastHeavyAt >= next.config.watchdog.heavy_interval;
  next = {
    ...next,
    services: fold.take(serviceDecision(next, snap, { firstTick, heavyTick, now, newLaunchId: newSessionId })),
  };

  if (!firstTick) {
    next = idleClocksHeld(next, now);
    const agents = fold.take(
      superviseAgents(next, snap, {
        now,
        heavyTick,
        // A phase that advanced this tick is a new phase: not done yet.
        phaseDone: !advanced && (snap.repo?.phaseDone ?? false),
        newSessionId,
      }),
    );
    next = { ...next, agents, lastHeavyAt: heavyTick ? now : next.lastHeavyAt };
  }

  if (telemetry) next = { ...next, agents: fold.take(agentActivityDecision(next, snap)) };

  const tokens = tokenDecision(state, next, snap, now, handoffRuns);
  next = fold.take(tokens);

  // Messages for agents that cannot take them now are held, not planned (see held-messages.ts).
  const parked = options.heldWaitForLiveAgent
    ? parkHeldForUnreachable(next, snap, fold.actions)
    : { state: next, parked: {} };
  const held = holdMessagesForBlockedAgents(parked.state, snap, fold.actions);
  next = { ...next, agents: restoreParked(held.state, parked.parked) };
  return { state: next, actions: held.actions, events: [...fold.events, ...held.events], tokenRecords: tokens.records };
}
