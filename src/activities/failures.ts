import { ApplicationFailure } from '@temporalio/common';

/**
 * A failure no retry can fix: a config error (an agent's command is not installed), invalid input
 * (an unsafe session name), or an agent session that is gone (healing relaunches it on a later
 * tick; retrying here would only hold the tick up for the whole backoff). The workflow hears of it
 * after one attempt and records it as `action_failed`.
 */
export type PermanentFailureType = 'ConfigError' | 'InvalidInput' | 'AgentGone';

export function permanentFailure(type: PermanentFailureType, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}
