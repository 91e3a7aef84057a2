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
 *   `reboot_backoff × 2^(k-1)` after the previous (re)start, `lastStart` (a reboot sets it, so for
 *   k > 1 that is the previous reboot): with the defaults 60 s, 120 s, 240 s. An agent that dies
 *   right after its launch is thus restarted no sooner than one `reboot_backoff` later.
 */
export function rebootGate(reboots: number[], lastStart: number | null, policy: RebootPolicy, now: number): RebootGate {
  const recent = rebootsInWindow(reboots, policy, now);
  if (recent.length >= policy.crash_loop_reboots) return { kind: 'crash_loop', reboots: recent.length };
  const previous = Math.max(lastStart ?? -Infinity, ...reboots);
  if (previous === -Infinity) return { kind: 'reboot' };
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
