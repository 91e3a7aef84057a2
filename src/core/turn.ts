import type { BuildState } from './state/build';
import type { Snapshot } from './state/snapshot';
import type { TokenRecord } from './state/tokens';
import { Decision, DecisionFold } from './decision';
import { InboxDecision, inboxDecision, InboxItem } from './inbox';
import { stopDecision } from './build-end';
import { HostContact, hostReachabilityDecision } from './host-reachability';
import { configReloadDecision } from './config-reload';
import { decideTick } from './tick';

export interface TurnInput {
  inbox: readonly InboxItem[];
  /** What the hosts' observes saw, merged; null when none brought news (they failed, or a signal cancelled them). */
  snapshot: Snapshot | null;
  /** How the look at each of the build's hosts went, its own host first. */
  hosts: Record<string, HostContact>;
  now: number;
  /** Fresh ids for (re)launched agents: the workflow's uuid4. */
  newId: () => string;
  /** Behind the `undelivered-handoffs-pending` patch (see `TickOptions`). */
  holdPending: boolean;
  /** The build-telemetry events (see `TickOptions.telemetry`): behind a patch in the workflow; default false. */
  telemetry?: boolean;
}

export interface TurnDecision extends Decision<BuildState> {
  /** The build stopped this turn: nothing is performed, the loop ends. */
  stopped: boolean;
  /** The inbox as taken: the replies to its commands wait for the effects (`commandReplies`). */
  inbox: InboxDecision;
  /** Finished token windows for token-log.jsonl. */
  tokenRecords: TokenRecord[];
}

/**
 * One turn of the build's loop, after it looked at the world: the inbox first (a stop ends the
 * build here, and the commands before it stay applied but their effects are not performed), then
 * whether each host answered, then a config edit, then the supervision tick over the snapshot.
 */
export function turnDecision(state: BuildState, input: TurnInput): TurnDecision {
  const fold = new DecisionFold();
  const inbox = inboxDecision(state, input.inbox, input.now, input.newId);
  let next = fold.take(inbox);
  if (inbox.stopReason !== null) {
    next = fold.take(stopDecision(next, inbox.stopReason));
    return { ...fold.result(next), actions: [], stopped: true, inbox, tokenRecords: [] };
  }
  for (const [host, contact] of Object.entries(input.hosts))
    next = fold.take(hostReachabilityDecision(next, contact, host));
  if (!input.snapshot) return { ...fold.result(next), stopped: false, inbox, tokenRecords: [] };
  next = fold.take(configReloadDecision(next, input.snapshot.config, input.newId, input.now));
  const tick = decideTick(next, input.snapshot, input.now, input.newId, {
    heldWaitForLiveAgent: input.holdPending,
    telemetry: input.telemetry,
  });
  return { ...fold.result(fold.take(tick)), stopped: false, inbox, tokenRecords: tick.tokenRecords };
}
