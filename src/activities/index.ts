import { Context } from '@temporalio/activity';
import type { StewardEvent } from '../core/events';
import type { Observation } from '../core/state/snapshot';
import { Tmux } from '../host/tmux';
import { observe } from './observe';
import { whileHeartbeating } from './heartbeat-ticker';
import type { ObserveRequest } from '../core/observe-request';
import { requestForAttempt } from '../core/observe-retry';
import { launchAgent, LaunchRequest } from './agent-session';
import { deliverOnce, Delivery } from './pane-delivery';
import { appendEventLog } from './event-log';
import { appendTokenLog } from './agent-tokens';
import type { TokenRecord } from '../core/state/tokens';
import { mapHostErrors } from './failures';
import { BuildReportRequest, writeBuildReport } from './build-report';
import type { LessonsOutcome, LessonsRequest } from '../core/learning/injection';
import { composeWithLessons } from './lessons';
import { appendRetro } from './retro';
import { runRetroAnalysis } from './retro-analysis';
import type { RetroRunResult, RetroScheduleInput } from '../core/learning/retro-schedule';
import type { RetroRequest } from '../core/learning/retro-due';

export interface ActivityDeps {
  tmux: Tmux;
  /** Directory with Steward's executables, put on every agent's PATH. */
  binDir: string;
}

/**
 * The activities one host serves on its own task queue. Thin: all deciding is in src/core. Host
 * errors become Temporal failures here, at the boundary (see failures.ts).
 */
export function createActivities(deps: ActivityDeps) {
  return mapHostErrors({
    // Both heartbeat from start to end, whatever they wait on (a slow `git fetch` included): their
    // heartbeat timeout is short, so a dead worker is noticed in seconds (src/core/heartbeat.ts).
    async observe(req: ObserveRequest): Promise<Observation> {
      const ctx = Context.current();
      // A retry looks at once: its tick's wait went by on the attempt that was lost.
      const look = requestForAttempt(req, ctx.info.attempt);
      return whileHeartbeating(
        () => ctx.heartbeat(),
        () => observe(deps.tmux, look, ctx.cancelled),
      );
    },
    async launchAgent(req: LaunchRequest): Promise<LessonsOutcome | undefined> {
      const ctx = Context.current();
      return whileHeartbeating(
        () => ctx.heartbeat(),
        () => launchAgent(deps.tmux, deps.binDir, req),
      );
    },
    async sendToAgent(req: Delivery & { lessons?: LessonsRequest }): Promise<LessonsOutcome | undefined> {
      const { workflowExecution, activityId, attempt } = Context.current().info;
      const run = workflowExecution ? `${workflowExecution.workflowId}/${workflowExecution.runId}` : 'standalone';
      const { lessons, ...delivery } = req;
      // The lessons are composed on each attempt; the delivery id, shared by the retries, types them once.
      const composed = await composeWithLessons(delivery.text, lessons);
      const step = await deliverOnce(deps.tmux, { ...delivery, text: composed.text }, `${run}/${activityId}`);
      if (attempt > 1) Context.current().log.info('retried delivery', { session: req.session, step });
      return composed.outcome;
    },
    /** Closes an agent's session on this host, which it left (a config edit moved it); gone already is fine. */
    async closeSession(req: { session: string }): Promise<void> {
      await deps.tmux.killSession(req.session);
    },
    async appendTokenLog(req: { file: string; records: TokenRecord[] }): Promise<number> {
      return appendTokenLog(req.file, req.records);
    },
    async appendEvents(req: { file: string; events: StewardEvent[] }): Promise<void> {
      await appendEventLog(req.file, req.events);
    },
    async writeReport(req: BuildReportRequest): Promise<string[]> {
      return writeBuildReport(req);
    },
    async appendRetro(req: RetroRequest): Promise<number> {
      return appendRetro(req);
    },
    async runRetroAnalysis(req: RetroScheduleInput & { now: number }): Promise<RetroRunResult> {
      return runRetroAnalysis(req);
    },
  });
}

export type StewardActivities = ReturnType<typeof createActivities>;
export type { ObserveRequest, LaunchRequest };
