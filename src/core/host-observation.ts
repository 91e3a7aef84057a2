import type { BuildState } from './state/build';
import type { ObserveRequest } from './observe-request';
import type { KnownPanes } from './known-panes';
import { configOnHost, lostHostsOf } from './hosts';

/**
 * The rules of looking at several hosts at once (src/workflows/world-observer.ts runs them). Pure.
 */

/**
 * The hosts a look that must not wait (after a signal) waits for: all of them for a build on one
 * host, as ever; otherwise those not lost, so a dead host does not hold up the others' turn (its
 * observe keeps running, and its answer comes in with a later look).
 */
export function hostsToAwait(state: BuildState, hosts: string[]): string[] {
  if (hosts.length <= 1) return hosts;
  const lost = new Set(lostHostsOf(state));
  return hosts.filter((h) => !lost.has(h));
}

/**
 * Whether an observe still running answers what the next look would ask: the same request (the
 * same agents, sessions, repo query and known panes, and if it is in a quiet spell, the same world
 * to compare with), reporting no later than `endsAt`. Then it is left running; otherwise it is
 * cancelled and asked again.
 */
export function stillAsked(
  running: { request: ObserveRequest; endsAt: number },
  next: ObserveRequest,
  endsAt: number,
): boolean {
  if (running.endsAt > endsAt) return false;
  const ask = ({ waitMs: _w, quiet, ...rest }: ObserveRequest) => JSON.stringify([rest, quiet?.signature ?? null]);
  return running.request.quiet === undefined
    ? ask({ ...running.request }) === ask({ ...next, quiet: undefined })
    : ask(running.request) === ask(next);
}

/**
 * Whether the turn must look again at once before deciding: its look brought no report (a signal
 * cancelled it, or it failed). With several hosts, a failure is news enough (the turn marks the host
 * lost without waiting for another look at it); a build on one host looks again, as it always has.
 */
export function looksAgainAtOnce(hostCount: number, look: { snapshot: unknown; failed: string[] }): boolean {
  return look.snapshot === null && (hostCount <= 1 || look.failed.length === 0);
}

/** The digests of the panes the workflow knows on `host`: what its observe need not send again. */
export function knownPanesOnHost(state: BuildState, host: string, known: KnownPanes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of configOnHost(state, host).agents) if (known[a.name]) out[a.name] = known[a.name]!.digest;
  return out;
}

/** The known panes once `host` reported: its agents' as it reported them, the others' as they were. */
export function withHostPanes(state: BuildState, host: string, known: KnownPanes, reported: KnownPanes): KnownPanes {
  const onHost = new Set(configOnHost(state, host).agents.map((a) => a.name));
  const kept = Object.fromEntries(Object.entries(known).filter(([name]) => !onHost.has(name)));
  return { ...kept, ...reported };
}
