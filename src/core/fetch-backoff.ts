import type { BuildState } from './state/build';
import type { NewEvent } from './events';
import { Decision, unchanged } from './decision';
import type { FetchHealth } from './state/fetch-health';
import type { RepoObservation } from './state/snapshot';

/** Longest pause between fetch attempts while the remote stays unreachable. */
export const MAX_FETCH_BACKOFF_MS = 5 * 60_000;

export function shouldFetch(health: FetchHealth, now: number): boolean {
  return now >= health.retryAt;
}

/**
 * A failing `git fetch` is an event, not an error: supervision goes on with the last fetched
 * refs, and attempts back off (interval × 2^failures, capped) until the remote answers again.
 */
export function fetchHealthDecision(
  state: BuildState,
  repo: RepoObservation,
  fetched: boolean,
  now: number,
): Decision<FetchHealth> {
  const health = state.fetchHealth;
  if (!fetched) return unchanged(health);
  if (repo.fetchError === null) {
    const events: NewEvent[] =
      health.failures > 0
        ? [{ type: 'git_fetch_recovered', message: `git fetch works again after ${health.failures} failed attempt(s)` }]
        : [];
    return { state: { failures: 0, retryAt: 0 }, actions: [], events };
  }
  const failures = health.failures + 1;
  const wait = Math.min(state.config.watchdog.signal_interval * 2 ** failures, MAX_FETCH_BACKOFF_MS);
  return {
    state: { failures, retryAt: now + wait },
    actions: [],
    events: [
      {
        type: 'git_fetch_failed',
        message: `${repo.fetchError} (attempt ${failures}; next in ${Math.round(wait / 1000)}s)`,
      },
    ],
  };
}
