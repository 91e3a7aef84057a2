import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
  log,
} from '@temporalio/workflow';
import type { StewardActivities } from '../activities';
import type { Action, PlannedAction } from '../core/actions';
import { BuildState, currentPhaseId, phases, RECENT_EVENTS, sequenceComplete } from '../core/build-state';
import type { NewEvent, StewardEvent } from '../core/events';
import { initialBuildState } from '../core/initial-state';
import { launchSpec } from '../core/launch';
import { decideTick } from '../core/tick';
import {
  activityQueueFor,
  BuildInput,
  BuildResult,
  PhaseSearchAttribute,
  ProjectSearchAttribute,
  pushedSignal,
  StatusSearchAttribute,
  statusQuery,
  stopSignal,
} from './definitions';

type Command = { type: 'stop'; reason: string } | { type: 'pushed'; sha?: string };

/**
 * One build: a phase sequence supervised tick by tick. Each tick observes the world once, lets
 * src/core decide, then performs the decided effects. Signals only enqueue; the loop does the work.
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
  const inbox: Command[] = [];

  setHandler(statusQuery, () => statusView(state), { description: 'Phase, agents, recent events.' });
  setHandler(stopSignal, (reason) => void inbox.push({ type: 'stop', reason: reason ?? 'operator stop' }), {
    description: 'Stop supervising; agents are left running.',
  });
  setHandler(pushedSignal, (sha) => void inbox.push({ type: 'pushed', sha }), {
    description: 'A push landed on the work repo (from CI or a hook): check handoffs now.',
  });

  // Short start-to-close timeouts: an activity lost with a crashed worker is retried within seconds.
  const hostActivity = (startToCloseTimeout: '15 seconds' | '1 minute') =>
    proxyActivities<StewardActivities>({
      taskQueue: activityQueueFor(state.hostId),
      startToCloseTimeout,
      heartbeatTimeout: startToCloseTimeout === '1 minute' ? '10 seconds' : undefined,
      scheduleToStartTimeout: '5 minutes',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
    });
  const host = hostActivity('15 seconds');
  const { launchAgent } = hostActivity('1 minute');

  const emit = (events: NewEvent[]): StewardEvent[] => {
    const stamped = events.map((e) => ({ ...e, seq: ++state.eventSeq, at: Date.now() }));
    state.events = [...state.events, ...stamped].slice(-RECENT_EVENTS);
    return stamped;
  };

  const perform = async (planned: PlannedAction): Promise<NewEvent> => {
    try {
      await act(planned.action);
      return planned.event;
    } catch (err) {
      return { type: 'action_failed', agent: planned.action.agent, message: `${planned.action.type}: ${(err as Error).message}` };
    }
  };

  const act = async (action: Action): Promise<void> => {
    const agent = state.config.agents.find((a) => a.name === action.agent);
    if (!agent) throw new Error(`no agent ${action.agent}`);
    const spec = launchSpec(state.config, agent, state.agents[agent.name]?.sessionId ?? agent.name);
    if (action.type === 'launch') await launchAgent({ spec, fresh: action.fresh, prompt: action.prompt });
    else await host.sendToAgent({ session: spec.session, text: action.text, submitKey: spec.submitKey });
  };

  const publish = () => {
    upsertSearchAttributes([
      { key: PhaseSearchAttribute, value: currentPhaseId(state) ?? 'complete' },
      { key: StatusSearchAttribute, value: state.status },
      { key: ProjectSearchAttribute, value: state.config.name },
    ]);
    setCurrentDetails(
      `**${state.config.name}** — ${state.status}, phase ${currentPhaseId(state) ?? 'complete'} ` +
        `(${Math.min(state.phaseIndex + 1, phases(state).length)}/${phases(state).length})`,
    );
  };

  if (!input.state) emit([{ type: 'build_started', message: `build ${state.config.name} started on host ${state.hostId}` }]);
  publish();

  while (true) {
    const interval = state.config.watchdog.signal_interval;
    await condition(() => inbox.length > 0, interval);
    const commands = inbox.splice(0);
    const stop = commands.find((c): c is Extract<Command, { type: 'stop' }> => c.type === 'stop');
    if (stop) {
      state.status = 'stopped';
      await host.appendEvents({ file: eventLogFile(state), events: emit([{ type: 'stopped', message: stop.reason }]) });
      break;
    }

    let snapshot;
    try {
      snapshot = await host.observe(observeRequest(state));
    } catch (err) {
      log.warn('observe failed', { error: (err as Error).message });
      continue;
    }
    const phaseBefore = state.phaseIndex;
    const decision = decideTick(state, snapshot, Date.now());
    state = decision.state;
    const outcomes: NewEvent[] = [...decision.events];
    for (const planned of decision.actions) outcomes.push(await perform(planned));
    if (outcomes.length) await host.appendEvents({ file: eventLogFile(state), events: emit(outcomes) });
    if (state.phaseIndex !== phaseBefore) publish();

    if (sequenceComplete(state) && !supervisesAfterCompletion(state)) {
      state.status = 'completed';
      publish();
      break;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof buildWorkflow>({ ...input, config: state.config, configHash: state.configHash, state });
    }
  }

  await condition(allHandlersFinished);
  publish();
  return {
    build: state.config.name,
    status: state.status,
    phases: state.completedPhases,
    totalDurationMs: state.completedPhases.reduce((sum, p) => sum + p.durationMs, 0),
  };
}

/** Persistent agents and services outlive the phase sequence; a build of loops ends with it. */
function supervisesAfterCompletion(state: BuildState): boolean {
  return state.config.services.length > 0 || state.config.agents.some((a) => a.kind === 'persistent');
}

function eventLogFile(state: BuildState): string {
  return `${state.config.state_dir}/events.jsonl`;
}

function observeRequest(state: BuildState) {
  const loop = state.config.loop;
  const phase = phases(state)[state.phaseIndex];
  return {
    agents: Object.fromEntries(state.config.agents.map((a) => [a.name, a.session])),
    repo: loop
      ? {
          dir: loop.repo,
          sinceSha: state.handoff.lastSha,
          statusPath: phase ? `${loop.state_subdir}/${phase.status}` : null,
          doneMarker: loop.done_marker,
          inboxes: (loop.handoff?.inboxes ?? []).map((i) => `${loop.state_subdir}/${i.file}`),
        }
      : null,
  };
}

function statusView(state: BuildState) {
  const { config: _config, ...rest } = state;
  return { ...rest, phase: currentPhaseId(state), phaseCount: phases(state).length };
}
