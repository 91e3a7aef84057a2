import {
  ActivityCancellationType,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  makeContinueAsNewFunc,
  patched,
  proxyActivities,
  RetryPolicy,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { StewardActivities } from '../activities';
import type { ObserveRequest } from '../activities/observe';
import type { Action, PlannedAction } from '../core/actions';
import { serviceLaunchSpec } from '../core/services';
import type { BudgetConfig, PhaseConfig } from '../core/config/types';
import { BuildState, buildStartedAt, buildTiming, currentPhaseId, phases, RECENT_EVENTS, sequenceComplete } from '../core/build-state';
import { webUiUpdate, WebUiView } from '../core/build-details';
import { configReloadDecision } from '../core/config-reload';
import { EffectFailure, effectChains, EffectResult, effectOutcomes } from '../core/effects';
import { NewEvent, stampEvents, StewardEvent } from '../core/events';
import type { AgentHookEvent } from '../core/hook-event';
import { initialBuildState } from '../core/initial-state';
import { launchSpec } from '../core/launch';
import { OperatorCommand, operatorCommandProblem, operatorDecision } from '../core/operator';
import { OperatorReply, operatorReply } from '../core/operator-reply';
import { KnownPanes, paneDigests, restorePanes, Snapshot } from '../core/snapshot';
import { decideTick } from '../core/tick';
import { applyHookEvent } from '../core/supervision';
import { shouldFetch } from '../core/fetch-backoff';
import { agentTokenRequest, tokenLogFile } from '../core/tokens/accounting';
import {
  activityQueueFor,
  advanceUpdate,
  appendPhasesUpdate,
  BuildInput,
  BuildMemo,
  BuildResult,
  EscalationSearchAttribute,
  hookSignal,
  nudgeUpdate,
  pauseUpdate,
  PhaseSearchAttribute,
  ProjectSearchAttribute,
  pushedSignal,
  restartUpdate,
  resumeUpdate,
  setBudgetUpdate,
  StatusSearchAttribute,
  statusQuery,
  stopSignal,
} from './definitions';

type InboxItem =
  | { type: 'stop'; reason: string }
  | { type: 'pushed'; sha?: string }
  | { type: 'hook'; event: AgentHookEvent }
  | { type: 'operator'; id: number; cmd: OperatorCommand };

/**
 * Patch ids (docs/versioning.md). Runs recorded before them replay the old path.
 * - effects-per-agent: a tick's effects run as one chain per tmux session, the chains concurrently
 *   (they were one sequence).
 * - undelivered-handoffs-pending: a handoff ping whose agent's session was gone is held until the
 *   agent is back, and held messages wait for a live agent (they were dropped / released at once).
 */
export const EFFECTS_PER_AGENT_PATCH = 'effects-per-agent';
export const UNDELIVERED_PENDING_PATCH = 'undelivered-handoffs-pending';

/**
 * One build: a phase sequence supervised tick by tick. Each tick observes the world once, lets
 * src/core decide, then performs the decided effects. Handlers only enqueue; the loop does the work.
 */
export async function buildWorkflow(input: BuildInput): Promise<BuildResult> {
  let state: BuildState =
    input.state ??
    initialBuildState({
      buildId: workflowInfo().workflowId,
      hostId: input.hostId,
      config: input.config,
      configHash: input.configHash,
      now: Date.now(),
      sessionIds: Object.fromEntries(input.config.agents.map((a) => [a.name, uuid4()])),
    });
  const inbox: InboxItem[] = [];
  const replies = new Map<number, OperatorReply>();
  let nextCommandId = 0;

  // ---- handlers: registered first, they only enqueue ----
  setHandler(statusQuery, () => statusView(state), { description: 'Phase, per-agent state, recent events.' });
  setHandler(stopSignal, (reason) => void inbox.push({ type: 'stop', reason: reason ?? 'operator stop' }), {
    description: 'Stop supervising; the agents are left running in tmux.',
  });
  setHandler(pushedSignal, (sha) => void inbox.push({ type: 'pushed', sha }), {
    description: 'A push landed on the work repo (from CI or a hook): check handoffs and phase status now.',
  });
  setHandler(hookSignal, (event) => void inbox.push({ type: 'hook', event }), {
    description: "An agent's Claude Code hook fired (stop, idle or permission prompt, rate limit).",
  });

  const operate = async (cmd: OperatorCommand): Promise<string> => {
    const id = ++nextCommandId;
    inbox.push({ type: 'operator', id, cmd });
    await condition(() => replies.has(id));
    const reply = replies.get(id)!;
    replies.delete(id);
    if (!reply.ok) throw ApplicationFailure.nonRetryable(reply.text, reply.failureType);
    return reply.text;
  };
  const validate = (cmd: OperatorCommand) => {
    const problem = operatorCommandProblem(state, cmd);
    if (problem) throw new Error(problem);
  };
  const operator = <A extends unknown[]>(toCommand: (...args: A) => OperatorCommand, description: string) => ({
    handler: (...args: A) => operate(toCommand(...args)),
    options: { validator: (...args: A) => validate(toCommand(...args)), description },
  });
  const pause = operator((reason: string) => ({ type: 'pause', reason: reason || 'paused by operator' }), 'Pause supervision: no pings, nudges, reboots or phase advance until resumed.');
  setHandler(pauseUpdate, pause.handler, pause.options);
  const resume = operator(() => ({ type: 'resume' }), 'Resume a paused build.');
  setHandler(resumeUpdate, resume.handler, resume.options);
  const advance = operator(() => ({ type: 'advance' }), 'Advance to the next phase now, without the done marker.');
  setHandler(advanceUpdate, advance.handler, advance.options);
  const append = operator((added: PhaseConfig[]) => ({ type: 'appendPhases', phases: added }), 'Append phases; a completed sequence resumes with the first.');
  setHandler(appendPhasesUpdate, append.handler, append.options);
  const nudge = operator((req: { agent: string; message?: string }) => ({ type: 'nudge', agent: req.agent, message: req.message }), "Type a message into an agent's pane.");
  setHandler(nudgeUpdate, nudge.handler, nudge.options);
  const restart = operator((req: { agent: string }) => ({ type: 'restart', agent: req.agent }), 'Kill and restart an agent with its kickoff (a fresh session).');
  setHandler(restartUpdate, restart.handler, restart.options);
  const budget = operator((b: BudgetConfig) => ({ type: 'setBudget', budget: b }), 'Replace the token/USD budget; a build paused by its budget resumes when under it.');
  setHandler(setBudgetUpdate, budget.handler, budget.options);

  // ---- activities on the agents' host ----
  // A host whose worker stops polling is noticed within this schedule-to-start timeout.
  const hostTimeoutMs = Math.max(10_000, 3 * state.config.watchdog.signal_interval);
  // Short start-to-close timeouts: an activity lost with a crashed worker is retried within seconds.
  const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 };
  const host = proxyActivities<StewardActivities>({
    taskQueue: activityQueueFor(state.hostId),
    startToCloseTimeout: '15 seconds',
    scheduleToStartTimeout: hostTimeoutMs,
    retry,
  });
  const { launchAgent } = proxyActivities<StewardActivities>({
    taskQueue: activityQueueFor(state.hostId),
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: '10 seconds',
    scheduleToStartTimeout: hostTimeoutMs,
    retry,
  });
  const observer = (waitMs: number) =>
    proxyActivities<StewardActivities>({
      taskQueue: activityQueueFor(state.hostId),
      startToCloseTimeout: waitMs + 30_000,
      heartbeatTimeout: '10 seconds',
      scheduleToStartTimeout: hostTimeoutMs,
      cancellationType: ActivityCancellationType.TRY_CANCEL,
      retry,
    }).observe;

  // ---- effects ----
  const emit = (events: NewEvent[]): StewardEvent[] => {
    // Each event keeps the time it happened (stampEvents); one that does not say is stamped now.
    const stamped = events.map((e) => ({ ...e, seq: ++state.eventSeq, at: e.at ?? Date.now() }));
    state.events = [...state.events, ...stamped].slice(-RECENT_EVENTS);
    return stamped;
  };
  // Events stay in workflow state even when the host cannot write them: a lost host or an
  // unwritable state dir is logged, never a failed build.
  const record = async (events: NewEvent[]) => {
    if (!events.length) return;
    const stamped = emit(events);
    try {
      await host.appendEvents({ file: `${state.config.state_dir}/events.jsonl`, events: stamped });
    } catch (err) {
      log.warn('event log not written', { error: rootMessage(err) });
    }
  };
  // Each effect carries a one-line summary, so the Web UI's timeline reads "ping adversary: claim …".
  const act = async (action: Action, summary: string): Promise<void> => {
    const options = { summary: summary.slice(0, 200) };
    if (action.type === 'start-service') {
      const service = state.config.services.find((s) => s.name === action.agent);
      if (!service) throw new Error(`no service ${action.agent}`);
      const spec = serviceLaunchSpec(state.config, service, state.services[service.name]?.launchId ?? service.name);
      await launchAgent.executeWithOptions(options, [{ spec, fresh: true, prompt: '' }]);
      return;
    }
    const agent = state.config.agents.find((a) => a.name === action.agent);
    if (!agent) throw new Error(`no agent ${action.agent}`);
    const spec = launchSpec(state.config, agent, state.agents[agent.name]?.sessionId ?? agent.name);
    if (action.type === 'launch') await launchAgent.executeWithOptions(options, [{ spec, fresh: action.fresh, prompt: action.prompt }]);
    else await host.sendToAgent.executeWithOptions(options, [{ session: spec.session, text: action.text, submitKey: spec.submitKey }]);
  };
  // Each effect's result says when it finished, so its event is stamped then, not at the tick's end.
  const performOne = async (p: PlannedAction): Promise<EffectResult> => {
    try {
      await act(p.action, activitySummary(p));
      return { planned: p, ok: true, at: Date.now() };
    } catch (err) {
      return { planned: p, ok: false, failure: effectFailure(err), at: Date.now() };
    }
  };
  const performChain = async (chain: PlannedAction[]): Promise<EffectResult[]> => {
    const results: EffectResult[] = [];
    for (const p of chain) results.push(await performOne(p));
    return results;
  };
  // One chain per tmux session, in planned order; the chains run concurrently, so one agent's slow
  // or failing launch holds up no other agent's pings, nudges or launches.
  const perform = async (planned: PlannedAction[]): Promise<EffectResult[]> => {
    if (!planned.length) return [];
    if (!patched(EFFECTS_PER_AGENT_PATCH)) return performChain(planned);
    return (await Promise.all(effectChains(state.config, planned).map(performChain))).flat();
  };
  // The Web UI: search attributes when status, phase or an escalation changed; details whenever
  // what they show changed. `shown: null` publishes both.
  let shown: WebUiView | null = null;
  const publish = (always = true) => {
    const update = webUiUpdate(always ? null : shown, state);
    shown = update.view;
    if (update.attributes) {
      upsertSearchAttributes([
        { key: PhaseSearchAttribute, value: update.attributes.phase },
        { key: StatusSearchAttribute, value: update.attributes.status },
        { key: ProjectSearchAttribute, value: update.attributes.project },
        { key: EscalationSearchAttribute, value: update.attributes.escalation },
      ]);
    }
    if (update.details !== null) setCurrentDetails(update.details);
  };

  // ---- the supervision loop ----
  let observeError: string | null = null;
  // Pane texts already seen: an unchanged pane is not sent again (history stays small on idle ticks).
  let knownPanes: KnownPanes = {};
  const observeOnce = async (waitMs: number): Promise<Snapshot | null> => {
    const scope = new CancellationScope();
    const pending = scope.run(() => observer(waitMs)({ ...observeRequest(state, waitMs), paneDigests: paneDigests(knownPanes) }));
    pending.catch(() => undefined);
    if (waitMs > 0) {
      await Promise.race([pending.then(() => undefined, () => undefined), condition(() => inbox.length > 0)]);
      if (inbox.length > 0) scope.cancel();
    }
    try {
      const restored = restorePanes(await pending, knownPanes);
      knownPanes = restored.known;
      observeError = null;
      return restored.snapshot;
    } catch (err) {
      if (!isCancellation(err)) {
        observeError = rootMessage(err);
        log.warn('observe failed', { error: observeError });
      }
      return null;
    }
  };

  if (!input.state) await record([{ type: 'build_started', message: `build ${state.config.name} started on host ${state.hostId}` }]);
  publish();

  for (;;) {
    // Signals wake the loop at once: an observe waiting out the interval is cancelled and redone now.
    const snapshot = (inbox.length ? null : await observeOnce(state.config.watchdog.signal_interval)) ?? (await observeOnce(0));
    // The tick's decisions are made now: their events are stamped with this time.
    const decidedAt = Date.now();
    const holdPending = patched(UNDELIVERED_PENDING_PATCH);

    const events: NewEvent[] = [];
    const planned: PlannedAction[] = [];
    // Operator replies are released after the tick's effects, so an update returns once it is done,
    // and says how its effects went.
    const answered: [number, OperatorReply][] = [];
    const operated: { id: number; cmd: OperatorCommand; reply: string; actions: PlannedAction[] }[] = [];
    const repliesAfter = (results: EffectResult[]) => operated.map((o): [number, OperatorReply] => [o.id, operatorReply(o.cmd, o.reply, o.actions, results)]);
    let stopReason: string | null = null;
    for (const item of inbox.splice(0)) {
      if (item.type === 'stop') stopReason = item.reason;
      else if (item.type === 'hook') {
        const agent = state.agents[item.event.agent];
        if (!agent) {
          events.push({ type: 'action_failed', agent: item.event.agent, message: `hook from unknown agent ${item.event.agent}` });
          continue;
        }
        const outcome = applyHookEvent(agent, item.event, Date.now(), state.config.watchdog);
        state = { ...state, agents: { ...state.agents, [item.event.agent]: outcome.state } };
        events.push(...outcome.events);
      }
      else if (item.type === 'operator') {
        const problem = operatorCommandProblem(state, item.cmd);
        if (problem) {
          answered.push([item.id, { ok: false, text: problem, failureType: 'InvalidOperatorCommand' }]);
          continue;
        }
        const outcome = operatorDecision(state, item.cmd, Date.now(), uuid4());
        state = outcome.state;
        events.push(...outcome.events);
        planned.push(...outcome.actions);
        operated.push({ id: item.id, cmd: item.cmd, reply: outcome.reply, actions: outcome.actions });
      }
    }
    if (stopReason !== null) {
      state.status = 'stopped';
      await record(stampEvents([...events, { type: 'stopped', message: stopReason }], decidedAt));
      [...answered, ...repliesAfter([])].forEach(([id, r]) => replies.set(id, r));
      break;
    }

    // A host nobody serves is an escalation, not a silent hang; supervision resumes when it returns.
    if (!snapshot && observeError && !state.hostLost) {
      state.hostLost = true;
      events.push({ type: 'host_unreachable', message: `no worker served steward@${state.hostId} within ${hostTimeoutMs / 1000}s: its agents are unsupervised (${observeError})` });
    } else if (snapshot && state.hostLost) {
      state.hostLost = false;
      events.push({ type: 'host_recovered', message: `a worker serves steward@${state.hostId} again` });
    }
    if (snapshot) {
      const reload = configReloadDecision(state, snapshot.config, uuid4, Date.now());
      state = reload.state;
      events.push(...reload.events);
      planned.push(...reload.actions);
      const decision = decideTick(state, snapshot, Date.now(), uuid4, { heldWaitForLiveAgent: holdPending });
      state = decision.state;
      events.push(...decision.events);
      planned.push(...decision.actions);
      if (decision.tokenRecords.length) {
        await host.appendTokenLog({ file: tokenLogFile(state.config), records: decision.tokenRecords }).catch((err: Error) => {
          // The records stay in state (status, `steward tokens`); only the file misses them.
          events.push({ type: 'action_failed', message: `token log not written: ${rootMessage(err)}`, at: Date.now() });
        });
      }
    }
    const results = await perform(planned);
    const effects = effectOutcomes(state, results, { holdPending });
    state = effects.state;
    await record([...stampEvents(events, decidedAt), ...effects.events]);
    [...answered, ...repliesAfter(results)].forEach(([id, r]) => replies.set(id, r));
    publish(false);

    if (sequenceComplete(state) && !supervisesAfterCompletion(state)) {
      state.status = 'completed';
      break;
    }
    // Continue as new only between ticks with nothing queued and no handler waiting for the loop:
    // the inbox is not carried, and an update waiting on it would never be answered. Otherwise
    // the next tick drains the inbox and this is tried again (the suggestion stays).
    if (workflowInfo().continueAsNewSuggested && inbox.length === 0 && allHandlersFinished()) {
      // The memo carries the build's start to the next run, for `steward list`.
      const memo = { startedAt: buildStartedAt(state) } satisfies BuildMemo;
      await makeContinueAsNewFunc<typeof buildWorkflow>({ memo })({ ...input, config: state.config, configHash: state.configHash, state });
    }
  }

  publish();
  await condition(allHandlersFinished);
  return {
    build: state.config.name,
    status: state.status,
    phases: state.completedPhases,
    totalDurationMs: state.completedPhases.reduce((sum, p) => sum + p.durationMs, 0),
    ...buildTiming(state, Date.now()),
  };
}

