import type { PlannedAction } from '../../src/core/state/actions';
import type { NewEvent } from '../../src/core/events';
import { Decision, DecisionFold, unchanged } from '../../src/core/decision';

const send = (agent: string): PlannedAction => ({
  action: { type: 'send', agent, text: `to ${agent}` },
  event: { type: 'ping_sent', agent, message: `ping ${agent}` },
});
const note = (message: string): NewEvent => ({ type: 'paused', message });
const decision = <S>(state: S, agents: string[], messages: string[]): Decision<S> => ({
  state,
  actions: agents.map(send),
  events: messages.map(note),
});

describe('unchanged', () => {
  test('the same state, nothing to do and nothing to say', () => {
    const state = { n: 1 };
    const out = unchanged(state);
    expect(out).toEqual({ state: { n: 1 }, actions: [], events: [] });
    expect(out.state).toBe(state);
  });
});

describe('DecisionFold', () => {
  test('take returns each state and keeps actions and events in the order of the decisions', () => {
    const fold = new DecisionFold();
    expect(fold.take(decision('a', ['builder'], ['one', 'two']))).toBe('a');
    expect(fold.take(decision(2, [], []))).toBe(2);
    expect(fold.take(decision({ k: 3 }, ['adversary', 'librarian'], ['three']))).toEqual({ k: 3 });
    expect(fold.actions.map((p) => p.action.agent)).toEqual(['builder', 'adversary', 'librarian']);
    expect(fold.events.map((e) => e.message)).toEqual(['one', 'two', 'three']);
  });

  test('result is the decision leading to the given state, with copies that later takes do not change', () => {
    const fold = new DecisionFold();
    fold.take(decision('ignored', ['builder'], ['one']));
    const result = fold.result('final');
    fold.take(decision('later', ['adversary'], ['two']));
    expect(result).toEqual({ state: 'final', actions: [send('builder')], events: [note('one')] });
    expect(result.actions).not.toBe(fold.actions);
    expect(result.events).not.toBe(fold.events);
  });

  test('a fresh fold gives an empty decision', () => {
    expect(new DecisionFold().result(7)).toEqual({ state: 7, actions: [], events: [] });
  });
});
