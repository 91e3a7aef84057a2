import type { BuildState } from './build-state';
import type { NewEvent } from './events';
import type { RepoObservation } from './snapshot';

/** Longest pause between fetch attempts while the remote stays unreachable. */
export const MAX_FETCH_BACKOFF_MS = 5 * 60_000;

export interface FetchHealth {
  /** Consecutive failed fetches. */
  failures: number;
  /** Epoch ms before which observe reads the last fetched refs instead of fetching. */
  retryAt: number;
}

export function shouldFetch(health: FetchHealth, now: number): boolean {
  return now >= health.retryAt;
}

/**
 * A failing `git fetch` is an event, not an error: supervision goes on with the last fetched
 * refs, and attempts back off (interval × 2^failures, capped) until the remote answers again.
 */
export function fetchHealthDecision(state: BuildState, repo: RepoObservation, fetched: boolean, now: number): { health: FetchHealth; events: NewEvent[] } {
  const health = state.fetchHealth;
  if (!fetched) return { health, events: [] };
  if (repo.fetchError === null) {
    const events: NewEvent[] = health.failures > 0 ? [{ type: 'git_fetch_recovered', message: `git fetch works again after ${health.failures} failed attempt(s)` }] : [];
    return { health: { failures: 0, retryAt: 0 }, events };
  }
  const failures = health.failures + 1;
  const wait = Math.min(state.config.watchdog.signal_interval * 2 ** failures, MAX_FETCH_BACKOFF_MS);
  return {
    health: { failures, retryAt: now + wait },
    events: [{ type: 'git_fetch_failed', message: `${repo.fetchError} (attempt ${failures}; next in ${Math.round(wait / 1000)}s)` }],
  };
}
