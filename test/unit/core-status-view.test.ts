import { statusAsOf, statusView } from '../../src/core/status-view';
import { withAgents } from './support/build-state';
import { MINUTE, SOLO_TOML, stateFor, T0, TEAM_TOML } from './support/build-state';

const TEAM_PHASES = [
  { id: 'p1', status: 'STATUS-p1.md' },
  { id: 'p2', status: 'STATUS-p2.md' },
  { id: 'p3', status: 'final/STATUS.md' },
];

describe('statusView', () => {
  test('the state without its config, plus the current phase, the phase count and the phases', () => {
    const state = stateFor(TEAM_TOML, { phaseIndex: 1 });
    const view = statusView(state);
    expect(view).not.toHaveProperty('config');
    expect(view).toMatchObject({
      buildId: 'build/team',
      status: 'running',
      phaseIndex: 1,
      startedAt: T0,
      phase: 'p2',
      phaseCount: 3,
      phases: TEAM_PHASES,
    });
    expect(view.agents).toBe(state.agents);
    expect(Object.keys(view).sort()).toEqual(
      [...Object.keys(state).filter((k) => k !== 'config'), 'phase', 'phaseCount', 'phases'].sort(),
    );
  });

  test.each([
    ['a complete sequence', stateFor(TEAM_TOML, { phaseIndex: 3 }), 3, TEAM_PHASES],
    ['no [loop]', stateFor(SOLO_TOML), 0, []],
  ])('%s: no current phase', (_case, state, phaseCount, phases) => {
    const view = statusView(state);
    expect(view.phase).toBeNull();
    expect(view.phaseCount).toBe(phaseCount);
    expect(view.phases).toEqual(phases);
  });

  test('a state from before startedAt: the start is its first completed phase’s', () => {
    const { startedAt: _startedAt, ...older } = stateFor(TEAM_TOML, {
      phaseIndex: 1,
      completedPhases: [{ id: 'p1', startedAt: T0 - MINUTE, endedAt: T0, durationMs: MINUTE }],
    });
    expect(statusView(older).startedAt).toBe(T0 - MINUTE);
  });
});

describe('statusAsOf: idle times between two reports of a quiet spell', () => {
  const observed = withAgents(stateFor(TEAM_TOML, { observedAt: T0 }), { alive: true, idleSeconds: 40 });
  const dead = {
    ...observed,
    agents: { ...observed.agents, migrator: { ...observed.agents.migrator!, alive: false, idleSeconds: 0 } },
  };

  test("a live agent's idle time runs on from the look it was measured at; a dead one's does not", () => {
    const view = statusAsOf(statusView(dead), T0 + 2 * MINUTE);
    expect(view.agents.builder?.idleSeconds).toBe(160);
    expect(view.agents.migrator?.idleSeconds).toBe(0);
  });

  test('an ended build, a view without a look time, or a clock behind the look: as it was', () => {
    const ended = statusView({ ...dead, status: 'completed' });
    expect(statusAsOf(ended, T0 + 2 * MINUTE)).toBe(ended);
    const { observedAt: _at, ...before } = dead;
    const old = statusView(before);
    expect(statusAsOf(old, T0 + 2 * MINUTE)).toBe(old);
    const view = statusView(dead);
    expect(statusAsOf(view, T0 - 1000)).toBe(view);
  });
});
