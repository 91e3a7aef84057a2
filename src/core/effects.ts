import type { Action, PlannedAction } from './state/actions';
import type { EffectFailure, EffectResult } from './state/effects';
import type { BuildState } from './state/build';
import type { StewardConfig } from './config/types';
import type { NewEvent } from './events';
import type { Decision } from './decision';
import { LaunchSpec, launchSpec } from './launch';
import { hostOf } from './hosts';
import { serviceLaunchSpec } from './services';
import { holdUndelivered, keptPendingAfterFailure } from './undelivered';
import type { LessonsOutcome, LessonsRequest } from './learning/injection';
import { lessonsEvents } from './learning/injection';

/**
 * The event a failed effect records. Every failure is `action_failed` with the action and the
 * cause; a failure type that means something of its own maps to its own event here.
 */
export function effectFailureEvent(action: Action, failure: EffectFailure): NewEvent {
  return { type: 'action_failed', agent: action.agent, message: `${action.type}: ${failure.message}` };
}

/** The tmux session an effect touches: an agent's or a service's, by name. */
export function effectSession(config: StewardConfig, action: Action): string {
  const owner =
    action.type === 'start-service'
      ? config.services.find((s) => s.name === action.agent)
      : config.agents.find((a) => a.name === action.agent);
  return owner?.session ?? action.agent;
}

/** The host whose worker performs `action`: the agent's or the service's (`host =`); a close, the host it left. */
export function effectHost(state: Pick<BuildState, 'config' | 'hostId'>, action: Action): string {
  return action.type === 'close' ? action.host : hostOf(state, action.agent);
}

/**
 * The tick's effects as independent chains, one per tmux session (on its host), in the order of
 * their first effect. Within a chain the planned order is kept (a launch before the messages that
 * follow it); different chains touch different sessions, so one slow or failing launch holds up
 * nobody else. An agent that moved host has two: closing its old session, launching its new one.
 */
export function effectChains(
  state: Pick<BuildState, 'config' | 'hostId'>,
  planned: readonly PlannedAction[],
): PlannedAction[][] {
  const chains = new Map<string, PlannedAction[]>();
  for (const p of planned) {
    const key = `${effectHost(state, p.action)}\u0000${effectSession(state.config, p.action)}`;
    const chain = chains.get(key);
    if (chain) chain.push(p);
    else chains.set(key, [p]);
  }
  return [...chains.values()];
}

/**
 * Folds the tick's performed effects into the build: a success records its planned event, a
 * failure `effectFailureEvent` (the events in the order the effects finished, each stamped then), except that a handoff ping that could not be delivered because its
 * agent's session was gone stays pending (`keptPendingAfterFailure`, with `holdPending`): it is
 * held for the agent and typed once the agent is back (see `parkHeldForUnreachable`).
 */
export function effectOutcomes(
  state: BuildState,
  results: readonly EffectResult[],
  options: { holdPending: boolean },
): Decision<BuildState> {
  let agents = state.agents;
  const events: NewEvent[] = [];
  // Stable: effects that finished in the same workflow activation keep their planned order.
  const finished = results.map((r, i) => ({ r, i })).sort((a, b) => a.r.at - b.r.at || a.i - b.i);
  for (const { r } of finished) {
    if (r.ok) {
      events.push({ ...r.planned.event, at: r.at });
      events.push(...lessonsEvents(r.planned.action.agent, r.lessons).map((e) => ({ ...e, at: r.at })));
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
  return { state: agents === state.agents ? state : { ...state, agents }, actions: [], events };
}

/** The activity that performs an effect, with its request: a launch (of an agent or a service) or a message to type. */
export type EffectCall =
  | { activity: 'launchAgent'; request: { spec: LaunchSpec; fresh: boolean; prompt: string; lessons?: LessonsRequest } }
  | {
      activity: 'sendToAgent';
      request: { session: string; text: string; submitKey: string; lessons?: LessonsRequest };
    }
  | { activity: 'closeSession'; request: { session: string } };

/**
 * How `action` is performed for `state`: the agent's current session id, the service's launch id.
 * `lessons`: the text it types carries them (`lessonsRequestFor`).
 */
export function effectCall(state: BuildState, action: Action, lessons?: LessonsRequest): EffectCall {
  if (action.type === 'start-service') {
    const service = state.config.services.find((s) => s.name === action.agent);
    if (!service) throw new Error(`no service ${action.agent}`);
    const spec = serviceLaunchSpec(state.config, service, state.services[service.name]?.launchId ?? service.name);
    return { activity: 'launchAgent', request: { spec, fresh: true, prompt: '' } };
  }
  const agent = state.config.agents.find((a) => a.name === action.agent);
  if (!agent) throw new Error(`no agent ${action.agent}`);
  const spec = launchSpec(state.config, agent, state.agents[agent.name]?.sessionId ?? agent.name);
  const carry = lessons ? { lessons } : {};
  if (action.type === 'launch')
    return { activity: 'launchAgent', request: { spec, fresh: action.fresh, prompt: action.prompt, ...carry } };
  if (action.type === 'close') return { activity: 'closeSession', request: { session: spec.session } };
  return {
    activity: 'sendToAgent',
    request: { session: spec.session, text: action.text, submitKey: spec.submitKey, ...carry },
  };
}

/**
 * The result of an effect that went through, at `at`: with the lessons it carried when it was asked
 * to carry some (`lessons`) and the host said which (`outcome`).
 */
export function performedEffect(
  planned: PlannedAction,
  at: number,
  lessons: LessonsRequest | undefined,
  outcome: LessonsOutcome | undefined,
): EffectResult {
  return lessons && outcome
    ? { planned, ok: true, at, lessons: { phase: lessons.phase, outcome } }
    : { planned, ok: true, at };
}

/** One line for the Web UI's timeline ("ping adversary: claim …"), at most 200 characters. */
export function effectSummary(p: PlannedAction): string {
  const verb = p.event.type === 'ping_sent' ? 'ping' : p.event.type.replace(/^(agent|service)_/, '');
  return `${verb} ${p.action.agent}: ${p.event.message.split('\n')[0]}`.slice(0, 200);
}
