import type { PlannedAction } from './state/actions';
import type { NewEvent } from './events';

/**
 * What every rule in src/core decides: the next state of what it owns (an agent, the services,
 * the whole build), the effects to perform and the events to record. One shape, so rules compose
 * with `DecisionFold` instead of each caller spreading actions and events by hand.
 */
export interface Decision<S> {
  state: S;
  actions: PlannedAction[];
  events: NewEvent[];
}

/** `state` with nothing to do and nothing to say. */
export function unchanged<S>(state: S): Decision<S> {
  return { state, actions: [], events: [] };
}

/**
 * Gathers the actions and events of a sequence of decisions, in order, while the caller threads
 * their states: `next = { ...next, handoff: fold.take(handoffDecision(next, repo)) }`.
 */
export class DecisionFold {
  readonly actions: PlannedAction[] = [];
  readonly events: NewEvent[] = [];

  /** Keeps the decision's actions and events; returns its state. */
  take<S>(decision: Decision<S>): S {
    this.actions.push(...decision.actions);
    this.events.push(...decision.events);
    return decision.state;
  }

  /** Everything gathered, as the decision that leads to `state`. */
  result<S>(state: S): Decision<S> {
    return { state, actions: [...this.actions], events: [...this.events] };
  }
}
