import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { BuildState } from '../core/state/build';
import type { InboxItem } from '../core/inbox';
import { OperatorCommand, operatorCommandProblem } from '../core/operator';
import type { OperatorReply } from '../core/operator-reply';
import {
  advanceUpdate,
  appendPhasesUpdate,
  nudgeUpdate,
  pauseUpdate,
  restartUpdate,
  resumeUpdate,
  setBudgetUpdate,
} from './definitions';

/**
 * The operator's updates. Each is validated before it enters history, queued for the loop, which
 * applies it in its turn, and answered once the loop has performed its effects (`answer`).
 */
export class OperatorUpdates {
  private readonly replies = new Map<number, OperatorReply>();
  private nextId = 0;

  constructor(
    private readonly inbox: InboxItem[],
    private readonly state: () => BuildState,
  ) {
    this.register(
      pauseUpdate,
      (reason) => ({ type: 'pause', reason: reason || 'paused by operator' }),
      'Pause supervision: no pings, nudges, reboots or phase advance until resumed.',
    );
    this.register(resumeUpdate, () => ({ type: 'resume' }), 'Resume a paused build.');
    this.register(
      advanceUpdate,
      () => ({ type: 'advance' }),
      'Advance to the next phase now, without the done marker.',
    );
    this.register(
      appendPhasesUpdate,
      (added) => ({ type: 'appendPhases', phases: added }),
      'Append phases; a completed sequence resumes with the first.',
    );
    this.register(
      nudgeUpdate,
      (req) => ({ type: 'nudge', agent: req.agent, message: req.message }),
      "Type a message into an agent's pane.",
    );
    this.register(
      restartUpdate,
      (req) => ({ type: 'restart', agent: req.agent }),
      'Kill and restart an agent with its kickoff (a fresh session).',
    );
    this.register(
      setBudgetUpdate,
      (budget) => ({ type: 'setBudget', budget }),
      'Replace the token/USD budget; a build paused by its budget resumes when under it.',
    );
  }

  /** Releases the replies of the commands the loop took. */
  answer(answers: [id: number, reply: OperatorReply][]): void {
    for (const [id, reply] of answers) this.replies.set(id, reply);
  }

  private register<A extends unknown[]>(
    update: UpdateDefinition<string, A>,
    toCommand: (...args: A) => OperatorCommand,
    description: string,
  ): void {
    const validator = (...args: A) => {
      const problem = operatorCommandProblem(this.state(), toCommand(...args));
      if (problem) throw new Error(problem);
    };
    const handler = async (...args: A): Promise<string> => {
      const id = ++this.nextId;
      this.inbox.push({ type: 'operator', id, cmd: toCommand(...args) });
      await condition(() => this.replies.has(id));
      const reply = this.replies.get(id)!;
      this.replies.delete(id);
      if (!reply.ok) throw ApplicationFailure.nonRetryable(reply.text, reply.failureType);
      return reply.text;
    };
    setHandler(update, handler, { validator, description });
  }
}
