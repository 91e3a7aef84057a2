import type { Action, PlannedAction } from './actions';
import type { BuildState } from './build-state';
import type { StewardConfig } from './config/types';
import type { NewEvent } from './events';
import { holdUndelivered, keptPendingAfterFailure } from './undelivered';

/**
 * How an effect failed, as the workflow saw it: the innermost failure's type (an activity's
 * `ApplicationFailure` type such as `AgentGone` or `ConfigError`; absent for a plain error, a
 * timeout or a cancellation) and its message.
 */
export interface EffectFailure {
  type?: string;
  message: string;
}

/** One planned effect, performed: `at` is when it finished (workflow time). */
export type EffectResult =
  | { planned: PlannedAction; ok: true; at: number }
  | { planned: PlannedAction; ok: false; failure: EffectFailure; at: number };

/**
 * The event a failed effect records. Every failure is `action_failed` with the action and the
 * cause; a failure type that means something of its own maps to its own event here.
 */
export function effectFailureEvent(action: Action, failure: EffectFailure): NewEvent {
  return { type: 'action_failed', agent: action.agent, message: `${action.type}: ${failure.message}` };
}

/** The tmux session an effect touches: an agent's or a service's, by name. */
export function effectSession(config: StewardConfig, action: Action): string {
  const owner = action.type === 'start-service' ? config.services.find((s) => s.name === action.agent) : config.agents.find((a) => a.name === action.agent);
  return owner?.session ?? action.agent;
}

/**
 * The tick's effects as independent chains, one per tmux session, in the order of their first
 * effect. Within a chain the planned order is kept (a launch before the messages that follow it);
 * different chains touch different sessions, so one slow or failing launch holds up nobody else.
 */
export function effectChains(config: StewardConfig, planned: readonly PlannedAction[]): PlannedAction[][] {
  const chains = new Map<string, PlannedAction[]>();
  for (const p of planned) {
    const session = effectSession(config, p.action);
    const chain = chains.get(session);
    if (chain) chain.push(p);
    else chains.set(session, [p]);
  }
  return [...chains.values()];
}

export interface EffectOutcomes {
  state: BuildState;
  /** The effects' events, in the order they finished, each stamped when its effect finished. */
  events: NewEvent[];
}

/**
 * Folds the tick's performed effects into the build: a success records its planned event, a
 * failure `effectFailureEvent`, except that a handoff ping that could not be delivered because its
 * agent's session was gone stays pending (`keptPendingAfterFailure`, with `holdPending`): it is
 * held for the agent and typed once the agent is back (see `parkHeldForUnreachable`).
 */
export function effectOutcomes(state: BuildState, results: readonly EffectResult[], options: { holdPending: boolean }): EffectOutcomes {
  let agents = state.agents;
  const events: NewEvent[] = [];
  // Stable: effects that finished in the same workflow activation keep their planned order.
  const finished = results.map((r, i) => ({ r, i })).sort((a, b) => a.r.at - b.r.at || a.i - b.i);
  for (const { r } of finished) {
    if (r.ok) {
      events.push({ ...r.planned.event, at: r.at });
      continue;
    }
    const agent = agents[r.planned.action.agent];
    if (options.holdPending && agent && keptPendingAfterFailure(r.planned, r.failure)) {
      const held = holdUndelivered(agent, r.planned, r.failure);
      agents = { ...agents, [r.planned.action.agent]: held.state };
      events.push({ ...held.event, at: r.at });
      continue;
    }
    events.push({ ...effectFailureEvent(r.planned.action, r.failure), at: r.at });
  }
  return { state: agents === state.agents ? state : { ...state, agents }, events };
}