/** What the workflow knows of an activity's failure: its innermost cause's type and message. */
function effectFailure(err: unknown): EffectFailure {
  let type: string | undefined;
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof ApplicationFailure && e.type) type = e.type;
  }
  return { type, message: rootMessage(err) };
}

/** An activity's failure says "Activity task failed"; what went wrong is in its innermost cause. */
function rootMessage(err: unknown): string {
  let e = err as Error;
  while (e.cause instanceof Error) e = e.cause;
  return e.message;
}

function activitySummary(p: PlannedAction): string {
  const verb = p.event.type === 'ping_sent' ? 'ping' : p.event.type.replace(/^(agent|service)_/, '');
  return `${verb} ${p.action.agent}: ${p.event.message.split('\n')[0]}`;
}

/** Persistent agents and services outlive the phase sequence; a build of loops ends with it. */
function supervisesAfterCompletion(state: BuildState): boolean {
  return state.config.services.length > 0 || state.config.agents.some((a) => a.kind === 'persistent');
}

function observeRequest(state: BuildState, waitMs: number): ObserveRequest {
  const loop = state.config.loop;
  const phase = phases(state)[state.phaseIndex];
  return {
    waitMs,
    config: { file: state.config.source, knownHash: state.configHash },
    tokens: agentTokenRequest(state.tokens, state.config, state.agents),
    agents: Object.fromEntries(state.config.agents.map((a) => [a.name, a.session])),
    services: Object.fromEntries(state.config.services.map((s) => [s.name, s.session])),
    repo: loop
      ? {
          dir: loop.repo,
          sinceSha: state.handoff.lastSha,
          fetch: shouldFetch(state.fetchHealth, Date.now()),
          statusPath: phase ? `${loop.state_subdir}/${phase.status}` : null,
          doneMarker: loop.done_marker,
          inboxes: (loop.handoff?.inboxes ?? []).map((i) => `${loop.state_subdir}/${i.file}`),
        }
      : null,
  };
}

function statusView(state: BuildState) {
  const { config: _config, ...rest } = state;
  return {
    ...rest,
    startedAt: buildStartedAt(state),
    phase: currentPhaseId(state),
    phaseCount: phases(state).length,
    phases: phases(state).map((p) => ({ id: p.id, status: p.status })),
  };
}
