import type { BuildState } from './state/build';
import type { Decision } from './decision';
import { activityQueueFor } from './host-queue';
import { unchanged } from './decision';

/** How the tick's look at one host went: a snapshot, or the error of the last observe that failed. */
export interface HostContact {
  observed: boolean;
  /** The last observe failure's message; null once an observe succeeds (or when it brought no news). */
  observeError: string | null;
  /** The schedule-to-start timeout within which a worker must serve the host's queue. */
  timeoutMs: number;
}

/** Whether `host` is lost, and the state with it marked lost or found. */
function isLost(state: BuildState, host: string): boolean {
  return host === state.hostId ? state.hostLost : (state.lostHosts ?? []).includes(host);
}

function markLost(state: BuildState, host: string, lost: boolean): BuildState {
  if (host === state.hostId) return { ...state, hostLost: lost };
  const others = (state.lostHosts ?? []).filter((h) => h !== host);
  const lostHosts = lost ? [...others, host].sort() : others;
  const { lostHosts: _old, ...rest } = state;
  return lostHosts.length ? { ...rest, lostHosts } : rest;
}

/**
 * A host nobody serves is an escalation, not a silent hang: `host_unreachable` once (the build
 * shows `host-lost:<host>` until then), `host_recovered` when a worker serves its queue again.
 * Each host of the build is judged on its own: one lost host leaves the others supervised. A look
 * that was cancelled (a signal arrived) or is still running says nothing new.
 */
export function hostReachabilityDecision(
  state: BuildState,
  contact: HostContact,
  host: string = state.hostId,
): Decision<BuildState> {
  const queue = activityQueueFor(host);
  if (!contact.observed && contact.observeError && !isLost(state, host)) {
    return {
      state: markLost(state, host, true),
      actions: [],
      events: [
        {
          type: 'host_unreachable',
          message: `no worker served ${queue} within ${contact.timeoutMs / 1000}s: its agents are unsupervised (${contact.observeError})`,
        },
      ],
    };
  }
  if (contact.observed && isLost(state, host)) {
    return {
      state: markLost(state, host, false),
      actions: [],
      events: [{ type: 'host_recovered', message: `a worker serves ${queue} again` }],
    };
  }
  return unchanged(state);
}
