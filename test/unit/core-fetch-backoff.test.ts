import type { BuildState } from '../../src/core/state/build';
import { fetchHealthDecision, MAX_FETCH_BACKOFF_MS, shouldFetch } from '../../src/core/fetch-backoff';
import { repoObs, SECOND, stateFor, T0, TEAM_TOML } from './support/build-state';

const ERROR = "fatal: unable to access 'https://git.example/work.git/': Could not resolve host: git.example";
const failed = () => repoObs({ fetchError: ERROR, head: 'last-fetched' });

describe('shouldFetch', () => {
  test('fetches once retryAt has come', () => {
    expect(shouldFetch({ failures: 0, retryAt: 0 }, T0)).toBe(true);
    expect(shouldFetch({ failures: 2, retryAt: T0 + 1 }, T0)).toBe(false);
    expect(shouldFetch({ failures: 2, retryAt: T0 }, T0)).toBe(true);
  });
});

describe('fetchHealthDecision', () => {
  test('a healthy fetch on a healthy build: nothing to say', () => {
    const state = stateFor(TEAM_TOML);
    expect(fetchHealthDecision(state, repoObs(), true, T0)).toEqual({
      state: { failures: 0, retryAt: 0 },
      actions: [],
      events: [],
    });
  });

  test('failures back off at signal_interval × 2^failures, doubling, capped at 5 minutes', () => {
    let state: BuildState = stateFor(TEAM_TOML); // signal_interval = 10s
    expect(MAX_FETCH_BACKOFF_MS).toBe(300_000);
    const seen: Array<[number, number, string]> = [];
    let now = T0;
    for (let i = 0; i < 7; i++) {
      const out = fetchHealthDecision(state, failed(), true, now);
      expect(out.events).toHaveLength(1);
      expect(out.events[0]?.type).toBe('git_fetch_failed');
      seen.push([out.state.failures, out.state.retryAt - now, out.events[0]!.message]);
      state = { ...state, fetchHealth: out.state };
      now = out.state.retryAt;
    }
    expect(seen).toEqual([
      [1, 20 * SECOND, `${ERROR} (attempt 1; next in 20s)`],
      [2, 40 * SECOND, `${ERROR} (attempt 2; next in 40s)`],
      [3, 80 * SECOND, `${ERROR} (attempt 3; next in 80s)`],
      [4, 160 * SECOND, `${ERROR} (attempt 4; next in 160s)`],
      [5, 300 * SECOND, `${ERROR} (attempt 5; next in 300s)`],
      [6, 300 * SECOND, `${ERROR} (attempt 6; next in 300s)`],
      [7, 300 * SECOND, `${ERROR} (attempt 7; next in 300s)`],
    ]);
  });

  test('the backoff follows the configured signal interval', () => {
    const state = stateFor(TEAM_TOML.replace('signal_interval = "10s"', 'signal_interval = "1s"'));
    const out = fetchHealthDecision(state, failed(), true, T0);
    expect(out.state).toEqual({ failures: 1, retryAt: T0 + 2 * SECOND });
    expect(out.events[0]?.message).toBe(`${ERROR} (attempt 1; next in 2s)`);
  });

  test('recovery resets the health and reports how many attempts failed', () => {
    const state = stateFor(TEAM_TOML, { fetchHealth: { failures: 3, retryAt: T0 } });
    expect(fetchHealthDecision(state, repoObs({ head: 'new-head' }), true, T0)).toEqual({
      state: { failures: 0, retryAt: 0 },
      actions: [],
      events: [{ type: 'git_fetch_recovered', message: 'git fetch works again after 3 failed attempt(s)' }],
    });
  });

  test('a skipped fetch (backing off) changes nothing, whatever the observation says', () => {
    const health = { failures: 2, retryAt: T0 + 40 * SECOND };
    const state = stateFor(TEAM_TOML, { fetchHealth: health });
    for (const repo of [repoObs(), failed()]) {
      const out = fetchHealthDecision(state, repo, false, T0 + SECOND);
      expect(out.state).toBe(health);
      expect(out.events).toEqual([]);
    }
  });
});
