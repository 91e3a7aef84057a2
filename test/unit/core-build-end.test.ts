import type { BuildState, PhaseRecord } from '../../src/core/state/build';
import {
  buildResult,
  completedBuild,
  stopDecision,
  supervisesAfterCompletion,
  writesReport,
} from '../../src/core/build-end';
import { MINUTE, SOLO_TOML, stateFor, T0, TEAM_TOML } from './support/build-state';

/** Two loop agents and a one-shot task through two phases: nothing outlives the sequence. */
const LOOPS_TOML = `
name = "loops"

[[agent]]
name = "builder"
kind = "loop"
kickoff = "Build."

[[agent]]
name = "migrator"
kind = "task"
kickoff = "Migrate."

[loop]
repo = "work"
phases = [
  { id = "p1", kickoff = "One." },
  { id = "p2", kickoff = "Two." },
]
`;
const SERVICE = '\n[[service]]\nname = "db"\ncommand = "postgres"\n';

const phase = (id: string, startMin: number, endMin: number): PhaseRecord => ({
  id,
  startedAt: T0 + startMin * MINUTE,
  endedAt: T0 + endMin * MINUTE,
  durationMs: (endMin - startMin) * MINUTE,
});

describe('stopDecision', () => {
  test.each<BuildState['status']>(['running', 'paused'])(
    'a %s build stops: one stopped event with the reason, no effects',
    (status) => {
      const state = stateFor(TEAM_TOML, { launched: true, status });
      expect(stopDecision(state, 'operator stop')).toEqual({
        state: { ...state, status: 'stopped' },
        actions: [],
        events: [{ type: 'stopped', message: 'operator stop' }],
      });
    },
  );
});

describe('supervisesAfterCompletion: persistent agents and services outlive the sequence', () => {
  test.each([
    ['loops and a task', LOOPS_TOML, false],
    ['loops, a task and a service', LOOPS_TOML + SERVICE, true],
    ['a persistent agent among loops', TEAM_TOML, true],
    ['a persistent agent, no [loop]', SOLO_TOML, true],
  ])('%s: %s', (_case, toml, outlives) => {
    expect(supervisesAfterCompletion(stateFor(toml))).toBe(outlives);
  });
});

describe('completedBuild', () => {
  test.each([
    ['phases remain', LOOPS_TOML, 1],
    ['the sequence is complete but a persistent agent goes on', TEAM_TOML, 3],
    ['the sequence is complete but a service goes on', LOOPS_TOML + SERVICE, 2],
    ['no [loop], a persistent agent', SOLO_TOML, 0],
  ])('null when %s', (_case, toml, phaseIndex) => {
    expect(completedBuild(stateFor(toml, { launched: true, phaseIndex }))).toBeNull();
  });

  test('a complete sequence of loops ends the build: completed, all else kept', () => {
    const state = stateFor(LOOPS_TOML, { launched: true, phaseIndex: 2 });
    expect(completedBuild(state)).toEqual({ ...state, status: 'completed' });
    expect(state.status).toBe('running');
  });
});

describe('buildResult', () => {
  test('the phases, the sum of their durations, and the wall time from the build start', () => {
    const phases = [phase('p1', 0, 10), phase('p2', 10, 25)];
    const state = stateFor(LOOPS_TOML, { status: 'completed', phaseIndex: 2, completedPhases: phases });
    expect(buildResult(state, T0 + 40 * MINUTE)).toEqual({
      build: 'loops',
      status: 'completed',
      phases,
      totalDurationMs: 25 * MINUTE,
      startedAt: T0,
      endedAt: T0 + 40 * MINUTE,
      wallTimeMs: 40 * MINUTE,
    });
  });

  test('a state from before startedAt: the wall time runs from its first phase; no phases, no duration', () => {
    const { startedAt: _startedAt, ...older } = stateFor(TEAM_TOML, {
      status: 'stopped',
      completedPhases: [phase('p1', 5, 8)],
    });
    expect(buildResult(older, T0 + 20 * MINUTE)).toMatchObject({
      status: 'stopped',
      totalDurationMs: 3 * MINUTE,
      startedAt: T0 + 5 * MINUTE,
      wallTimeMs: 15 * MINUTE,
    });
    expect(buildResult(stateFor(SOLO_TOML, { status: 'stopped' }), T0 + MINUTE)).toMatchObject({
      build: 'solo',
      phases: [],
      totalDurationMs: 0,
      wallTimeMs: MINUTE,
    });
  });
});

describe('writesReport', () => {
  test('an ended build writes its report, unless its host is lost (the report would only time out)', () => {
    expect(writesReport(stateFor(TEAM_TOML, { status: 'stopped' }))).toBe(true);
    expect(writesReport(stateFor(TEAM_TOML, { status: 'stopped', hostLost: true }))).toBe(false);
  });
});
