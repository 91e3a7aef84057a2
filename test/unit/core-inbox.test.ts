import type { AgentHookEvent } from '../../src/core/hook-event';
import type { BuildState } from '../../src/core/state/build';
import type { PlannedAction } from '../../src/core/state/actions';
import type { EffectResult } from '../../src/core/state/effects';
import type { OperatorCommand } from '../../src/core/operator';
import type { OperatorReply } from '../../src/core/operator-reply';
import { commandReplies, inboxDecision, InboxItem } from '../../src/core/inbox';
import { MINUTE, SECOND, sessionIdSource, stateFor, T0, TEAM_TOML } from './support/build-state';

const NOW = T0 + 10 * SECOND;
const HOOK_AT = T0 + 5 * SECOND;
const running = (overrides: Partial<BuildState> = {}) => stateFor(TEAM_TOML, { launched: true, ...overrides });
const hook = (agent: string, kind: AgentHookEvent['kind'], extra: Partial<AgentHookEvent> = {}): InboxItem => ({
  type: 'hook',
  event: { agent, kind, at: HOOK_AT, ...extra },
});
const op = (id: number, cmd: OperatorCommand): InboxItem => ({ type: 'operator', id, cmd });
const pause = (id: number, reason = 'lunch') => op(id, { type: 'pause', reason });
const resume = (id: number) => op(id, { type: 'resume' });
const stop = (reason: string): InboxItem => ({ type: 'stop', reason });
const blocked = (agent: string) => hook(agent, 'permission_prompt');

/** Takes `items` into `state` at NOW, with counted fresh ids. */
function take(items: InboxItem[], state = running()) {
  const ids = sessionIdSource();
  return { ids, out: inboxDecision(state, items, NOW, ids) };
}

const refused = (text: string): OperatorReply => ({ ok: false, text, failureType: 'InvalidOperatorCommand' });
const notDone = (text: string): OperatorReply => ({ ok: false, text, failureType: 'OperatorActionFailed' });
const NUDGE_BUILDER: PlannedAction = {
  action: { type: 'send', agent: 'builder', text: 'hi' },
  event: { type: 'agent_nudged', agent: 'builder', message: 'operator nudge: hi' },
};

describe('inboxDecision: hooks', () => {
  test("a hook folds into its agent's state; the other agents are left as they were", () => {
    const state = running();
    const { ids, out } = take([blocked('builder')], state);
    expect(out.state.agents.builder?.blockedSince).toBe(HOOK_AT);
    expect(out.state.agents.adversary).toBe(state.agents.adversary);
    expect(out.events).toEqual([
      { type: 'agent_blocked', agent: 'builder', message: 'waiting at a permission prompt' },
    ]);
    expect([out.actions, out.applied, out.refused, out.stopReason, ids.count()]).toEqual([[], [], [], null, 0]);
  });

  test("a rate-limit hook is read with the build's watchdog timing", () => {
    const state = stateFor(
      TEAM_TOML.replace('signal_interval = "10s"', 'signal_interval = "10s"\nlimit_reset_slack = "5m"'),
      { launched: true },
    );
    const { out } = take([hook('adversary', 'rate_limit', { resetAt: T0 + 60 * MINUTE })], state);
    expect(out.state.agents.adversary?.rateLimitedUntil).toBe(T0 + 65 * MINUTE);
  });

  test('a hook from an unknown agent is an action_failed event; the state is left alone', () => {
    const state = running();
    const { out } = take([blocked('ghost')], state);
    expect(out.state).toBe(state);
    expect(out.events).toEqual([{ type: 'action_failed', agent: 'ghost', message: 'hook from unknown agent ghost' }]);
  });

  test('a push only wakes the loop: nothing is decided', () => {
    const state = running();
    expect(take([{ type: 'pushed', sha: 'c1c1c1c1' }, { type: 'pushed' }], state).out).toEqual({
      state,
      actions: [],
      events: [],
      stopReason: null,
      refused: [],
      applied: [],
    });
  });
});

