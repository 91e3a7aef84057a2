import type { AgentState, BuildState } from '../state/build';
import { phases, sequenceComplete } from '../state/build';
import { Decision, DecisionFold, unchanged } from '../decision';
import type { Snapshot } from '../state/snapshot';
import { panePatternsOf } from './backend-patterns';
import { superviseAgent } from './supervise-agent';

export interface BuildSupervisionOptions {
  now: number;
  /** Whether this tick is on the heavy cadence (healing). */
  heavyTick: boolean;
  /**
   * Whether the phase at `state.phaseIndex` is marked done. Usually `snapshot.repo.phaseDone` — but
   * that describes the phase that was current when the snapshot was taken, so pass false when
   * `phaseAdvanceDecision` has already moved `state` on to the next phase this tick.
   */
  phaseDone: boolean;
  /** Fresh transcript session ids for (re)launches; in the workflow, `uuid4`. */
  newSessionId: () => string;
  /** IANA zone of the agents' host, for bare clock times on the panes. Default UTC. */
  timeZone?: string;
}

/**
 * `superviseAgent` for every configured agent the snapshot observed, with the inputs read off the
 * build state. Nothing happens unless the build is running (a paused build types nothing and
 * restarts nothing). Services are not agents: they are supervised separately.
 */
export function superviseAgents(
  state: BuildState,
  snapshot: Snapshot,
  options: BuildSupervisionOptions,
): Decision<Record<string, AgentState>> {
  if (state.status !== 'running') return unchanged(state.agents);
  const agents = { ...state.agents };
  const fold = new DecisionFold();

  const loop = state.config.loop ?? null;
  const phase = phases(state)[state.phaseIndex];
  const complete = sequenceComplete(state);
  for (const agent of state.config.agents) {
    const agentState = agents[agent.name];
    const observation = snapshot.agents[agent.name];
    const backend = state.config.backends[agent.backend];
    if (!agentState || !observation || !backend) continue;
    const outcome = superviseAgent({
      agent,
      state: agentState,
      observation,
      patterns: panePatternsOf(backend),
      watchdog: state.config.watchdog,
      loop,
      phase: phase ? { config: phase, done: options.phaseDone } : null,
      sequenceComplete: complete,
      heavyTick: options.heavyTick,
      now: options.now,
      newSessionId: options.newSessionId,
      timeZone: options.timeZone,
    });
    agents[agent.name] = fold.take(outcome);
  }
  return fold.result(agents);
}
