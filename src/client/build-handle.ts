/**
 * The operator CLI's Temporal calls, kept small: connect from the environment, resolve a build
 * name to its workflow, and run queries, signals and updates with a deadline — so an unreachable
 * server or a build without a worker becomes a one-line error, never a hang.
 *
 * Errors thrown here are one line. A UsageError (exit 2) means the input was wrong: an unknown
 * build, a build that has ended, a command the workflow's validator rejected. Anything else
 * (exit 1) is a runtime failure: no server, no answer in time.
 */
import { randomUUID } from 'node:crypto';
import {
  Client,
  Connection,
  isGrpcDeadlineError,
  isGrpcServiceError,
  WorkflowHandle,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, type Payload } from '@temporalio/common';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { idError } from '../core/config/names';
import { OPERATOR_ACTION_FAILED } from '../core/operator-reply';
import type { buildWorkflow } from '../workflows/build';
import { BuildInput, BuildStatusView, buildWorkflowId, configQuery, statusQuery } from '../workflows/definitions';
import { statusAsOf } from '../core/status-view';
import type { StewardConfig } from '../core/config/types';
import { connect } from './connection';
import { ConnectionSettings, settingsFromEnv, unreachableError } from '../host/temporal-connection';
import { UsageError } from './load-or-exit';
import { firstLine } from './render/format';
import { buildNameOfWorkflowId, type ExecutionInfo } from './render/status';

/** Deadline of one read or signal RPC (describe, query, list, signal). Connecting has its own 5 s. */
export const RPC_DEADLINE_MS = 4_000;
/** Default bound on waiting for an update's effect or for a stopped build to close. */
export const DEFAULT_WAIT_SECONDS = 60;

export interface Temporal {
  client: Client;
  connection: Connection;
  settings: ConnectionSettings;
}

/** Connects with `settings` (through `connectWith`, default the SDK client); a failure is one line naming the address. */
export async function openTemporal(
  settings: ConnectionSettings,
  connectWith: (settings: ConnectionSettings) => Promise<{ client: Client; connection: Connection }> = connect,
): Promise<Temporal> {
  try {
    return { ...(await connectWith(settings)), settings };
  } catch (err) {
    throw unreachableError(settings.address, err);
  }
}

/** Closes the connection, never throwing: the command's own outcome is what counts. */
export async function closeTemporal(t: Temporal): Promise<void> {
  await t.connection.close().catch(() => undefined);
}

/** Connects from the environment, runs `fn`, closes the connection. */
export async function withTemporal<T>(fn: (t: Temporal) => Promise<T>): Promise<T> {
  let settings: ConnectionSettings;
  try {
    settings = settingsFromEnv();
  } catch (err) {
    throw new UsageError(`connection settings (TEMPORAL_TLS_CERT/KEY): ${firstLine((err as Error).message)}`);
  }
  const t = await openTemporal(settings);
  try {
    return await fn(t);
  } finally {
    await closeTemporal(t);
  }
}

/** A build named on the command line: `demo` or `build/demo`. */
export interface BuildRef {
  name: string;
  workflowId: string;
}

export function parseBuildRef(ref: string): BuildRef {
  const name = buildNameOfWorkflowId(ref.trim());
  const problem = idError(name);
  if (problem) throw new UsageError(`build name: ${problem}`);
  return { name, workflowId: buildWorkflowId(name) };
}

/**
 * Runs one or more RPCs under a deadline and turns failures into one-line errors. `what` names
 * the call for the message; `hint` is added when nothing answered in time.
 */
export async function rpc<T>(
  t: Temporal,
  what: string,
  fn: () => Promise<T>,
  ms = RPC_DEADLINE_MS,
  hint = '',
): Promise<T> {
  try {
    return await t.connection.withDeadline(Date.now() + ms, fn);
  } catch (err) {
    throw cliError(t, err, what, ms, hint);
  }
}

/** The gRPC error in an error's cause chain: the transport's own account of what went wrong. */
function grpcError(err: unknown): (Error & { code: number }) | undefined {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (isGrpcServiceError(e)) return e;
  }
  return undefined;
}

/** Any failure of a Temporal call as a one-line error; UsageError when the input was at fault. */
export function cliError(t: Temporal, err: unknown, what: string, ms: number, hint = ''): Error {
  if (err instanceof UsageError) return err;
  // An accepted command whose effect failed (the nudge could not be typed) is a runtime failure.
  if (
    err instanceof WorkflowUpdateFailedError &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === OPERATOR_ACTION_FAILED
  ) {
    return new Error(firstLine(err.cause.message));
  }
  if (err instanceof WorkflowUpdateFailedError) return new UsageError(firstLine(err.cause?.message ?? err.message));
  if (isGrpcDeadlineError(err) || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new Error(`${what}: no answer within ${ms / 1000} s${hint ? ` (${hint})` : ''}`);
  }
  const grpc = grpcError(err);
  const message = firstLine(err instanceof Error ? err.message : String(err));
  if (!grpc) return new Error(`${what}: ${message}`);
  // The SDK's own message ("Failed to start Workflow") says nothing of why, or of which server: add both.
  const cause = grpc === err ? '' : `: ${firstLine(grpc.message)}`;
  if (grpc.code === 14) return new Error(`cannot reach Temporal at ${t.settings.address}: ${message}${cause}`);
  return new Error(`${what}: ${message}${cause} (Temporal at ${t.settings.address})`);
}

export type BuildHandle = WorkflowHandle<typeof buildWorkflow>;

