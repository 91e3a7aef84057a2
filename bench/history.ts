/** What a build's workflow history holds: what the benches count per idle hour and per build-hour. */
import * as proto from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';

export interface HistoryCount {
  events: number;
  /** `observe` activities scheduled. */
  observes: number;
  /** What the server stores: the history as its protobuf encoding. */
  bytes: number;
}

export async function historyCount(handle: WorkflowHandle): Promise<HistoryCount> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const observes = events.filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'observe',
  ).length;
  const bytes = proto.temporal.api.history.v1.History.encode(history).finish().byteLength;
  return { events: events.length, observes, bytes };
}
