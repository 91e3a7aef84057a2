import { buildStartedAt, buildTiming } from '../../src/core/state/build';
import { describeResult } from '../../src/client/follow';
import { listingStartTime, renderStatus } from '../../src/client/render/status';
import { MINUTE, SECOND, stateFor, T0, TEAM_TOML } from './support/build-state';

describe("the build's start survives continue-as-new; results report wall time", () => {
  test('a fresh build records its start; the next run gets it with the carried state', () => {
    expect(stateFor(TEAM_TOML).startedAt).toBe(T0);
    const carried = { ...stateFor(TEAM_TOML), phaseIndex: 1, phaseStartedAt: T0 + 10 * MINUTE };
    expect(buildStartedAt(carried)).toBe(T0);
  });

  test('a state from before startedAt: the first phase started with the build', () => {
    const { startedAt: _dropped, ...old } = stateFor(TEAM_TOML);
    expect(buildStartedAt({ ...old, phaseStartedAt: T0 + 3 * MINUTE })).toBe(T0 + 3 * MINUTE);
    const later = {
      ...old,
      phaseIndex: 1,
      phaseStartedAt: T0 + 9 * MINUTE,
      completedPhases: [{ id: 'p1', startedAt: T0, endedAt: T0 + 9 * MINUTE, durationMs: 9 * MINUTE }],
    };
    expect(buildStartedAt(later)).toBe(T0);
  });

  test('wall time runs from the build start, not the sum of phases', () => {
    expect(buildTiming(stateFor(TEAM_TOML), T0 + 16 * MINUTE)).toEqual({
      startedAt: T0,
      endedAt: T0 + 16 * MINUTE,
      wallTimeMs: 16 * MINUTE,
    });
  });

  test('the stop result says the wall time; an older result without it, the phases’ sum', () => {
    const phases = [{ id: 'p1', startedAt: T0, endedAt: T0 + 26 * SECOND, durationMs: 26 * SECOND }];
    const result = { build: 'demo', status: 'stopped' as const, phases, totalDurationMs: 26 * SECOND };
    expect(
      describeResult({
        ...result,
        startedAt: T0,
        endedAt: T0 + 16 * MINUTE + 5 * SECOND,
        wallTimeMs: 16 * MINUTE + 5 * SECOND,
      }),
    ).toBe('build demo stopped: 1 phase(s) [p1 26.0s] in 16m05s');
    expect(describeResult({ ...result, wallTimeMs: 31_400 })).toBe(
      'build demo stopped: 1 phase(s) [p1 26.0s] in 31.4s',
    );
    expect(describeResult(result)).toBe('build demo stopped: 1 phase(s) [p1 26.0s] in 26.0s');
  });

  test('steward list: a continued run shows its build’s start from the memo', () => {
    const runStart = new Date(T0 + 15 * MINUTE);
    expect(listingStartTime({ startedAt: T0 }, runStart)).toBe(T0);
    expect(listingStartTime({}, runStart)).toBe(T0 + 15 * MINUTE);
    expect(listingStartTime(undefined, runStart)).toBe(T0 + 15 * MINUTE);
    expect(listingStartTime({ startedAt: 'yesterday' }, undefined)).toBeNull();
  });

  test('steward status: "started" is the build’s start, not the current run’s', () => {
    const state = stateFor(TEAM_TOML, { launched: true });
    const view = { ...state, startedAt: T0, phase: 'p1', phaseCount: 3 };
    const info = {
      workflowId: 'build/team',
      runId: 'r2',
      workflowStatus: 'RUNNING',
      startTime: T0 + 15 * MINUTE,
      closeTime: null,
    };
    const host = renderStatus(view, info, T0 + 16 * MINUTE).find((l) => l.startsWith('host:'));
    expect(host).toBe('host:      host-a · started 2026-01-05T09:00:00Z · config hash-0');
  });
});
