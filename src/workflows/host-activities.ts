import { ActivityCancellationType, patched, proxyActivities, RetryPolicy } from '@temporalio/workflow';
import type { StewardActivities } from '../activities';
import type { PlannedAction } from '../core/state/actions';
import type { BuildState } from '../core/state/build';
import { EffectCall, effectCall, effectChains, effectHost, effectSummary, performedEffect } from '../core/effects';
import type { EffectResult } from '../core/state/effects';
import { activityQueueFor } from '../core/host-queue';
import { effectFailure } from './activity-failures';
import { EFFECTS_PER_AGENT_PATCH, LESSONS_INJECTED_PATCH } from './patches';
import { lessonsRequestFor } from '../core/learning/injection';
import { HEARTBEAT_TIMEOUT_MS } from '../core/heartbeat';

// Short start-to-close timeouts: an activity lost with a crashed worker is retried within seconds.
// The long ones (observe, launchAgent) heartbeat every second for as long as they run, a slow
// `git fetch` included, so a short heartbeat timeout finds a dead worker in 3 s without taking a
// slow child process for one (src/core/heartbeat.ts). Timeouts are not part of replay's checks.
const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 };

/**
 * The activities of the host that owns the build's agents, on its own task queue. Each has a
 * schedule-to-start timeout of `timeoutMs`: a host whose worker stopped polling is noticed then.
 */
export function hostActivities(hostId: string, timeoutMs: number) {
  const queue = { taskQueue: activityQueueFor(hostId), scheduleToStartTimeout: timeoutMs, retry };
  const host = proxyActivities<StewardActivities>({ ...queue, startToCloseTimeout: '15 seconds' });
  const { launchAgent } = proxyActivities<StewardActivities>({
    ...queue,
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
  });
  /** Observe waits up to `waitMs` on the host (its quiet spell included), heartbeating, so a signal can cancel it. */
  const observer = (waitMs: number) =>
    proxyActivities<StewardActivities>({
      ...queue,
      startToCloseTimeout: waitMs + 30_000,
      heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
      cancellationType: ActivityCancellationType.TRY_CANCEL,
    }).observe;

  /** The activity that performs `call`. */
  const run = (call: EffectCall, options: { summary: string }) => {
    switch (call.activity) {
      case 'launchAgent':
        return launchAgent.executeWithOptions(options, [call.request]);
      case 'sendToAgent':
        return host.sendToAgent.executeWithOptions(options, [call.request]);
      case 'closeSession':
        return host.closeSession.executeWithOptions(options, [call.request]).then(() => undefined);
    }
  };

  // Each effect carries a one-line summary, so the Web UI's timeline reads "ping adversary: claim …";
  // its result says when it finished, so its event is stamped then, not at the tick's end.
  const performOne = async (state: BuildState, p: PlannedAction): Promise<EffectResult> => {
    try {
      // Lessons are asked for only when the config injects them: other builds' histories are unchanged.
      const wanted = lessonsRequestFor(state, p, Date.now());
      const lessons = wanted && patched(LESSONS_INJECTED_PATCH) ? wanted : undefined;
      const call = effectCall(state, p.action, lessons);
      const options = { summary: effectSummary(p) };
      const outcome = await run(call, options);
      return performedEffect(p, Date.now(), lessons, outcome);
    } catch (err) {
      return { planned: p, ok: false, failure: effectFailure(err), at: Date.now() };
    }
  };
  const performChain = async (state: BuildState, chain: PlannedAction[]): Promise<EffectResult[]> => {
    const results: EffectResult[] = [];
    for (const p of chain) results.push(await performOne(state, p));
    return results;
  };

  return {
    appendEvents: host.appendEvents,
    appendTokenLog: host.appendTokenLog,
    writeReport: host.writeReport,
    appendRetro: host.appendRetro,
    observer,
    performChain,
  };
}

/**
 * The activities of every host of a build, each host's made once; the logs, reports and retro
 * records go to the build's own host (`of(state.hostId)`).
 */
export function buildActivities(timeoutMs: number) {
  const made = new Map<string, ReturnType<typeof hostActivities>>();
  const of = (host: string): ReturnType<typeof hostActivities> => {
    const known = made.get(host);
    if (known) return known;
    const fresh = hostActivities(host, timeoutMs);
    made.set(host, fresh);
    return fresh;
  };
  /**
   * One chain per tmux session, in planned order, on the host of that session; the chains run
   * concurrently, so one agent's slow or failing launch holds up no other agent's pings, nudges or
   * launches.
   */
  const perform = async (state: BuildState, planned: PlannedAction[]): Promise<EffectResult[]> => {
    if (!planned.length) return [];
    if (!patched(EFFECTS_PER_AGENT_PATCH)) return of(state.hostId).performChain(state, planned);
    const chains = effectChains(state, planned);
    return (
      await Promise.all(chains.map((chain) => of(effectHost(state, chain[0]!.action)).performChain(state, chain)))
    ).flat();
  };
  return { of, perform };
}
