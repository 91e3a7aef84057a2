import type { BuildState } from './state/build';
import type { Snapshot } from './state/snapshot';
import { decideTick, TickOptions } from './tick';
import { shouldFetch } from './fetch-backoff';
import { lookSignature } from './look-signature';
import { lookOnHost } from './host-looks';

/** However quiet the world, the workflow hears from the host at least every this many ticks (5 min at 15 s). */
export const MAX_QUIET_TICKS = 20;

/** What the next observe may do on its own: keep looking, unreported, while its looks match `signature`. */
export interface QuietSpell {
  /** From the observe's start: its last look is due then at the latest, changed or not. */
  forMs: number;
  /** The world the build decided on, as `lookSignature` digests it. */
  signature: string;
}

/**
 * The world as the next look will find it if nothing happens: the same panes, services, head,
 * files and totals; no new commits (the handoff took them in); a config edit already taken in
 * reads as none; and no fetch (one that fails is a change the host reports at once).
 */
export function steadyLook(state: BuildState, last: Snapshot, at: number): Snapshot {
  const editPending = last.config !== null && last.config.hash !== state.configHash;
  return {
    ...last,
    at,
    repo: last.repo && { ...last.repo, commits: [], fetched: false, fetchError: null },
    config: editPending ? last.config : null,
  };
}

/**
 * How long the world may stay as `last` showed it before a time-based rule acts on it: the first
 * tick of the interval's grid at which the tick's own rules (stall, wake, rate-limit reset,
 * reboot backoff, heavy-tick healing, budgets, token windows) plan an action, write an event or
 * close a token window, found by running them on the steady look. A fetch that is backing off is
 * due when its retry is. Null when there is nothing to wait for beyond one interval: the next
 * observe looks once, as a plain tick does. Pure.
 */
export function quietSpanMs(
  state: BuildState,
  last: Snapshot | null,
  now: number,
  options: TickOptions,
): number | null {
  const interval = state.config.watchdog.signal_interval;
  if (!last || interval <= 0) return null;
  const fetchDue = state.config.loop && !shouldFetch(state.fetchHealth, now) ? state.fetchHealth.retryAt : Infinity;
  const horizon = Math.min(now + MAX_QUIET_TICKS * interval, fetchDue);
  let sim = state;
  let until = now + interval;
  for (; until < horizon; until += interval) {
    const tick = decideTick(sim, steadyLook(state, last, until), until, () => 'quiet-spell', options);
    if (tick.actions.length || tick.events.length || tick.tokenRecords.length) break;
    sim = tick.state;
  }
  const forMs = Math.min(until, horizon) - now;
  return forMs > interval ? forMs : null;
}

/**
 * The spell of `host`'s next observe: `forMs` long, compared with the steady look of its part of the
 * world as the host itself last reported it (`reported`; before its first report, the decided
 * snapshot). Not its part of the snapshot the turn decided on: there a host still looking counts as
 * heard before (no repo, no config), which its looks never match, so its running observe would be
 * cancelled and asked again each time another host reports.
 */
export function quietSpellOn(
  state: BuildState,
  decided: Snapshot,
  reported: Snapshot | undefined,
  now: number,
  forMs: number,
  host: string,
): QuietSpell {
  return { forMs, signature: lookSignature(lookOnHost(state, host, steadyLook(state, reported ?? decided, now))) };
}

/**
 * Whether the observe keeps looking, unreported: it is in a spell with `leftMs` to run, it waits
 * between looks (never a busy loop), and `look` matches the world the build decided on.
 */
export function stillQuiet(req: { quiet?: QuietSpell; waitMs: number }, look: Snapshot, leftMs: number): boolean {
  return req.quiet !== undefined && req.waitMs > 0 && leftMs > 0 && lookSignature(look) === req.quiet.signature;
}
