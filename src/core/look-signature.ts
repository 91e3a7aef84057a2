import type { Snapshot } from './state/snapshot';
import { textDigest } from './pane/digest';

/**
 * A short digest of everything in a look that a decision reads and that can change without the
 * clock: each pane's text and liveness, each service's liveness, origin/main's head, the phase's
 * done marker, the inbox files, a failing fetch, a config edit not taken in yet, the token totals.
 * The host computes it for each look and the workflow for the world it decided on: while they
 * agree, looking again tells the build nothing new. Left out on purpose: the pane's activity time
 * (a later one only moves the idle clock later) and the look's own time. Pure.
 */
export function lookSignature(look: Snapshot): string {
  const agents = Object.entries(look.agents)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, pane]) => [name, pane.alive ? (pane.digest ?? textDigest(pane.tail)) : 'dead']);
  const services = Object.entries(look.services ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, s]) => [name, s.alive]);
  const repo = look.repo && {
    head: look.repo.head,
    phaseDone: look.repo.phaseDone,
    inboxes: Object.entries(look.repo.inboxes).sort(([a], [b]) => a.localeCompare(b)),
    fetchFailed: look.repo.fetchError !== null,
  };
  const tokens = look.tokens && {
    agents: Object.entries(look.tokens.agents).sort(([a], [b]) => a.localeCompare(b)),
    limits: look.tokens.limits,
  };
  return textDigest(JSON.stringify([agents, services, repo, look.config?.hash ?? null, tokens]));
}
