import { ApplicationFailure } from '@temporalio/common';

/**
 * A failure no retry can fix: a config error (an agent's command is not installed), invalid input
 * (an unsafe session name), or an agent session that is gone (healing relaunches it on a later
 * tick; retrying here would only hold the tick up for the whole backoff), an agent that shows a
 * dialog nothing may be typed into (`AgentBlocked`, `StartupDialog`), or one whose program ended
 * right after its start (`AgentExited`: healing and the crash-loop rule deal with it, not retries).
 * The workflow hears of it after one attempt.
 */
export type PermanentFailureType = 'ConfigError' | 'InvalidInput' | 'AgentGone' | 'AgentBlocked' | 'AgentBlockedTyped' | 'StartupDialog' | 'AgentExited';

export function permanentFailure(type: PermanentFailureType, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}
