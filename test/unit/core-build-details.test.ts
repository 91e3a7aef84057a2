import type { BuildState } from '../../src/core/state/build';
import {
  currentDetails,
  escalations,
  searchAttributesKey,
  searchAttributeValues,
  webUiUpdate,
} from '../../src/core/build-details';
import { stateFor, T0, TEAM_TOML } from './support/build-state';

const agent = (state: BuildState, name: string, patch: Partial<BuildState['agents'][string]>): BuildState => ({
  ...state,
  agents: { ...state.agents, [name]: { ...state.agents[name]!, ...patch } },
});
const started = (): BuildState => {
  const s = stateFor(TEAM_TOML, { launched: true });
  return {
    ...s,
    eventSeq: 1,
    events: [{ seq: 1, at: T0, type: 'build_started', message: 'build team started on host host-a' }],
  };
};

describe('the Web UI: search attributes and current details', () => {
  test('escalations and search attribute values', () => {
    const s = agent({ ...started(), budgetPaused: true, hostLost: true, status: 'paused' }, 'adversary', {
      crashLooped: true,
    });
    expect(escalations(s)).toEqual(['crash-loop:adversary', 'budget', 'host-lost:host-a']);
    expect(searchAttributeValues(s)).toEqual({
      phase: 'p1',
      status: 'paused',
      project: 'team',
      escalation: 'crash-loop:adversary,budget,host-lost:host-a',
    });
    expect(searchAttributeValues({ ...started(), phaseIndex: 3 })).toMatchObject({
      phase: 'complete',
      escalation: 'none',
    });
  });

  test('current details: each agent alive or down with what needs attention, escalations, the last event', () => {
    let s = agent(started(), 'builder', { alive: true });
    s = agent(s, 'adversary', {
      alive: false,
      crashLooped: true,
      held: [
        {
          action: { type: 'send', agent: 'adversary', text: 'x' },
          event: { type: 'ping_sent', agent: 'adversary', message: 'claim' },
        },
      ],
    });
    expect(currentDetails(s)).toBe(
      '**team** — running, phase p1 (1/3)\n\n' +
        'Agents: builder: alive, adversary: down CRASH-LOOP 1 message(s) pending, librarian: down, migrator: down\n\n' +
        'Escalation: crash-loop:adversary\n\n' +
        'Last: build_started build team started on host host-a',
    );
  });

  test('the details are republished when an agent comes up, though status, phase and escalations did not change', () => {
    // The bug: details published at the start ("builder: down · Last: build_started") stayed so.
    const before = started();
    const first = webUiUpdate(null, before);
    expect(first.attributes).not.toBeNull();
    expect(first.details).toContain('builder: down');

    const alive = agent(before, 'builder', { alive: true });
    const next = webUiUpdate(first.view, alive);
    expect(next.attributes).toBeNull(); // an upsert is a workflow command: only on what the attributes show
    expect(next.details).toContain('builder: alive');

    const withEvent = {
      ...alive,
      eventSeq: 2,
      events: [
        ...alive.events,
        {
          seq: 2,
          at: T0 + 1,
          type: 'agent_started' as const,
          agent: 'builder',
          message: 'started in session team-builder',
        },
      ],
    };
    expect(webUiUpdate(next.view, withEvent).details).toContain(
      'Last: agent_started builder started in session team-builder',
    );
  });

  test('nothing is republished when nothing shown changed', () => {
    const s = started();
    const shown = webUiUpdate(null, s).view;
    expect(
      webUiUpdate(shown, { ...s, agents: { ...s.agents, builder: { ...s.agents.builder!, idleSeconds: 42 } } }),
    ).toEqual({ view: shown, attributes: null, details: null });
  });

  test('the search attributes key is the one running builds were recorded with: status, phase, budget, host, crash loops', () => {
    const s = started();
    expect(searchAttributesKey(s)).toBe(JSON.stringify(['running', 0, false, false, [false, false, false, false]]));
    expect(searchAttributesKey(agent(s, 'builder', { alive: true }))).toBe(searchAttributesKey(s));
    expect(webUiUpdate(webUiUpdate(null, s).view, { ...s, phaseIndex: 1 }).attributes).toMatchObject({ phase: 'p2' });
  });
});
