import type { WatchdogConfig } from './config/types';

/** The task queue of a host's activities: its tmux sessions, git clone and transcripts live there. */
export function activityQueueFor(hostId: string): string {
  return `steward@${hostId}`;
}

/** A host whose worker stops polling is noticed within this schedule-to-start timeout. */
export function hostTimeoutMs(watchdog: Pick<WatchdogConfig, 'signal_interval'>): number {
  return Math.max(10_000, 3 * watchdog.signal_interval);
}
