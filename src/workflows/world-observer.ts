import { CancellationScope, condition, isCancellation, log } from '@temporalio/workflow';
import type { BuildState } from '../core/state/build';
import type { Observation, Snapshot } from '../core/state/snapshot';
import type { HostContact } from '../core/host-reachability';
import type { ObserveRequest } from '../core/observe-request';
import type { TickOptions } from '../core/tick';
import { KnownPanes, restorePanes } from '../core/known-panes';
import { observeRequest } from '../core/observe-request';
import { quietSpanMs, quietSpellOn } from '../core/quiet-spell';
import { buildHosts } from '../core/hosts';
import { lookOfHost, mergeLooks } from '../core/host-looks';
import { hostsToAwait, knownPanesOnHost, stillAsked, withHostPanes } from '../core/host-observation';
import { rootMessage } from './activity-failures';

/** The observe activity of one host, given how long it may run on the host before it reports. */
export type HostObserver = (host: string, waitMs: number) => (req: ObserveRequest) => Promise<Observation>;

/** One host's observe in flight, and how it ended once it has. */
interface Pending {
  request: ObserveRequest;
  /** Workflow time by which it reports at the latest. */
  endsAt: number;
  scope: CancellationScope;
  outcome: { observation: Observation } | { error: unknown } | null;
}

/** What one look brought: the merged snapshot (null: no host reported), each host's contact, the hosts whose observe failed. */
export interface Look {
  snapshot: Snapshot | null;
  hosts: Record<string, HostContact>;
  failed: string[];
}

/**
 * The loop's eyes: one observe activity per host of the build, in parallel. A look ends when a
 * host reports (a change, or its quiet spell is over) or a signal arrives; a host still looking
 * keeps its observe running into the next turn, and its part of the world is what it last
 * reported (its looks since matched it). It remembers the pane texts already seen (an unchanged
 * pane is not sent again), the world the last turn decided on (while it stays so, each observe
 * keeps looking on its host: `quietSpanMs`), and each host's last failure.
 */
export class WorldObserver {
  private readonly pending = new Map<string, Pending>();
  /** Each host's part of the world as it last reported it. */
  private readonly parts = new Map<string, Snapshot>();
  private readonly errors = new Map<string, string>();
  private knownPanes: KnownPanes = {};
  /** The snapshot the last turn decided on, and how it ticked; null after a look with no news. */
  private decided: { snapshot: Snapshot; options: TickOptions } | null = null;

  constructor(
    private readonly observer: HostObserver,
    /** Whether something waits to be handled: a look that is waiting out its interval is cancelled. */
    private readonly wakeUp: () => boolean,
    /** The schedule-to-start timeout within which a host's worker must take its observe. */
    private readonly timeoutMs: number,
  ) {}

  /** The turn decided on `snapshot` with `options` (none: it had no look): the next look may wait for it to change. */
  decidedOn(snapshot: Snapshot | null, options: TickOptions): void {
    this.decided = snapshot && { snapshot, options };
  }

  /**
   * Looks after `waitMs` (at once when 0), or in a quiet spell keeps looking until the world
   * changes or a time-based rule is due. With `waitMs` 0 it waits for every host it must hear
   * from (`hostsToAwait`); otherwise for the first host to report, or a wake-up.
   */
  async look(state: BuildState, waitMs: number): Promise<Look> {
    const now = Date.now();
    const hosts = buildHosts(state);
    this.startLooks(state, hosts, waitMs, now);
    if (waitMs > 0) {
      await condition(() => this.wakeUp() || hosts.some((h) => this.pending.get(h)?.outcome));
      // Cancelled looks are dropped: the turn looks again at once (what they would report is not awaited).
      if (this.wakeUp()) for (const [host, p] of this.pending) if (!p.outcome) this.drop(host, p);
    } else {
      const awaited = hostsToAwait(state, hosts);
      await condition(() => awaited.every((h) => this.pending.get(h)?.outcome));
    }
    return this.collect(state, hosts);
  }

  private startLooks(state: BuildState, hosts: string[], waitMs: number, now: number): void {
    for (const [host, p] of this.pending) if (!hosts.includes(host)) this.drop(host, p);
    const decided = waitMs > 0 ? this.decided : null;
    const span = decided && quietSpanMs(state, decided.snapshot, now, decided.options);
    for (const host of hosts) {
      const quiet =
        decided && span !== null ? quietSpellOn(state, decided.snapshot, this.parts.get(host), now, span, host) : null;
      const request: ObserveRequest = {
        ...observeRequest(state, waitMs, now, host),
        ...(quiet ? { quiet } : {}),
        paneDigests: knownPanesOnHost(state, host, this.knownPanes),
      };
      const budget = Math.max(waitMs, quiet?.forMs ?? 0);
      const running = this.pending.get(host);
      if (running && (running.outcome || stillAsked(running, request, now + budget))) continue;
      if (running) this.drop(host, running);
      this.pending.set(host, this.start(host, request, budget, now));
    }
  }

  private drop(host: string, p: Pending): void {
    p.scope.cancel();
    this.pending.delete(host);
  }

  private start(host: string, request: ObserveRequest, budget: number, now: number): Pending {
    const scope = new CancellationScope();
    const pending: Pending = { request, endsAt: now + budget, scope, outcome: null };
    scope
      .run(() => this.observer(host, budget)(request))
      .then(
        (observation) => void (pending.outcome = { observation }),
        (error: unknown) => void (pending.outcome = { error }),
      );
    return pending;
  }

  /** Takes in every host's finished observe; a host still looking contributes its last report. */
  private collect(state: BuildState, hosts: string[]): Look {
    const looks: Record<string, Snapshot> = {};
    const contacts: Record<string, HostContact> = {};
    let news = false;
    const failed: string[] = [];
    for (const host of hosts) {
      const p = this.pending.get(host);
      const outcome = p?.outcome ?? null;
      if (outcome) this.pending.delete(host);
      if (outcome && 'observation' in outcome) {
        const restored = restorePanes(outcome.observation, this.knownPanes);
        this.knownPanes = withHostPanes(state, host, this.knownPanes, restored.known);
        this.parts.set(host, restored.snapshot);
        this.errors.delete(host);
        news = true;
      } else if (outcome && !isCancellation(outcome.error)) {
        const message = rootMessage(outcome.error);
        this.errors.set(host, message);
        this.parts.delete(host);
        failed.push(host);
        log.warn('observe failed', { host, error: message });
      }
      const reported = outcome && 'observation' in outcome;
      const look = lookOfHost(this.parts.get(host), reported);
      if (look) looks[host] = look;
      contacts[host] = {
        observed: reported === true,
        observeError: this.errors.get(host) ?? null,
        timeoutMs: this.timeoutMs,
      };
    }
    return { snapshot: news ? mergeLooks(state, looks) : null, hosts: contacts, failed };
  }
}
