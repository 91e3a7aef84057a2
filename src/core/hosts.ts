import type { StewardConfig } from './config/types';
import type { BuildState } from './state/build';

/**
 * Which host owns what. Each host runs a worker on its own activity queue (`activityQueueFor`);
 * an agent's or a service's tmux session, clone and transcripts live on its host (`host =`, default
 * the build's host), the work repo's clone on the loop's host (`[loop] host`), and the config
 * file, the event log and the reports on the build's host. Pure.
 */

/** Where an agent or a service runs: its `host`, or the build's. */
function placedOn(state: Pick<BuildState, 'hostId'>, owner: { host?: string } | undefined): string {
  return owner?.host ?? state.hostId;
}

/** The host of an agent or a service by name (an unknown name: the build's host). */
export function hostOf(state: Pick<BuildState, 'config' | 'hostId'>, name: string): string {
  return placedOn(
    state,
    state.config.agents.find((a) => a.name === name) ?? state.config.services.find((s) => s.name === name),
  );
}

/** The host whose worker observes the work repo. */
export function loopHostOf(state: Pick<BuildState, 'config' | 'hostId'>): string {
  return state.config.loop?.host ?? state.hostId;
}

/** Every host the build uses: its own first (the config file is there), then the others by name. */
export function buildHosts(state: Pick<BuildState, 'config' | 'hostId'>): string[] {
  const others = new Set<string>();
  const add = (host: string | undefined) => host !== undefined && host !== state.hostId && others.add(host);
  for (const a of state.config.agents) add(a.host);
  for (const s of state.config.services) add(s.host);
  if (state.config.loop) add(state.config.loop.host);
  return [state.hostId, ...[...others].sort()];
}

/** The config as one host sees it: only its own agents and services. */
export function configOnHost(
  state: Pick<BuildState, 'config' | 'hostId'>,
  host: string,
): Pick<StewardConfig, 'agents' | 'services'> {
  return {
    agents: state.config.agents.filter((a) => placedOn(state, a) === host),
    services: state.config.services.filter((s) => placedOn(state, s) === host),
  };
}

/** The hosts no worker serves now: the build's own (`hostLost`) and the others (`lostHosts`). */
export function lostHostsOf(state: Pick<BuildState, 'hostId' | 'hostLost' | 'lostHosts'>): string[] {
  return [...(state.hostLost ? [state.hostId] : []), ...(state.lostHosts ?? [])];
}

/**
 * While a host of the build is lost, no agent's idle clock runs: an agent waiting on a partner
 * whose host is gone is not stalled, and once the host is back each idle stretch starts again. So a
 * host lost for longer than the stall window reboots nobody. The state as it was when none is lost.
 */
export function idleClocksHeld(state: BuildState, now: number): BuildState {
  if (lostHostsOf(state).length === 0) return state;
  const agents = Object.fromEntries(Object.entries(state.agents).map(([name, a]) => [name, { ...a, idleSince: now }]));
  return { ...state, agents };
}
