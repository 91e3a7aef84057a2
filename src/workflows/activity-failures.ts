import { ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { HOST_UNREACHABLE, type EffectFailure } from '../core/state/effects';

/** What the workflow knows of an activity's failure: its innermost cause's type and message. */
export function effectFailure(err: unknown): EffectFailure {
  let type: string | undefined;
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof ApplicationFailure && e.type) type = e.type;
    // No worker took it: it never ran on the host, so nothing of it happened there.
    if (e instanceof TimeoutFailure && e.timeoutType === 'SCHEDULE_TO_START') type = HOST_UNREACHABLE;
  }
  return { type, message: rootMessage(err) };
}

/** An activity's failure says "Activity task failed"; what went wrong is in its innermost cause. */
export function rootMessage(err: unknown): string {
  let e = err as Error;
  while (e.cause instanceof Error) e = e.cause;
  return e.message;
}
