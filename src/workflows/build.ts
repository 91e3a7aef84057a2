import {
  allHandlersFinished,
  condition,
  log,
  makeContinueAsNewFunc,
  patched,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { BuildState } from '../core/state/build';
import { buildStartedAt } from '../core/state/build';
import { BuildResult, buildResult, completedBuild, writesReport } from '../core/build-end';
import { effectOutcomes } from '../core/effects';
import { NewEvent, stampEvents } from '../core/events';
import { eventLogFile, recordEvents } from '../core/event-record';
import { hostTimeoutMs } from '../core/host-queue';
import { commandReplies, inboxDecision, InboxItem } from '../core/inbox';
import { initialBuildState } from '../core/initial-state';
import { statusView } from '../core/status-view';
import { tokenLogFile } from '../core/tokens/token-log';
import { retroDue, retroDueAtEnd, retroRequest } from '../core/learning/retro-due';
import type { RetroWhich } from '../core/learning/retro-records';
import { turnDecision } from '../core/turn';
import { rootMessage } from './activity-failures';
import { buildActivities } from './host-activities';
import { buildHosts } from '../core/hosts';
import { looksAgainAtOnce } from '../core/host-observation';
import { BUILD_REPORT_PATCH, BUILD_TELEMETRY_PATCH, RETRO_RECORDS_PATCH, UNDELIVERED_PENDING_PATCH } from './patches';
import { webUiPublisher } from './web-ui';
import { WorldObserver } from './world-observer';
import { OperatorUpdates } from './operator-updates';
import { BuildInput, BuildMemo, configQuery, hookSignal, pushedSignal, statusQuery, stopSignal } from './definitions';

export * from './patches';

/**
 * One build: a phase sequence supervised turn by turn. Each turn observes the world once, lets
 * src/core decide (`turnDecision`), then performs the decided effects and records what happened.
 * Handlers only enqueue; the loop does the work.
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

  // ---- handlers: registered first, they only enqueue ----
  setHandler(statusQuery, () => statusView(state), { description: 'Phase, per-agent state, recent events.' });
  setHandler(configQuery, () => state.config, {
    description: 'The config the build runs now: reloads, appended phases and budget changes included.',
  });
  setHandler(stopSignal, (reason) => void inbox.push({ type: 'stop', reason: reason ?? 'operator stop' }), {
    description: 'Stop supervising; the agents are left running in tmux.',
  });
  setHandler(pushedSignal, (sha) => void inbox.push({ type: 'pushed', sha }), {
    description: 'A push landed on the work repo (from CI or a hook): check handoffs and phase status now.',
  });
  setHandler(hookSignal, (event) => void inbox.push({ type: 'hook', event }), {
    description: "An agent's Claude Code hook fired (stop, idle or permission prompt, rate limit).",
  });

  const operators = new OperatorUpdates(inbox, () => state);

  // ---- the agents' host, and the Web UI ----
  const hostTimeout = hostTimeoutMs(state.config.watchdog);
  const hosts = buildActivities(hostTimeout);
  const host = hosts.of(state.hostId);
  const world = new WorldObserver(
    (h, waitMs) => hosts.of(h).observer(waitMs),
    () => inbox.length > 0,
    hostTimeout,
  );
  const publish = webUiPublisher();

  // Events stay in workflow state even when the host cannot write them: a lost host or an
  // unwritable state dir is logged, never a failed build.
  const record = async (events: NewEvent[]) => {
    if (!events.length) return;
    const recorded = recordEvents(state, events, Date.now());
    state = recorded.state;
    try {
      await host.appendEvents({ file: eventLogFile(state.config), events: recorded.recorded });
    } catch (err) {
      log.warn('event log not written', { error: rootMessage(err) });
    }
  };

  // Retro records are folded from the event log on the host: call once the events they need are
  // in it. A write that fails is an event, never a failed build.
  const writeRetro = async (due: RetroWhich[]) => {
    if (!due.length || !patched(RETRO_RECORDS_PATCH)) return;
    for (const which of due) {
      await host
        .appendRetro(retroRequest(state, which, Date.now()))
        .catch((err) => record([{ type: 'action_failed', message: `retro records not written: ${rootMessage(err)}` }]));
    }
  };

  if (!input.state)
    await record([{ type: 'build_started', message: `build ${state.config.name} started on host ${state.hostId}` }]);
  publish(state);

  // ---- the supervision loop ----
  for (;;) {
    // Signals wake the loop at once: an observe waiting out the interval is cancelled and redone now.
    const waited = inbox.length ? null : await world.look(state, state.config.watchdog.signal_interval);
    const look = waited && !looksAgainAtOnce(buildHosts(state).length, waited) ? waited : await world.look(state, 0);
    const snapshot = look.snapshot;
    // The turn's decisions are made now: their events are stamped with this time.
    const decidedAt = Date.now();
    const holdPending = patched(UNDELIVERED_PENDING_PATCH);
    const telemetry = patched(BUILD_TELEMETRY_PATCH);
    const turnStart = state;
    const turn = turnDecision(state, {
      inbox: inbox.splice(0),
      snapshot,
      hosts: look.hosts,
      now: decidedAt,
      newId: uuid4,
      holdPending,
      telemetry,
    });
    state = turn.state;
    world.decidedOn(snapshot, { heldWaitForLiveAgent: holdPending, telemetry });
    if (turn.stopped) {
      await record(stampEvents(turn.events, decidedAt));
      operators.answer(commandReplies(turn.inbox, []));
      break;
    }

    const failedWrites: NewEvent[] = [];
    if (turn.tokenRecords.length) {
      await host
        .appendTokenLog({ file: tokenLogFile(state.config), records: turn.tokenRecords })
        .catch((err: Error) => {
          // The records stay in state (status, `steward tokens`); only the file misses them.
          failedWrites.push({
            type: 'action_failed',
            message: `token log not written: ${rootMessage(err)}`,
            at: Date.now(),
          });
        });
    }
    const results = await hosts.perform(state, turn.actions);
    const effects = effectOutcomes(state, results, { holdPending });
    state = effects.state;
    await record([...stampEvents([...turn.events, ...failedWrites], decidedAt), ...effects.events]);
    // Operator replies are released after the turn's effects: an update returns once it is done,
    // and says how its effects went.
    operators.answer(commandReplies(turn.inbox, results));
    publish(state, false);
    // After `record`: the phase_completed events of the turn are in the log the records are folded from.
    await writeRetro(retroDue(turnStart, state));

    const completed = completedBuild(state);
    if (completed) {
      state = completed;
      break;
    }
    // Continue as new only between turns with nothing queued and no handler waiting for the loop:
    // the inbox is not carried, and an update waiting on it would never be answered. Otherwise
    // the next turn drains the inbox and this is tried again (the suggestion stays).
    if (workflowInfo().continueAsNewSuggested && inbox.length === 0 && allHandlersFinished()) {
      // The memo carries the build's start to the next run, for `steward list`.
      const memo = { startedAt: buildStartedAt(state) } satisfies BuildMemo;
      await makeContinueAsNewFunc<typeof buildWorkflow>({ memo })({
        ...input,
        config: state.config,
        configHash: state.configHash,
        state,
      });
    }
  }

  // The build has ended: its report goes into its state dir. A report that cannot be written is an
  // event, never a failed build.
  if (writesReport(state) && patched(BUILD_REPORT_PATCH)) {
    const request = { stateDir: state.config.state_dir, build: state.config.name, startedAt: buildStartedAt(state) };
    await host
      .writeReport(request)
      .catch((err) => record([{ type: 'action_failed', message: `report not written: ${rootMessage(err)}` }]));
  }
  // And its retro records (every phase's): its last events, the `stopped` included, are in the log.
  await writeRetro(retroDueAtEnd(state));
  publish(state);
  // Commands queued as the loop ended are refused (validators refuse any later one): no update waits forever.
  operators.answer(commandReplies(inboxDecision(state, inbox.splice(0), Date.now(), uuid4), []));
  await condition(allHandlersFinished);
  return buildResult(state, Date.now());
}
