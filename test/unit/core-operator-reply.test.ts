import type { PlannedAction } from '../../src/core/state/actions';
import type { EffectResult } from '../../src/core/state/effects';
import { operatorDecision } from '../../src/core/operator';
import { OPERATOR_ACTION_FAILED, operatorReply } from '../../src/core/operator-reply';
import { MINUTE, stateFor, T0, TEAM_TOML } from './support/build-state';

const running = () => stateFor(TEAM_TOML, { launched: true });
const GONE = { type: 'AgentGone', message: 'session team-dier is not running' };
const ok = (planned: PlannedAction): EffectResult => ({ planned, ok: true, at: T0 });
const failed = (planned: PlannedAction): EffectResult => ({ planned, ok: false, failure: GONE, at: T0 });

describe("operatorReply: an update's reply follows its effect", () => {
  test('a nudge that was typed: the decision’s reply', () => {
    const out = operatorDecision(running(), { type: 'nudge', agent: 'builder', message: 'hi' }, T0, 'unused');
    expect(operatorReply({ type: 'nudge', agent: 'builder' }, out.reply, out.actions, out.actions.map(ok))).toEqual({
      ok: true,
      text: 'nudged builder',
    });
  });

  test('a nudge that could not be typed fails, with the cause, as a failed action (not a refused command)', () => {
    const cmd = { type: 'nudge', agent: 'builder', message: 'hi' } as const;
    const out = operatorDecision(running(), cmd, T0, 'unused');
    expect(operatorReply(cmd, out.reply, out.actions, out.actions.map(failed))).toEqual({
      ok: false,
      text: 'nudge builder failed: send builder: session team-dier is not running',
      failureType: OPERATOR_ACTION_FAILED,
    });
  });

  test('a restart whose launch failed fails', () => {
    const cmd = { type: 'restart', agent: 'adversary' } as const;
    const out = operatorDecision(running(), cmd, T0, 'sid-new');
    const reply = operatorReply(cmd, out.reply, out.actions, [
      {
        planned: out.actions[0]!,
        ok: false,
        failure: { type: 'ConfigError', message: 'command not found: claude' },
        at: T0,
      },
    ]);
    expect(reply).toEqual({
      ok: false,
      text: 'restart adversary failed: launch adversary: command not found: claude',
      failureType: OPERATOR_ACTION_FAILED,
    });
  });

  test('an advance is made even when a kickoff could not be typed: the reply says which', () => {
    const out = operatorDecision(running(), { type: 'advance' }, T0 + MINUTE, 'unused');
    expect(out.actions.map((p) => p.action.agent)).toEqual(['builder', 'adversary']);
    const results = [ok(out.actions[0]!), failed(out.actions[1]!)];
    expect(operatorReply({ type: 'advance' }, out.reply, out.actions, results)).toEqual({
      ok: true,
      text: 'advanced from p1 to p2 (not delivered: send adversary: session team-dier is not running)',
    });
  });

  test('a command without effects (held nudge, pause) replies as decided', () => {
    expect(operatorReply({ type: 'pause', reason: 'lunch' }, 'paused: lunch', [], [])).toEqual({
      ok: true,
      text: 'paused: lunch',
    });
  });

  test('an effect never performed (the build stopped in the same tick) is not reported done', () => {
    const cmd = { type: 'nudge', agent: 'builder' } as const;
    const out = operatorDecision(running(), cmd, T0, 'unused');
    expect(operatorReply(cmd, out.reply, out.actions, [])).toEqual({
      ok: false,
      text: 'nudge builder failed: send builder: not done: the build was stopped in the same tick',
      failureType: OPERATOR_ACTION_FAILED,
    });
  });
});
