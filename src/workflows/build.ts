import {
  ActivityCancellationType,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
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
import { BuildState, currentPhaseId, phases, RECENT_EVENTS, sequenceComplete } from '../core/build-state';
import { configReloadDecision } from '../core/config-reload';
import type { NewEvent, StewardEvent } from '../core/events';
import type { AgentHookEvent } from '../core/hook-event';
import { initialBuildState } from '../core/initial-state';
import { launchSpec } from '../core/launch';
import { OperatorCommand, operatorCommandProblem, operatorDecision } from '../core/operator';
import type { Snapshot } from '../core/snapshot';
import { decideTick } from '../core/tick';
import { applyHookEvent } from '../core/supervision';
import { shouldFetch } from '../core/fetch-backoff';
import { agentTokenRequest, tokenLogFile } from '../core/tokens/accounting';
import {
  activityQueueFor,
  advanceUpdate,
  appendPhasesUpdate,
  BuildInput,
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
  const replies = new Map<number, { ok: boolean; text: string }>();
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
    if (!reply.ok) throw ApplicationFailure.nonRetryable(reply.text, 'InvalidOperatorCommand');
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
    const stamped = events.map((e) => ({ ...e, seq: ++state.eventSeq, at: Date.now() }));
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
  const perform = async (planned: PlannedAction[]): Promise<NewEvent[]> => {
    const outcomes: NewEvent[] = [];
    for (const p of planned) {
      try {
        await act(p.action, activitySummary(p));
        outcomes.push(p.event);
      } catch (err) {
        outcomes.push({ type: 'action_failed', agent: p.action.agent, message: `${p.action.type}: ${rootMessage(err)}` });
      }
    }
    return outcomes;
  };
  const publish = () => {
    const escalated = Object.entries(state.agents).filter(([, a]) => a.crashLooped).map(([n]) => `crash-loop:${n}`);
    if (state.budgetPaused) escalated.push('budget');
    if (state.hostLost) escalated.push(`host-lost:${state.hostId}`);
    upsertSearchAttributes([
      { key: PhaseSearchAttribute, value: currentPhaseId(state) ?? 'complete' },
      { key: StatusSearchAttribute, value: state.status },
      { key: ProjectSearchAttribute, value: state.config.name },
      { key: EscalationSearchAttribute, value: escalated.length ? escalated.join(',') : 'none' },
    ]);
    setCurrentDetails(currentDetails(state));
  };

  // ---- the supervision loop ----
  let observeError: string | null = null;
  const observeOnce = async (waitMs: number): Promise<Snapshot | null> => {
    const scope = new CancellationScope();
    const pending = scope.run(() => observer(waitMs)(observeRequest(state, waitMs)));
    pending.catch(() => undefined);
    if (waitMs > 0) {
      await Promise.race([pending.then(() => undefined, () => undefined), condition(() => inbox.length > 0)]);
      if (inbox.length > 0) scope.cancel();
    }
    try {
      const snapshot = await pending;
      observeError = null;
      return snapshot;
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
    const before = JSON.stringify([state.status, state.phaseIndex, state.budgetPaused, state.hostLost, Object.values(state.agents).map((a) => a.crashLooped)]);
    // Signals wake the loop at once: an observe waiting out the interval is cancelled and redone now.
    const snapshot = (inbox.length ? null : await observeOnce(state.config.watchdog.signal_interval)) ?? (await observeOnce(0));

    const events: NewEvent[] = [];
    const planned: PlannedAction[] = [];
    // Operator replies are released after the tick's effects, so an update returns once it is done.
    const answered: [number, { ok: boolean; text: string }][] = [];
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
          answered.push([item.id, { ok: false, text: problem }]);
          continue;
        }
        const outcome = operatorDecision(state, item.cmd, Date.now(), uuid4());
        state = outcome.state;
        events.push(...outcome.events);
        planned.push(...outcome.actions);
        answered.push([item.id, { ok: true, text: outcome.reply }]);
      }
    }
    if (stopReason !== null) {
      state.status = 'stopped';
      await record([...events, { type: 'stopped', message: stopReason }]);
      answered.forEach(([id, reply]) => replies.set(id, reply));
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
      const decision = decideTick(state, snapshot, Date.now(), uuid4);
      state = decision.state;
      events.push(...decision.events);
      planned.push(...decision.actions);
      if (decision.tokenRecords.length) {
        await host.appendTokenLog({ file: tokenLogFile(state.config), records: decision.tokenRecords }).catch((err: Error) => {
          // The records stay in state (status, `steward tokens`); only the file misses them.
          events.push({ type: 'action_failed', message: `token log not written: ${rootMessage(err)}` });
        });
      }
    }
    events.push(...(await perform(planned)));
    await record(events);
    answered.forEach(([id, reply]) => replies.set(id, reply));
    if (JSON.stringify([state.status, state.phaseIndex, state.budgetPaused, state.hostLost, Object.values(state.agents).map((a) => a.crashLooped)]) !== before) publish();

    if (sequenceComplete(state) && !supervisesAfterCompletion(state)) {
      state.status = 'completed';
      break;
    }
    // Continue as new only between ticks with nothing queued and no handler waiting for the loop:
    // the inbox is not carried, and an update waiting on it would never be answered. Otherwise
    // the next tick drains the inbox and this is tried again (the suggestion stays).
    if (workflowInfo().continueAsNewSuggested && inbox.length === 0 && allHandlersFinished()) {
      await continueAsNew<typeof buildWorkflow>({ ...input, config: state.config, configHash: state.configHash, state });
    }
  }

  publish();
  await condition(allHandlersFinished);
  return {
    build: state.config.name,
    status: state.status,
    phases: state.completedPhases,
    totalDurationMs: state.completedPhases.reduce((sum, p) => sum + p.durationMs, 0),
  };
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

function currentDetails(state: BuildState): string {
  const phase = currentPhaseId(state) ?? 'complete';
  const agents = Object.entries(state.agents)
    .map(([name, a]) => `${name}: ${a.alive ? 'alive' : 'down'}${a.crashLooped ? ' CRASH-LOOP' : ''}${a.rateLimitedUntil ? ' rate-limited' : ''}`)
    .join(', ');
  const last = state.events[state.events.length - 1];
  return (
    `**${state.config.name}** — ${state.status}, phase ${phase} (${Math.min(state.phaseIndex + 1, phases(state).length)}/${phases(state).length})\n\n` +
    `Agents: ${agents || 'none'}\n\nLast: ${last ? `${last.type} ${last.agent ?? ''} ${last.message}` : '—'}`
  );
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
    phase: currentPhaseId(state),
    phaseCount: phases(state).length,
    phases: phases(state).map((p) => ({ id: p.id, status: p.status })),
  };
}
