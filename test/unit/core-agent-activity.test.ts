import type { BuildState } from '../../src/core/state/build';
import type { AgentObservation, Snapshot } from '../../src/core/state/snapshot';
import { agentActivityDecision } from '../../src/core/agent-activity';
import { decideTick } from '../../src/core/tick';
import { BUSY_PANE, MINUTE, repoObs, snapshotOf, stateFor, T0, TEAM_TOML } from './support/build-state';

const IDLE_PANE = '⏺ Done: the parser handles tabs.\n\n❯ \n';
const DIALOG_PANE = ' Do you want to proceed?\n ❯ 1. Yes\n   2. No\n';
const DEAD: AgentObservation = { alive: false, tail: '', windowActivity: null };
const pane = (tail: string): AgentObservation => ({ alive: true, tail, windowActivity: null });

/** A snapshot in which the builder shows `builder` and every other agent an idle prompt. */
function snap(state: BuildState, builder: AgentObservation): Snapshot {
  const s = snapshotOf(state, T0, null);
  for (const name of Object.keys(s.agents)) s.agents[name] = pane(IDLE_PANE);
  s.agents.builder = builder;
  return s;
}

/** The builder's events over a run of observations, each decided on the state the last one left. */
function builderEvents(observations: AgentObservation[]): string[] {
  let state = stateFor(TEAM_TOML);
  const out: string[] = [];
  for (const observation of observations) {
    const d = agentActivityDecision(state, snap(state, observation));
    expect(d.actions).toEqual([]);
    out.push(...d.events.filter((e) => e.agent === 'builder').map((e) => `${e.type}: ${e.message}`));
    state = { ...state, agents: d.state };
  }
  return out;
}

describe('agentActivityDecision', () => {
  test('the first classification of each agent is an event; a dead session is idle', () => {
    const state = stateFor(TEAM_TOML);
    const d = agentActivityDecision(state, snap(state, DEAD));
    expect(d.events).toEqual([
      { type: 'agent_idle', agent: 'builder', message: 'pane idle: session not running' },
      { type: 'agent_idle', agent: 'adversary', message: 'pane idle' },
      { type: 'agent_idle', agent: 'librarian', message: 'pane idle' },
      { type: 'agent_idle', agent: 'migrator', message: 'pane idle' },
    ]);
    expect(Object.values(d.state).map((a) => a.paneActivity)).toEqual(['idle', 'idle', 'idle', 'idle']);
  });

  test('only changes are events: busy, idle, busy again, then its session dies', () => {
    expect(
      builderEvents([
        pane(IDLE_PANE),
        pane(IDLE_PANE),
        pane(BUSY_PANE),
        pane(BUSY_PANE),
        pane(IDLE_PANE),
        pane(BUSY_PANE),
        DEAD,
        DEAD,
      ]),
    ).toEqual([
      'agent_idle: pane idle',
      'agent_busy: pane busy',
      'agent_idle: pane idle',
      'agent_busy: pane busy',
      'agent_idle: pane idle: session not running',
    ]);
  });

  test('a dialog, a usage limit or a screen it cannot read is not busy', () => {
    expect(
      builderEvents([
        pane(BUSY_PANE),
        pane(DIALOG_PANE),
        pane(BUSY_PANE),
        pane("You've hit your limit · resets 3pm (UTC)\n❯ \n"),
        pane(BUSY_PANE),
        pane('starting up…'),
      ]),
    ).toEqual([
      'agent_busy: pane busy',
      'agent_idle: pane idle',
      'agent_busy: pane busy',
      'agent_idle: pane idle',
      'agent_busy: pane busy',
      'agent_idle: pane idle',
    ]);
  });

  test('an agent not observed, or not in the config any more, is left as it was', () => {
    const state = stateFor(TEAM_TOML);
    const s = snap(state, pane(BUSY_PANE));
    delete s.agents.adversary;
    const d = agentActivityDecision(state, s);
    expect(d.events.map((e) => e.agent)).toEqual(['builder', 'librarian', 'migrator']);
    expect(d.state.adversary).toBe(state.agents.adversary);
  });
});

describe('an idle hour in decideTick', () => {
  test('a handful of events: the first look at each pane, nothing on the 60 ticks after', () => {
    const noIds = () => 'sid-new';
    let state = stateFor(TEAM_TOML, { lastHeavyAt: T0 });
    const idle = (at: number) => {
      const s = snapshotOf(state, at, repoObs({ head: 'base0000000000' }));
      for (const name of Object.keys(s.agents)) s.agents[name] = { ...pane(IDLE_PANE), windowActivity: T0 / 1000 };
      return s;
    };
    const first = decideTick(state, idle(T0), T0, noIds, { telemetry: true });
    expect(first.events.filter((e) => e.type === 'agent_idle')).toHaveLength(4);
    state = first.state;
    let later = 0;
    for (let minute = 1; minute <= 60; minute++) {
      const at = T0 + minute * MINUTE;
      const d = decideTick(state, idle(at), at, noIds, { telemetry: true });
      later += d.events.filter((e) => e.type === 'agent_busy' || e.type === 'agent_idle').length;
      state = d.state;
    }
    expect(later).toBe(0);
  });
});
