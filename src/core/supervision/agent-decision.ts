import type { AgentState } from '../state/build';
import type { PhaseConfig } from '../config/types';
import type { Decision } from '../decision';

/**
 * What one supervision rule decides for one agent on one tick: the agent's next state, the effects
 * to perform and the events to record. `verdict` names the branch taken, for tests and logs; it
 * carries no meaning the state and actions do not already have.
 */
export interface AgentDecision<Verdict extends string = string> extends Decision<AgentState> {
  verdict: Verdict;
}

/** The loop's current phase and whether its status file on origin/main carries the done marker. */
export interface CurrentPhase {
  config: PhaseConfig;
  done: boolean;
}

export function unchanged<Verdict extends string>(state: AgentState, verdict: Verdict): AgentDecision<Verdict> {
  return { state, actions: [], events: [], verdict };
}
