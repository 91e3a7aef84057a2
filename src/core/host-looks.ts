import type { BuildState } from './state/build';
import type { Snapshot } from './state/snapshot';
import type { AgentTokenTotals } from './tokens/host-contract';
import { configOnHost, loopHostOf } from './hosts';

/**
 * A build whose agents are on several hosts is looked at by one observe per host. These put the
 * hosts' looks together into the one snapshot the tick decides on, and take one host's part out
 * of it again (what that host's next observe compares its looks with). Pure.
 */

/** The part of `look` that `host` observes: its agents and services, the repo on the loop's host, the config on the build's. */
export function lookOnHost(state: BuildState, host: string, look: Snapshot): Snapshot {
  const mine = configOnHost(state, host);
  const agents = new Set(mine.agents.map((a) => a.name));
  const services = new Set(mine.services.map((s) => s.name));
  const pick = <T>(map: Record<string, T>, names: Set<string>) =>
    Object.fromEntries(Object.entries(map).filter(([name]) => names.has(name)));
  const ownServices = look.services && pick(look.services, services);
  return {
    at: look.at,
    agents: pick(look.agents, agents),
    ...(ownServices && Object.keys(ownServices).length > 0 ? { services: ownServices } : {}),
    repo: loopHostOf(state) === host ? look.repo : null,
    config: host === state.hostId ? look.config : null,
    tokens: look.tokens && {
      agents: pick(look.tokens.agents, agents),
      limits: look.tokens.limits.filter((l) => agents.has(l.agent)),
      sessions: pick(look.tokens.sessions, agents),
      read: look.tokens.read,
    },
  };
}

/**
 * The part of a host that is still looking, as the turn reads it: its agents, services and token
 * totals as it last reported them (its looks since matched them), but no repo and no config: those
 * the build took in with that report, and a repo observation answers for the phase it was asked
 * about, which may be over.
 */
export function heardBefore(part: Snapshot): Snapshot {
  return { ...part, repo: null, config: null };
}

/**
 * What a host gives a tick's snapshot: its new report (`reported` true); while it is still looking
 * (null), its last report, heard before; after a failed or cancelled observe (false), nothing.
 */
export function lookOfHost(last: Snapshot | undefined, reported: boolean | null): Snapshot | undefined {
  if (!last) return undefined;
  if (reported === null) return heardBefore(last);
  return reported ? last : undefined;
}

/**
 * One snapshot from the hosts' looks (host → its look; a host without one is lost or has not
 * answered: its agents are left out, so no rule acts on them, and their token totals stay as the
 * build last counted them). One host's look is the snapshot as it is.
 */
export function mergeLooks(state: BuildState, looks: Record<string, Snapshot>): Snapshot {
  const parts = Object.values(looks);
  if (parts.length === 1) return parts[0]!;
  const services = Object.assign({}, ...parts.map((p) => p.services ?? {})) as NonNullable<Snapshot['services']>;
  return {
    at: Math.max(...parts.map((p) => p.at)),
    agents: Object.assign({}, ...parts.map((p) => p.agents)) as Snapshot['agents'],
    ...(Object.keys(services).length > 0 ? { services } : {}),
    repo: looks[loopHostOf(state)]?.repo ?? null,
    config: looks[state.hostId]?.config ?? null,
    tokens: mergeTokens(state, parts),
  };
}

function mergeTokens(state: BuildState, parts: Snapshot[]): AgentTokenTotals | null {
  const read = parts.flatMap((p) => (p.tokens ? [p.tokens] : []));
  if (read.length === 0) return null;
  // An agent no host counted this time keeps its last totals: the ledger replaces totals whole.
  const agents = {
    ...state.tokens.totals,
    ...Object.assign({}, ...read.map((t) => t.agents)),
  } as AgentTokenTotals['agents'];
  const sum = (key: 'files' | 'filesRead' | 'bytesRead' | 'resets') => read.reduce((n, t) => n + t.read[key], 0);
  return {
    agents,
    limits: read.flatMap((t) => t.limits),
    sessions: Object.assign({}, ...read.map((t) => t.sessions)) as AgentTokenTotals['sessions'],
    read: {
      files: sum('files'),
      filesRead: sum('filesRead'),
      bytesRead: sum('bytesRead'),
      resets: sum('resets'),
      fresh: read.some((t) => t.read.fresh),
      saved: read.some((t) => t.read.saved),
    },
  };
}
