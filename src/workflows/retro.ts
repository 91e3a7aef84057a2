/**
 * The scheduled retro (src/core/learning/retro-schedule.ts): one analysis on the host that owns
 * the project's config and retro store. A Temporal Schedule starts it (`steward retro schedule`).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { StewardActivities } from '../activities';
import { activityQueueFor } from '../core/host-queue';
import type { RetroRunResult, RetroScheduleInput } from '../core/learning/retro-schedule';

export async function retroWorkflow(input: RetroScheduleInput): Promise<RetroRunResult> {
  const { runRetroAnalysis } = proxyActivities<StewardActivities>({
    taskQueue: activityQueueFor(input.hostId),
    // A host whose worker is away: this run gives up, the schedule's next one tries again.
    scheduleToStartTimeout: '10 minutes',
    startToCloseTimeout: '5 minutes',
    retry: { maximumAttempts: 3 },
  });
  return runRetroAnalysis({ ...input, now: Date.now() });
}
