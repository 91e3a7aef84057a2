/**
 * Workflow history ⇄ the proto-JSON files of test/histories (the format `temporal workflow show
 * --output json` and the Web UI's download produce, and `Worker.runReplayHistories` reads).
 *
 * Why not `historyToJSON` / `historyFromJSON` from @temporalio/common/lib/proto-utils: in this
 * install @temporalio/common and @temporalio/proto each carry their own copy of protobufjs 8
 * (the top-level protobufjs is 7, for @grpc/proto-loader), and protobufjs' protojson checks
 * `type instanceof Type` against its own copy, so both throw "type must be a Type". For the same
 * reason `Worker.runReplayHistories` cannot take the parsed JSON itself (it calls
 * `historyFromJSON`): this module hands it a decoded History instead. It uses the protojson of
 * the protobufjs copy that @temporalio/proto's types were built with, so the check holds.
 */
import { dirname } from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

export type History = proto.temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): History;
}

const protoDir = dirname(require.resolve('@temporalio/proto/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved from @temporalio/proto's own protobufjs on purpose
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as ProtoJson;
const historyType = (
  patchProtobufRoot(proto as unknown as Record<string, unknown>) as unknown as { lookupType(name: string): unknown }
).lookupType('temporal.api.history.v1.History');

/** A fetched history as pretty-printed proto JSON (what `historyToJSON` would give). */
export function historyToJSON(history: History): string {
  return JSON.stringify(
    protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)),
    null,
    2,
  );
}

/**
 * A history file's parsed JSON as a History. Also takes the older CLI spelling of enums
 * (`"eventType": "WorkflowExecutionStarted"`), as `historyFromJSON` does.
 */
export function historyFromJSON(json: unknown): History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events)) {
    throw new TypeError('not a history: expected an object with an array of events');
  }
  const events = (json as { events: Record<string, unknown>[] }).events.map(fixEvent);
  return protojson.fromJson(historyType, { events }, { ignoreUnknownFields: true });
}

function constantCase(prefix: string, value: unknown): unknown {
  if (typeof value !== 'string' || value.startsWith(prefix)) return value;
  return `${prefix}_${value.replace(/[^\b][A-Z]/g, (m) => `${m[0]}_${m[1]}`).toUpperCase()}`;
}

function fixEvent(event: Record<string, unknown>): Record<string, unknown> {
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes'));
  if (!key) throw new TypeError(`history event ${String(event.eventId)} has no attributes`);
  const attributes = { ...(event[key] as Record<string, unknown>) };
  const fix = (field: string, prefix: string) => {
    if (field in attributes) attributes[field] = constantCase(prefix, attributes[field]);
  };
  fix('parentClosePolicy', 'PARENT_CLOSE_POLICY');
  fix('workflowIdReusePolicy', 'WORKFLOW_ID_REUSE_POLICY');
  fix('initiator', 'CONTINUE_AS_NEW_INITIATOR');
  fix('retryState', 'RETRY_STATE');
  const queue = attributes.taskQueue as Record<string, unknown> | undefined;
  if (queue && 'kind' in queue) attributes.taskQueue = { ...queue, kind: constantCase('TASK_QUEUE_KIND', queue.kind) };
  return { ...event, eventType: constantCase('EVENT_TYPE', event.eventType), [key]: attributes };
}
