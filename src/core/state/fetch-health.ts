/** How `git fetch` has been going: failures back off the next attempt (see `fetchHealthDecision`). */
export interface FetchHealth {
  /** Consecutive failed fetches. */
  failures: number;
  /** Epoch ms before which observe reads the last fetched refs instead of fetching. */
  retryAt: number;
}