export interface OpenBuild extends BuildRef {
  t: Temporal;
  /** The latest run, by workflow id (not pinned to a run: follows continue-as-new). */
  handle: BuildHandle;
  info: ExecutionInfo;
}

export const NO_WORKER_HINT = "is a worker running for the build's host? `steward worker`";

/**
 * Resolves a build name to its latest run. An unknown build is a UsageError; with `running`, so
 * is a build that has ended.
 */
export async function openBuild(t: Temporal, ref: string, options: { running?: boolean } = {}): Promise<OpenBuild> {
  const { name, workflowId } = parseBuildRef(ref);
  const handle = t.client.workflow.getHandle<typeof buildWorkflow>(workflowId);
  let description;
  try {
    description = await t.connection.withDeadline(Date.now() + RPC_DEADLINE_MS, () => handle.describe());
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || (err as Error).name === 'WorkflowNotFoundError') {
      throw new UsageError(`no build named ${name} (no workflow ${workflowId} in namespace ${t.settings.namespace})`);
    }
    throw cliError(t, err, `describe ${workflowId}`, RPC_DEADLINE_MS);
  }
  const info: ExecutionInfo = {
    workflowId,
    runId: description.runId,
    workflowStatus: description.status.name,
    startTime: description.startTime?.getTime() ?? null,
    closeTime: description.closeTime?.getTime() ?? null,
  };
  if (options.running && info.workflowStatus !== 'RUNNING') {
    throw new UsageError(`build ${name} has ended (${info.workflowStatus.toLowerCase()}); it takes no more commands`);
  }
  return { t, name, workflowId, handle, info };
}

/** The `status` query (needs a worker: a closed build is replayed to answer it). */
export async function queryStatus(b: OpenBuild): Promise<BuildStatusView> {
  const view = await rpc(
    b.t,
    `status query to ${b.workflowId}`,
    () => b.handle.query(statusQuery),
    RPC_DEADLINE_MS,
    NO_WORKER_HINT,
  );
  return statusAsOf(view, Date.now());
}

/** A fresh update id: `steward-<update>-<uuid>`, so the Web UI tells the CLI's updates apart. */
export function newUpdateId(update: string): string {
  return `steward-${update}-${randomUUID()}`;
}

/** Why an update id is unusable (Temporal takes any string; this keeps ids one short line), or null. */
export function updateIdError(id: string): string | null {
  return /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$/.test(id)
    ? null
    : `\`${id}\` is not a usable update id (letters, digits and . _ : / @ -, at most 200)`;
}

/**
 * Runs an operator update and returns the workflow's one-line reply; a rejection is a UsageError.
 * Every update carries an id (`updateId`, else a fresh one): Temporal applies an update once per
 * id within a run, so the SDK's own resends, and a command sent again with the same id (say after
 * no answer came in time), apply it once and return the first outcome. A timeout names the id.
 */
export function runUpdate<Args extends unknown[]>(
  b: OpenBuild,
  update: UpdateDefinition<string, Args>,
  args: Args,
  waitSeconds = DEFAULT_WAIT_SECONDS,
  updateId = newUpdateId(update.name),
): Promise<string> {
  return rpc(
    b.t,
    `${update.name} on ${b.workflowId}`,
    () => b.handle.executeUpdate(update.name, { args: args as unknown as [unknown], updateId }) as Promise<string>,
    waitSeconds * 1000,
    `${NO_WORKER_HINT}; update id ${updateId}`,
  );
}

export function sendSignal<Args extends unknown[]>(
  b: OpenBuild,
  signal: SignalDefinition<Args>,
  args: Args,
): Promise<void> {
  return rpc(b.t, `signal ${signal.name} to ${b.workflowId}`, () => b.handle.signal(signal, ...args));
}

/**
 * The config the build runs now, from the `config` query (a closed build is replayed to answer
 * it). Only when no worker answers is it the config its current run started with, from the run's
 * first history event, which misses later reloads and appended phases. Null when neither can be read.
 */
export async function buildConfig(b: OpenBuild): Promise<StewardConfig | null> {
  try {
    return await rpc(
      b.t,
      `config query to ${b.workflowId}`,
      () => b.handle.query(configQuery),
      RPC_DEADLINE_MS,
      NO_WORKER_HINT,
    );
  } catch {
    // no worker to answer, or one that predates the query: the start input is all there is
  }
  return startConfig(await startInput(b).catch(() => null));
}

/** The config a run's start input carries (a continued run's is in its state). */
export function startConfig(input: BuildInput | null): StewardConfig | null {
  return input?.state?.config ?? input?.config ?? null;
}

/**
 * The input the current run started with (its first history event): the whole config, which the
 * status view leaves out. Null when it cannot be read or decoded.
 */
export async function startInput(b: OpenBuild): Promise<BuildInput | null> {
  const response = await rpc(b.t, `history of ${b.workflowId}`, () =>
    b.t.client.workflowService.getWorkflowExecutionHistory({
      namespace: b.t.settings.namespace,
      execution: { workflowId: b.workflowId, runId: b.info.runId },
      maximumPageSize: 1,
    }),
  );
  const payload = response.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) return null;
  const converter = b.t.client.workflow.options.loadedDataConverter;
  try {
    let decoded: Payload[] = [payload as Payload];
    for (const codec of [...converter.payloadCodecs].reverse()) decoded = await codec.decode(decoded);
    return converter.payloadConverter.fromPayload<BuildInput>(decoded[0]!);
  } catch {
    return null;
  }
}
