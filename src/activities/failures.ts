import { ApplicationFailure } from '@temporalio/common';
import { HostError, type HostErrorCode } from '../host/errors';

/**
 * A failure no retry can fix: a config error (an agent's command is not installed), invalid input
 * (an unsafe session name), or an agent session that is gone (healing relaunches it on a later
 * tick; retrying here would only hold the tick up for the whole backoff), an agent that shows a
 * dialog nothing may be typed into (`AgentBlocked`, `StartupDialog`), or one whose program ended
 * right after its start (`AgentExited`: healing and the crash-loop rule deal with it, not retries).
 * The workflow hears of it after one attempt.
 */
export type PermanentFailureType =
  'ConfigError' | 'InvalidInput' | 'AgentGone' | 'AgentBlocked' | 'AgentBlockedTyped' | 'StartupDialog' | 'AgentExited';

export function permanentFailure(type: PermanentFailureType, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}

/** Errno codes of a file or directory that is not there or not writable: it stays so, no retry helps. */
const PERMANENT_FILE_CODES: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS']);

/**
 * A file-system error no retry can fix becomes a permanent `ConfigError` (`<what>: <message>`),
 * said once, without retries; anything else passes unchanged.
 */
export function fileFailure(err: unknown, what: string): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code && PERMANENT_FILE_CODES.has(code))
    return permanentFailure('ConfigError', `${what}: ${(err as Error).message}`);
  return err;
}

/** The failure type each host error code becomes: all of them permanent. */
const HOST_FAILURE_TYPES: Record<HostErrorCode, PermanentFailureType> = {
  InvalidInput: 'InvalidInput',
};

/**
 * The Temporal failure a host error becomes at the activity boundary: a HostError is a
 * non-retryable `ApplicationFailure` of its code's type (its stack kept); anything else (an
 * ApplicationFailure already, a plain Error Temporal retries) passes unchanged.
 */
export function activityFailure(err: unknown): unknown {
  if (!(err instanceof HostError)) return err;
  const failure = permanentFailure(HOST_FAILURE_TYPES[err.code], err.message);
  if (err.stack) failure.stack = err.stack;
  return failure;
}

/** Any async function: the wrapper passes its arguments through untouched. */
type AsyncFunction = (...args: never[]) => Promise<unknown>;

/** The same activities, each throwing {@link activityFailure} of what it threw. */
export function mapHostErrors<T extends Record<string, AsyncFunction>>(activities: T): T {
  const mapped: Record<string, AsyncFunction> = {};
  for (const [name, fn] of Object.entries(activities)) {
    mapped[name] = async (...args) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw activityFailure(err);
      }
    };
  }
  return mapped as T;
}
