import type { PlannedAction } from './state/actions';
import type { EffectFailure, EffectResult } from './state/effects';
import type { OperatorCommand } from './state/operator-command';

/** The update's failure type when the command was accepted but its effect failed (CLI exit 1). */
export const OPERATOR_ACTION_FAILED = 'OperatorActionFailed';

export type OperatorReply = { ok: true; text: string } | { ok: false; text: string; failureType: string };

/** Why an effect of the command has no result: the tick that took it stopped the build. */
export const STOPPED_BEFORE_DONE: EffectFailure = { message: 'not done: the build was stopped in the same tick' };

/**
 * The reply to an operator's command once the tick's effects are done, so it follows what really
 * happened. `nudge` and `restart` exist for their effect: if typing the message or launching the
 * agent failed, the update fails with the cause (`OPERATOR_ACTION_FAILED`). For the other commands
 * the change itself is made (a phase advanced, phases appended, the build resumed) and stays made;
 * a notice that could not be typed is named in the reply. `actions` are the command's planned
 * effects; one without a result in `results` was never performed.
 */
export function operatorReply(
  cmd: OperatorCommand,
  reply: string,
  actions: readonly PlannedAction[],
  results: readonly EffectResult[],
): OperatorReply {
  const failures = actions.flatMap((p) => {
    const result = results.find((r) => r.planned === p);
    if (!result) return [{ p, failure: STOPPED_BEFORE_DONE }];
    return result.ok ? [] : [{ p, failure: result.failure }];
  });
  if (!failures.length) return { ok: true, text: reply };
  const causes = failures.map(({ p, failure }) => `${p.action.type} ${p.action.agent}: ${failure.message}`).join('; ');
  if (cmd.type === 'nudge' || cmd.type === 'restart') {
    return { ok: false, text: `${cmd.type} ${cmd.agent} failed: ${causes}`, failureType: OPERATOR_ACTION_FAILED };
  }
  return { ok: true, text: `${reply} (not delivered: ${causes})` };
}
