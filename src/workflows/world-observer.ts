import { CancellationScope, condition, isCancellation, log } from '@temporalio/workflow';
import type { BuildState } from '../core/state/build';
import type { Snapshot } from '../core/state/snapshot';
import { KnownPanes, paneDigests, restorePanes } from '../core/known-panes';
import { observeRequest } from '../core/observe-request';
import type { hostActivities } from './host-activities';
import { rootMessage } from './activity-failures';

/**
 * The loop's eyes: one observe activity per look. It remembers the pane texts already seen (an
 * unchanged pane is not sent again, so history stays small on idle ticks) and the last failure.
 */
export class WorldObserver {
  /** The last observe failure's message; null once one succeeds. */
  observeError: string | null = null;
  private knownPanes: KnownPanes = {};

  constructor(
    private readonly observer: ReturnType<typeof hostActivities>['observer'],
    /** Whether something waits to be handled: a look that is waiting out its interval is cancelled. */
    private readonly wakeUp: () => boolean,
  ) {}

  /** Looks after `waitMs` (at once when 0); null when the look failed or was cancelled by a wake-up. */
  async look(state: BuildState, waitMs: number): Promise<Snapshot | null> {
    const scope = new CancellationScope();
    const request = { ...observeRequest(state, waitMs, Date.now()), paneDigests: paneDigests(this.knownPanes) };
    const pending = scope.run(() => this.observer(waitMs)(request));
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
      if (!isCancellation(err)) {
        this.observeError = rootMessage(err);
        log.warn('observe failed', { error: this.observeError });
      }
      return null;
    }
  }
}
