import { Context } from '@temporalio/activity';
import type { StewardEvent } from '../core/events';
import type { Observation } from '../core/state/snapshot';
import { Tmux } from '../host/tmux';
import { observe } from './observe';
import type { ObserveRequest } from '../core/observe-request';
import { launchAgent, LaunchRequest } from './agent-session';
import { deliverOnce, Delivery } from './pane-delivery';
import { appendEventLog } from './event-log';
import { appendTokenLog } from './agent-tokens';
import type { TokenRecord } from '../core/state/tokens';
import { mapHostErrors } from './failures';
import { BuildReportRequest, writeBuildReport } from './build-report';

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
    async observe(req: ObserveRequest): Promise<Observation> {
      const ctx = Context.current();
      return observe(deps.tmux, req, () => ctx.heartbeat(), ctx.cancelled);
    },
    async launchAgent(req: LaunchRequest): Promise<void> {
      await launchAgent(deps.tmux, deps.binDir, req, () => Context.current().heartbeat());
    },
    async sendToAgent(req: Delivery): Promise<void> {
      const { workflowExecution, activityId, attempt } = Context.current().info;
      const run = workflowExecution ? `${workflowExecution.workflowId}/${workflowExecution.runId}` : 'standalone';
      const step = await deliverOnce(deps.tmux, req, `${run}/${activityId}`);
      if (attempt > 1) Context.current().log.info('retried delivery', { session: req.session, step });
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
  });
}

export type StewardActivities = ReturnType<typeof createActivities>;
export type { ObserveRequest, LaunchRequest };
