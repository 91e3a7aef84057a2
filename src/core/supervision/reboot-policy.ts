import type { WatchdogConfig } from '../config/types';
import type { NewEvent } from '../events';

/** The watchdog settings that pace reboots (all durations in ms). */
export type RebootPolicy = Pick<WatchdogConfig, 'reboot_backoff' | 'crash_loop_reboots' | 'crash_loop_window'>;

export type RebootGate =
  /** Reboot now. */
  | { kind: 'reboot' }
  /** Too soon after the previous reboot: not before `until` (epoch ms). */
  | { kind: 'backoff'; until: number }
  /** `reboots` reboots inside the window already: stop rebooting and escalate. */
  | { kind: 'crash_loop'; reboots: number };

/** Reboots (epoch ms) inside the crash-loop window that ends at `now`. */
export function rebootsInWindow(reboots: number[], policy: RebootPolicy, now: number): number[] {
  return reboots.filter((at) => now - at < policy.crash_loop_window);
}

/**
 * May the agent be rebooted (by a stall verdict or by healing a dead session) at `now`?
 *
 * - With `crash_loop_reboots` reboots already inside `crash_loop_window`, the reboots did not help:
 *   a crash loop. So `crash_loop_reboots` reboots are made, and the need for one more escalates.
 * - Otherwise the next reboot is the k-th inside the window (k = reboots there + 1) and waits
 *   `reboot_backoff × 2^(k-1)` after the previous reboot: 1×, 2×, 4× … An agent never rebooted
 *   before is rebooted at once.
 */
export function rebootGate(reboots: number[], policy: RebootPolicy, now: number): RebootGate {
  const recent = rebootsInWindow(reboots, policy, now);
  if (recent.length >= policy.crash_loop_reboots) return { kind: 'crash_loop', reboots: recent.length };
  if (reboots.length === 0) return { kind: 'reboot' };
  const previous = Math.max(...reboots);
  const until = previous + policy.reboot_backoff * 2 ** recent.length;
  return now >= until ? { kind: 'reboot' } : { kind: 'backoff', until };
}

/**
 * The reboot list with one made at `now`. Only reboots inside the window matter (plus the latest,
 * which the backoff counts from), so older ones are dropped and the list stays bounded in
 * workflow state across continue-as-new.
 */
export function withReboot(reboots: number[], policy: RebootPolicy, now: number): number[] {
  return [...rebootsInWindow(reboots, policy, now), now];
}

/**
 * The escalation when `rebootGate` says crash loop. The caller also sets `crashLooped`, from which
 * the workflow raises the StewardEscalation search attribute; an operator restart clears both.
 */
export function crashLoopEvent(agent: string, reboots: number, policy: RebootPolicy, why: string): NewEvent {
  const minutes = Math.round(policy.crash_loop_window / 60_000);
  return {
    type: 'crash_loop',
    agent,
    message: `${reboots} reboots within ${minutes}m and still failing (${why}); not rebooting again until an operator restarts it`,
  };
}
