import { ActivityCancellationType, patched, proxyActivities, RetryPolicy } from '@temporalio/workflow';
import type { StewardActivities } from '../activities';
import type { PlannedAction } from '../core/state/actions';
import type { BuildState } from '../core/state/build';
import { effectCall, effectChains, effectSummary, performedEffect } from '../core/effects';
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

  // Each effect carries a one-line summary, so the Web UI's timeline reads "ping adversary: claim …";
  // its result says when it finished, so its event is stamped then, not at the tick's end.
  const performOne = async (state: BuildState, p: PlannedAction): Promise<EffectResult> => {
    try {
      // Lessons are asked for only when the config injects them: other builds' histories are unchanged.
      const wanted = lessonsRequestFor(state, p, Date.now());
      const lessons = wanted && patched(LESSONS_INJECTED_PATCH) ? wanted : undefined;
      const call = effectCall(state, p.action, lessons);
      const options = { summary: effectSummary(p) };
      const outcome =
        call.activity === 'launchAgent'
          ? await launchAgent.executeWithOptions(options, [call.request])
          : await host.sendToAgent.executeWithOptions(options, [call.request]);
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
  /**
   * One chain per tmux session, in planned order; the chains run concurrently, so one agent's slow
   * or failing launch holds up no other agent's pings, nudges or launches.
   */
  const perform = async (state: BuildState, planned: PlannedAction[]): Promise<EffectResult[]> => {
    if (!planned.length) return [];
    if (!patched(EFFECTS_PER_AGENT_PATCH)) return performChain(state, planned);
    return (await Promise.all(effectChains(state.config, planned).map((chain) => performChain(state, chain)))).flat();
  };

  return {
    appendEvents: host.appendEvents,
    appendTokenLog: host.appendTokenLog,
    writeReport: host.writeReport,
    appendRetro: host.appendRetro,
    observer,
    perform,
  };
}
