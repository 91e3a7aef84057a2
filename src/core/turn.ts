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
  /** What observe saw; null when it failed or a signal cancelled it. */
  snapshot: Snapshot | null;
  host: Omit<HostContact, 'observed'>;
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
 * whether the host answered, then a config edit, then the supervision tick over the snapshot.
 */
export function turnDecision(state: BuildState, input: TurnInput): TurnDecision {
  const fold = new DecisionFold();
  const inbox = inboxDecision(state, input.inbox, input.now, input.newId);
  let next = fold.take(inbox);
  if (inbox.stopReason !== null) {
    next = fold.take(stopDecision(next, inbox.stopReason));
    return { ...fold.result(next), actions: [], stopped: true, inbox, tokenRecords: [] };
  }
  next = fold.take(hostReachabilityDecision(next, { ...input.host, observed: input.snapshot !== null }));
  if (!input.snapshot) return { ...fold.result(next), stopped: false, inbox, tokenRecords: [] };
  next = fold.take(configReloadDecision(next, input.snapshot.config, input.newId, input.now));
  const tick = decideTick(next, input.snapshot, input.now, input.newId, {
    heldWaitForLiveAgent: input.holdPending,
    telemetry: input.telemetry,
  });
  return { ...fold.result(fold.take(tick)), stopped: false, inbox, tokenRecords: tick.tokenRecords };
}
