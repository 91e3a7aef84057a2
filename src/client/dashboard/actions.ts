/**
 * The operator actions a page offers, each the very update the CLI sends (`steward pause`,
 * `resume`, `phase advance`, `nudge`, `restart`), with the same checks: the request body is read
 * here, the workflow's validator judges the rest and its reply (or refusal) goes back to the page.
 */
import { z } from 'zod';
import type { UpdateDefinition } from '@temporalio/common';
import { sessionSafeNameError } from '../../core/config/names';
import { advanceUpdate, nudgeUpdate, pauseUpdate, restartUpdate, resumeUpdate } from '../../workflows/definitions';

export const DASHBOARD_ACTIONS = ['pause', 'resume', 'advance', 'nudge', 'restart'] as const;
export type DashboardAction = (typeof DASHBOARD_ACTIONS)[number];

/** One update to send: its definition and arguments. */
export interface ActionCall {
  update: UpdateDefinition<string, unknown[]>;
  args: unknown[];
}

const agentName = z.string().check((ctx) => {
  const problem = sessionSafeNameError(ctx.value);
  if (problem) ctx.issues.push({ code: 'custom', message: `agent name: ${problem}`, input: ctx.value });
});
const text = z.string().max(4000);

const BODIES = {
  pause: z.strictObject({ reason: text.optional() }),
  resume: z.strictObject({}),
  advance: z.strictObject({}),
  nudge: z.strictObject({ agent: agentName, text: text.optional() }),
  restart: z.strictObject({ agent: agentName }),
};

const call = <Args extends unknown[]>(update: UpdateDefinition<string, Args>, args: Args): ActionCall => ({
  update: update as unknown as UpdateDefinition<string, unknown[]>,
  args,
});

export function isDashboardAction(name: string): name is DashboardAction {
  return (DASHBOARD_ACTIONS as readonly string[]).includes(name);
}

/** The update an action's request asks for, or a one-line reason it cannot be sent. */
export function actionCall(action: DashboardAction, body: unknown): ActionCall | { error: string } {
  const parsed = BODIES[action].safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: `${action}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}` };
  }
  const b = parsed.data as { reason?: string; agent?: string; text?: string };
  switch (action) {
    case 'pause':
      return call(pauseUpdate, [b.reason?.trim() || 'paused from the dashboard']);
    case 'resume':
      return call(resumeUpdate, []);
    case 'advance':
      return call(advanceUpdate, []);
    case 'nudge':
      return call(nudgeUpdate, [{ agent: b.agent!, ...(b.text?.trim() ? { message: b.text } : {}) }]);
    case 'restart':
      return call(restartUpdate, [{ agent: b.agent! }]);
  }
}
