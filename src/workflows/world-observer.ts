import { CancellationScope, condition, isCancellation, log } from '@temporalio/workflow';
import type { BuildState } from '../core/state/build';
import type { Snapshot } from '../core/state/snapshot';
import { KnownPanes, paneDigests, restorePanes } from '../core/known-panes';
import { observeRequest } from '../core/observe-request';
import { quietSpell } from '../core/quiet-spell';
import type { TickOptions } from '../core/tick';
import type { hostActivities } from './host-activities';
import { rootMessage } from './activity-failures';

/**
 * The loop's eyes: one observe activity per look. It remembers the pane texts already seen (an
 * unchanged pane is not sent again, so history stays small on idle ticks), the world the last
 * turn decided on (while it stays so, the observe keeps looking on the host: `quietSpell`) and
 * the last failure.
 */
export class WorldObserver {
  /** The last observe failure's message; null once one succeeds. */
  observeError: string | null = null;
  private knownPanes: KnownPanes = {};
  /** The snapshot the last turn decided on, and how it ticked; null after a failed look. */
  private decided: { snapshot: Snapshot; options: TickOptions } | null = null;

  constructor(
    private readonly observer: ReturnType<typeof hostActivities>['observer'],
    /** Whether something waits to be handled: a look that is waiting out its interval is cancelled. */
    private readonly wakeUp: () => boolean,
  ) {}

  /** The turn decided on `snapshot` with `options` (none: it had no look): the next look may wait for it to change. */
  decidedOn(snapshot: Snapshot | null, options: TickOptions): void {
    this.decided = snapshot && { snapshot, options };
  }

  /**
   * Looks after `waitMs` (at once when 0), or in a quiet spell keeps looking until the world
   * changes or a time-based rule is due; null when the look failed or was cancelled by a wake-up.
   */
  async look(state: BuildState, waitMs: number): Promise<Snapshot | null> {
    const scope = new CancellationScope();
    const now = Date.now();
    const quiet =
      waitMs > 0 && this.decided ? quietSpell(state, this.decided.snapshot, now, this.decided.options) : null;
    const request = {
      ...observeRequest(state, waitMs, now),
      ...(quiet ? { quiet } : {}),
      paneDigests: paneDigests(this.knownPanes),
    };
    const pending = scope.run(() => this.observer(Math.max(waitMs, quiet?.forMs ?? 0))(request));
    pending.catch(() => undefined);
    if (waitMs > 0) {
      await Promise.race([
        pending.then(
          () => undefined,
          () => undefined,
        ),
        condition(this.wakeUp),
      ]);
      if (this.wakeUp()) scope.cancel();
    }
    try {
      const restored = restorePanes(await pending, this.knownPanes);
      this.knownPanes = restored.known;
      this.observeError = null;
      return restored.snapshot;
    } catch (err) {
      this.decided = null;
      if (!isCancellation(err)) {
        this.observeError = rootMessage(err);
        log.warn('observe failed', { error: this.observeError });
      }
      return null;
    }
  }
}
