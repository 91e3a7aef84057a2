import type { Observation, Snapshot } from './state/snapshot';

/** Each agent's last full pane text and its digest, kept in workflow memory (rebuilt by replay). */
export type KnownPanes = Record<string, { digest: string; tail: string }>;

/** The digests to name in the next observe request: a pane still showing that text comes back without it. */
export function paneDigests(known: KnownPanes): Record<string, string> {
  return Object.fromEntries(Object.entries(known).map(([name, pane]) => [name, pane.digest]));
}

/**
 * The snapshot with every left-out pane put back from `known`, and what is known now. A pane
 * reported unchanged that is not known (cannot happen unless the request named a digest it had
 * not got) reads as empty, which no rule acts on.
 */
export function restorePanes(observation: Observation, known: KnownPanes): { snapshot: Snapshot; known: KnownPanes } {
  const agents: Snapshot['agents'] = {};
  const next: KnownPanes = {};
  for (const [name, seen] of Object.entries(observation.agents)) {
    if ('unchanged' in seen) {
      const pane = known[name];
      agents[name] = {
        alive: seen.alive,
        windowActivity: seen.windowActivity,
        tail: pane?.tail ?? '',
        ...(pane ? { digest: pane.digest } : {}),
      };
      if (pane) next[name] = pane;
      continue;
    }
    agents[name] = seen;
    if (seen.alive && seen.digest !== undefined) next[name] = { digest: seen.digest, tail: seen.tail };
  }
  return { snapshot: { ...observation, agents }, known: next };
}
