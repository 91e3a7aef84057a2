/**
 * The Temporal half of `steward doctor`: the server answers for the namespace, Steward's search
 * attributes are registered, and a worker polls the shared workflow queue and each host's
 * activity queue (`describeTaskQueue`: who polled, and when).
 */
import type { Connection } from '@temporalio/client';
import type { PollerFacts, QueueFacts, TemporalFacts, TemporalReached } from '../../core/doctor';
import { activityQueueFor, SEARCH_ATTRIBUTES, WORKFLOW_TASK_QUEUE } from '../../workflows/definitions';
import { connect } from '../connection';
import { settingsFromEnv } from '../../host/temporal-connection';

const DEADLINE_MS = 4_000;

/** temporal.api.enums.v1: TaskQueueKind NORMAL, TaskQueueType WORKFLOW / ACTIVITY. */
const KIND_NORMAL = 1;
const TYPE = { workflow: 1, activity: 2 } as const;

const firstLine = (err: unknown) =>
  ((err instanceof Error ? err.message : String(err)).split('\n').find((l) => l.trim() !== '') ?? '').trim();

interface Timestamp {
  seconds?: { toString(): string } | number | null;
  nanos?: number | null;
}

function epochMs(ts: Timestamp | null | undefined): number | null {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return null;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds.toString());
  return Number.isFinite(seconds) ? seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6) : null;
}

/** The workers that polled `queue` lately, and how long ago each did. */
export async function queuePollers(
  connection: Connection,
  namespace: string,
  queue: string,
  kind: 'workflow' | 'activity',
  now: () => number,
): Promise<PollerFacts[]> {
  const response = await connection.withDeadline(Date.now() + DEADLINE_MS, () =>
    connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: queue, kind: KIND_NORMAL },
      taskQueueType: TYPE[kind],
    }),
  );
  return (response.pollers ?? []).map((p) => {
    const at = epochMs(p.lastAccessTime as Timestamp | null | undefined);
    return {
      identity: p.identity || '(no identity)',
      ageSeconds: at === null ? Number.POSITIVE_INFINITY : Math.max(0, (now() - at) / 1000),
    };
  });
}

export interface TemporalProbeOptions {
  /** Hosts whose activity queues need a worker: this host first, then those named by agents and services. */
  hosts: string[];
  /** This host: with `forUp`, `steward up` serves its queue and the workflow queue itself. */
  thisHost: string;
  /** Checking for `steward up`: it runs its own worker, and its own dev server when TEMPORAL_ADDRESS is unset. */
  forUp: boolean;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

export async function probeTemporal(opts: TemporalProbeOptions): Promise<TemporalFacts> {
  const env = opts.env ?? process.env;
  const now = opts.now ?? Date.now;
  if (opts.forUp && !env.TEMPORAL_ADDRESS) {
    return { skipped: '`steward up` starts its own dev server (TEMPORAL_ADDRESS is unset)', address: '127.0.0.1:7233' };
  }
  let settings;
  try {
    settings = settingsFromEnv(env);
  } catch (err) {
    return {
      address: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
      namespace: env.TEMPORAL_NAMESPACE || 'default',
      error: `TEMPORAL_TLS_CERT/KEY: ${firstLine(err)}`,
      queues: [],
    };
  }
  const { address, namespace } = settings;
  let connection: Connection;
  try {
    ({ connection } = await connect(settings));
  } catch (err) {
    return { address, namespace, error: firstLine(err), queues: [] };
  }
  try {
    try {
      await connection.withDeadline(Date.now() + DEADLINE_MS, () =>
        connection.workflowService.describeNamespace({ namespace }),
      );
    } catch (err) {
      return { address, namespace, error: firstLine(err), queues: [] };
    }
    let searchAttributes: TemporalReached['searchAttributes'];
    try {
      const listed = await connection.withDeadline(Date.now() + DEADLINE_MS, () =>
        connection.operatorService.listSearchAttributes({ namespace }),
      );
      const have = new Set(Object.keys(listed.customAttributes ?? {}));
      searchAttributes = { missing: SEARCH_ATTRIBUTES.map((k) => k.name).filter((n) => !have.has(n)) };
    } catch (err) {
      searchAttributes = { error: firstLine(err) };
    }
    const asked: { queue: string; kind: 'workflow' | 'activity'; host?: string }[] = [
      { queue: WORKFLOW_TASK_QUEUE, kind: 'workflow' },
      ...[...new Set(opts.hosts)].map((host) => ({ queue: activityQueueFor(host), kind: 'activity' as const, host })),
    ];
    const queues: QueueFacts[] = await Promise.all(
      asked.map(async (q): Promise<QueueFacts> => {
        if (opts.forUp && (q.kind === 'workflow' || q.host === opts.thisHost)) {
          return { ...q, skipped: '`steward up` runs its own worker for it', pollers: [] };
        }
        try {
          return { ...q, pollers: await queuePollers(connection, namespace, q.queue, q.kind, now) };
        } catch (err) {
          return { ...q, error: firstLine(err), pollers: [] };
        }
      }),
    );
    return { address, namespace, searchAttributes, queues };
  } finally {
    await connection.close().catch(() => undefined);
  }
}
