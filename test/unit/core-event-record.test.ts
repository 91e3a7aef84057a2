import type { NewEvent, StewardEvent } from '../../src/core/events';
import { RECENT_EVENTS } from '../../src/core/state/build';
import { recordEvents } from '../../src/core/event-record';
import { SECOND, stateFor, T0, TEAM_TOML } from './support/build-state';

const NOW = T0 + 30 * SECOND;
const past = (seq: number): StewardEvent => ({
  seq,
  at: T0 + seq,
  type: 'ping_sent',
  agent: 'builder',
  message: `ping ${seq}`,
});
const pastEvents = (n: number) => Array.from({ length: n }, (_, i) => past(i + 1));
const fresh = (message: string, at?: number): NewEvent =>
  at === undefined ? { type: 'paused', message } : { type: 'paused', message, at };

describe('recordEvents', () => {
  test('numbers continue from eventSeq; an event keeps its own time, else it is stamped now', () => {
    const state = stateFor(TEAM_TOML, { eventSeq: 2, events: pastEvents(2) });
    const out = recordEvents(state, [fresh('a'), fresh('b', T0 + SECOND)], NOW);
    const recorded = [
      { type: 'paused', message: 'a', seq: 3, at: NOW },
      { type: 'paused', message: 'b', seq: 4, at: T0 + SECOND },
    ];
    expect(out.recorded).toEqual(recorded);
    expect(out.state.eventSeq).toBe(4);
    expect(out.state.events).toEqual([...pastEvents(2), ...recorded]);
  });

  test(`only the last ${RECENT_EVENTS} events stay in the state; all are returned`, () => {
    const state = stateFor(TEAM_TOML, { eventSeq: RECENT_EVENTS - 1, events: pastEvents(RECENT_EVENTS - 1) });
    const out = recordEvents(state, [fresh('x'), fresh('y'), fresh('z')], NOW);
    expect(out.recorded.map((e) => e.seq)).toEqual([200, 201, 202]);
    expect(out.state.events).toHaveLength(RECENT_EVENTS);
    expect(out.state.events[0]).toEqual(past(3));
    expect(out.state.events.at(-1)).toEqual({ type: 'paused', message: 'z', seq: 202, at: NOW });
  });

  test('nothing to record: the numbers and events stay', () => {
    const state = stateFor(TEAM_TOML, { eventSeq: 9, events: [past(9)] });
    const out = recordEvents(state, [], NOW);
    expect(out.recorded).toEqual([]);
    expect(out.state.eventSeq).toBe(9);
    expect(out.state.events).toEqual([past(9)]);
  });

  test('the input state and events are not mutated', () => {
    const events = Object.freeze(pastEvents(3));
    const state = Object.freeze(stateFor(TEAM_TOML, { eventSeq: 3, events: events as StewardEvent[] }));
    const input = [fresh('a'), fresh('b', T0)];
    const before = structuredClone({ state, input });
    const out = recordEvents(state, input, NOW);
    expect({ state, input }).toEqual(before);
    expect(out.state).not.toBe(state);
    expect(out.state.eventSeq).toBe(5);
  });
});
