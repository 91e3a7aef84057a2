import type { StewardConfig } from './config/types';
import type { PollerFacts } from './doctor';
import { RECENT_POLL_SECONDS } from './doctor';
import { activityQueueFor } from './host-queue';
import { buildHosts, configOnHost, loopHostOf } from './hosts';

/** What one host carries of one running build. */
export interface HostCarry {
  build: string;
  agents: string[];
  services: string[];
  /** The host observes the build's work repo (`[loop] host`). */
  loop: boolean;
  /** The build's own host: its config file, event log and reports are there. */
  own: boolean;
}

/** One row of `steward hosts`: a host, the workers polling its queue, and what it carries. */
export interface HostRow {
  host: string;
  queue: string;
  /** Workers that polled its activity queue lately (Temporal's task-queue description); null when it could not be read. */
  workers: PollerFacts[] | null;
  /** How many of them polled within the last RECENT_POLL_SECONDS. */
  live: number;
  carries: HostCarry[];
}

/** A running build as `steward hosts` reads it: its name, its own host and the config it runs. */
export interface RunningBuild {
  build: string;
  hostId: string;
  config: Pick<StewardConfig, 'agents' | 'services' | 'loop'>;
}

/**
 * Every host the running builds use (and any other queried), each with its workers and what it
 * carries, sorted by host. Pure.
 */
export function hostRows(builds: RunningBuild[], workers: Record<string, PollerFacts[] | null>): HostRow[] {
  const rows = new Map<string, HostRow>();
  const row = (host: string): HostRow => {
    let r = rows.get(host);
    if (!r) {
      const seen = Object.hasOwn(workers, host) ? workers[host]! : null;
      const live = (seen ?? []).filter((p) => p.ageSeconds <= RECENT_POLL_SECONDS).length;
      r = { host, queue: activityQueueFor(host), workers: seen, live, carries: [] };
      rows.set(host, r);
    }
    return r;
  };
  for (const host of Object.keys(workers)) row(host);
  for (const b of builds) {
    const state = { config: b.config as StewardConfig, hostId: b.hostId };
    for (const host of buildHosts(state)) {
      const mine = configOnHost(state, host);
      row(host).carries.push({
        build: b.build,
        agents: mine.agents.map((a) => a.name),
        services: mine.services.map((s) => s.name),
        loop: b.config.loop !== undefined && loopHostOf(state) === host,
        own: host === b.hostId,
      });
    }
  }
  return [...rows.values()].sort((a, b) => a.host.localeCompare(b.host));
}

/** The hosts whose queues `steward hosts` describes: every host of every running build. */
export function hostsToDescribe(builds: RunningBuild[]): string[] {
  return [
    ...new Set(builds.flatMap((b) => buildHosts({ config: b.config as StewardConfig, hostId: b.hostId }))),
  ].sort();
}
