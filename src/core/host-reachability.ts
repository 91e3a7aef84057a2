import type { BuildState } from './state/build';
import type { Decision } from './decision';
import { activityQueueFor } from './host-queue';
import { unchanged } from './decision';

/** How the tick's look at the host went: a snapshot, or the error of the last observe that failed. */
export interface HostContact {
  observed: boolean;
  /** The last observe failure's message; null once an observe succeeds. */
  observeError: string | null;
  /** The schedule-to-start timeout within which a worker must serve the host's queue. */
  timeoutMs: number;
}

/**
 * A host nobody serves is an escalation, not a silent hang: `host_unreachable` once (the build
 * shows `host-lost` until then), `host_recovered` when a worker serves its queue again.
 * A tick whose observe was cancelled (a signal arrived) says nothing new.
 */
export function hostReachabilityDecision(state: BuildState, contact: HostContact): Decision<BuildState> {
  const queue = activityQueueFor(state.hostId);
  if (!contact.observed && contact.observeError && !state.hostLost) {
    return {
      state: { ...state, hostLost: true },
      actions: [],
      events: [
        {
          type: 'host_unreachable',
          message: `no worker served ${queue} within ${contact.timeoutMs / 1000}s: its agents are unsupervised (${contact.observeError})`,
        },
      ],
    };
  }
  if (contact.observed && state.hostLost) {
    return {
      state: { ...state, hostLost: false },
      actions: [],
      events: [{ type: 'host_recovered', message: `a worker serves ${queue} again` }],
    };
  }
  return unchanged(state);
}