describe('inboxDecision: operator commands are checked again, in arrival order, against the state as it changes', () => {
  test.each<[string, InboxItem[], Partial<BuildState>, [number, OperatorReply][], number[], BuildState['status']]>([
    ['pause, pause', [pause(1), pause(2)], {}, [[2, refused('already paused')]], [1], 'paused'],
    [
      'resume, pause, resume',
      [resume(1), pause(2), resume(3)],
      {},
      [[1, refused('build is running, not paused')]],
      [2, 3],
      'running',
    ],
    [
      'advance twice from the last phase',
      [op(1, { type: 'advance' }), op(2, { type: 'advance' })],
      { phaseIndex: 2 },
      [[2, refused('cannot advance past the last phase: the sequence is complete')]],
      [1],
      'running',
    ],
  ])('%s', (_case, items, overrides, refusals, appliedIds, status) => {
    const { out } = take(items, running(overrides));
    expect(out.refused).toEqual(refusals);
    expect(out.applied.map((c) => c.id)).toEqual(appliedIds);
    expect(out.state.status).toBe(status);
  });

  test('an applied command carries its reply and its actions; the inbox plans them in order', () => {
    const { out } = take([
      op(1, { type: 'nudge', agent: 'builder', message: 'hi' }),
      op(2, { type: 'restart', agent: 'adversary' }),
    ]);
    expect(out.applied[0]).toEqual({
      id: 1,
      cmd: { type: 'nudge', agent: 'builder', message: 'hi' },
      reply: 'nudged builder',
      actions: [NUDGE_BUILDER],
    });
    expect(out.applied[1]).toMatchObject({ id: 2, reply: 'restarted adversary' });
    expect(out.applied[1]?.actions.map((p) => [p.action.type, p.action.agent, p.event.type])).toEqual([
      ['launch', 'adversary', 'agent_restarted'],
    ]);
    expect(out.actions).toEqual([...out.applied[0]!.actions, ...out.applied[1]!.actions]);
  });

  test('newId is called once per applied command, in order, and never for refused commands or hooks', () => {
    const { ids, out } = take([
      pause(1),
      blocked('migrator'),
      pause(2),
      op(3, { type: 'restart', agent: 'builder' }),
      op(4, { type: 'nudge', agent: 'adversary' }),
      { type: 'pushed' },
    ]);
    expect(ids.count()).toBe(3);
    expect(out.state.agents.builder?.sessionId).toBe('new-2');
    expect(out.refused.map(([id]) => id)).toEqual([2]);
  });

  test('a command is applied to the state earlier items left: a nudge to an agent a hook just blocked is held', () => {
    const { out } = take([blocked('builder'), op(1, { type: 'nudge', agent: 'builder', message: 'hi' })]);
    expect(out.applied).toEqual([
      {
        id: 1,
        cmd: { type: 'nudge', agent: 'builder', message: 'hi' },
        reply: 'held for builder: it waits at a permission prompt; the message is typed once that is answered',
        actions: [],
      },
    ]);
    expect(out.actions).toEqual([]);
    expect(out.state.agents.builder?.held).toEqual([NUDGE_BUILDER]);
    expect(out.events).toEqual([
      { type: 'agent_blocked', agent: 'builder', message: 'waiting at a permission prompt' },
      {
        type: 'message_held',
        agent: 'builder',
        message: 'held until its permission prompt is answered: operator nudge: hi',
      },
    ]);
  });
});

describe('inboxDecision: stops', () => {
  test('the last stop’s reason wins; items after a stop are still folded, in order; the inbox does not stop the build itself', () => {
    const { out } = take([stop('first'), pause(1, 'tea'), blocked('adversary'), stop('second')]);
    expect(out.stopReason).toBe('second');
    expect(out.applied.map((c) => c.id)).toEqual([1]);
    expect(out.state.status).toBe('paused');
    expect(out.state.agents.adversary?.blockedSince).toBe(HOOK_AT);
    expect(out.events).toEqual([
      { type: 'paused', message: 'tea' },
      { type: 'agent_blocked', agent: 'adversary', message: 'waiting at a permission prompt' },
    ]);
  });
});

describe('commandReplies', () => {
  const inbox = () =>
    take([
      pause(1),
      pause(2),
      op(3, { type: 'nudge', agent: 'builder', message: 'hi' }),
      op(4, { type: 'restart', agent: 'adversary' }),
    ]).out;
  const ok = (planned: PlannedAction): EffectResult => ({ planned, ok: true, at: NOW });
  const gone = (planned: PlannedAction): EffectResult => ({
    planned,
    ok: false,
    failure: { type: 'AgentGone', message: 'session team-builder is not running' },
    at: NOW,
  });
  const STOPPED = 'not done: the build was stopped in the same tick';
  type Results = (nudge: PlannedAction, restart: PlannedAction) => EffectResult[];

  test.each<[string, Results, OperatorReply, OperatorReply]>([
    [
      'every effect done',
      (nudge, restart) => [ok(nudge), ok(restart)],
      { ok: true, text: 'nudged builder' },
      { ok: true, text: 'restarted adversary' },
    ],
    [
      'the nudge could not be typed',
      (nudge, restart) => [gone(nudge), ok(restart)],
      notDone('nudge builder failed: send builder: session team-builder is not running'),
      { ok: true, text: 'restarted adversary' },
    ],
    [
      'no results: the build stopped first',
      () => [],
      notDone(`nudge builder failed: send builder: ${STOPPED}`),
      notDone(`restart adversary failed: launch adversary: ${STOPPED}`),
    ],
  ])('refused first, then the applied in order — %s', (_case, results, nudgeReply, restartReply) => {
    const taken = inbox();
    const [nudge, restart] = taken.actions;
    expect(commandReplies(taken, results(nudge!, restart!))).toEqual([
      [2, refused('already paused')],
      [1, { ok: true, text: 'paused: lunch' }],
      [3, nudgeReply],
      [4, restartReply],
    ]);
  });
});
