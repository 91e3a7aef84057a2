import type { BuildState } from './state/build';
import type { PlannedAction } from './state/actions';
import type { AgentHookEvent } from './hook-event';
import type { EffectResult } from './state/effects';
import { Decision, DecisionFold } from './decision';
import { OperatorCommand, operatorCommandProblem, operatorDecision } from './operator';
import { OperatorReply, operatorReply } from './operator-reply';
import { applyHookEvent } from './supervision';

/** What the build's handlers queued since the last turn; the loop takes it all at once. */
export type InboxItem =
  | { type: 'stop'; reason: string }
  /** A push landed (from CI or a hook): it only wakes the loop, which then looks at the repo. */
  | { type: 'pushed'; sha?: string }
  | { type: 'hook'; event: AgentHookEvent }
  | { type: 'operator'; id: number; cmd: OperatorCommand };

/** An operator command applied this turn; its reply waits for its effects. */
export interface AppliedCommand {
  id: number;
  cmd: OperatorCommand;
  reply: string;
  actions: PlannedAction[];
}

export interface InboxDecision extends Decision<BuildState> {
  /** The reason of the stop asked for (the last one); null when none was. */
  stopReason: string | null;
  /** Commands refused when their turn came: the build changed since their validator passed them. */
  refused: [id: number, reply: OperatorReply][];
  applied: AppliedCommand[];
}

/**
 * Takes the inbox in arrival order: hooks fold into their agent's state, operator commands are
 * checked again (the build may have changed since their validator ran) and applied, a stop is
 * noted for the caller. `newId` names an agent an operator restarts (the workflow's uuid4).
 */
export function inboxDecision(
  state: BuildState,
  items: readonly InboxItem[],
  now: number,
  newId: () => string,
): InboxDecision {
  const fold = new DecisionFold();
  const refused: InboxDecision['refused'] = [];
  const applied: AppliedCommand[] = [];
  let stopReason: string | null = null;
  let next = state;
  for (const item of items) {
    if (item.type === 'stop') stopReason = item.reason;
    else if (item.type === 'hook') {
      const agent = next.agents[item.event.agent];
      if (!agent)
        fold.events.push({
          type: 'action_failed',
          agent: item.event.agent,
          message: `hook from unknown agent ${item.event.agent}`,
        });
      else
        next = {
          ...next,
          agents: {
            ...next.agents,
            [item.event.agent]: fold.take(applyHookEvent(agent, item.event, now, next.config.watchdog)),
          },
        };
    } else if (item.type === 'operator') {
      const problem = operatorCommandProblem(next, item.cmd);
      if (problem) {
        refused.push([item.id, { ok: false, text: problem, failureType: 'InvalidOperatorCommand' }]);
        continue;
      }
      const outcome = operatorDecision(next, item.cmd, now, newId());
      next = fold.take(outcome);
      applied.push({ id: item.id, cmd: item.cmd, reply: outcome.reply, actions: outcome.actions });
    }
  }
  return { ...fold.result(next), stopReason, refused, applied };
}

/**
 * The replies to the inbox's commands once the turn's effects are done, so each follows what
 * really happened; `results` is empty when the build stopped before performing any.
 */
export function commandReplies(
  inbox: InboxDecision,
  results: readonly EffectResult[],
): [id: number, reply: OperatorReply][] {
  return [
    ...inbox.refused,
    ...inbox.applied.map((c): [number, OperatorReply] => [c.id, operatorReply(c.cmd, c.reply, c.actions, results)]),
  ];
}
