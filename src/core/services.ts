import type { ServiceConfig, StewardConfig } from './config/types';
import type { BuildState } from './state/build';
import type { PlannedAction } from './state/actions';
import type { LaunchSpec } from './launch';
import type { Snapshot } from './state/snapshot';
import type { ServiceState } from './state/services';
import type { Decision } from './decision';

/** A service is a plain long-running command in its own tmux session: no prompt, no transcript. */
export function serviceLaunchSpec(config: StewardConfig, service: ServiceConfig, launchId: string): LaunchSpec {
  return {
    agent: service.name,
    session: service.session,
    cwd: service.cwd,
    command: service.command,
    args: service.args,
    env: { ...service.env, STEWARD_BUILD: config.name, STEWARD_SERVICE: service.name, STEWARD_SESSION_ID: launchId },
    submitKey: 'Enter',
  };
}

/**
 * Services start with the build, and on the heavy cadence a dead one watched for healing is
 * started again — also after the phase sequence completes.
 */
export function serviceDecision(
  state: BuildState,
  snap: Snapshot,
  opts: { firstTick: boolean; heavyTick: boolean; now: number; newLaunchId: () => string },
): Decision<Record<string, ServiceState>> {
  const services = { ...state.services };
  const actions: PlannedAction[] = [];
  for (const service of state.config.services) {
    const prev = services[service.name] ?? { launchId: opts.newLaunchId(), startedAt: null, alive: false, restarts: 0 };
    const seen = snap.services?.[service.name];
    // Not looked at this tick (its host is lost, or it was just added): nothing is known of it.
    if (!seen && !opts.firstTick) {
      services[service.name] = prev;
      continue;
    }
    const alive = seen?.alive ?? false;
    if (opts.firstTick) {
      services[service.name] = { ...prev, startedAt: opts.now, alive };
      actions.push({
        action: { type: 'start-service', agent: service.name },
        event: { type: 'service_started', agent: service.name, message: `started in session ${service.session}` },
      });
    } else if (!alive && opts.heavyTick && service.watch !== 'none') {
      services[service.name] = {
        launchId: opts.newLaunchId(),
        startedAt: opts.now,
        alive: false,
        restarts: prev.restarts + 1,
      };
      actions.push({
        action: { type: 'start-service', agent: service.name },
        event: {
          type: 'service_healed',
          agent: service.name,
          message: `session ${service.session} was dead: restarted`,
        },
      });
    } else {
      services[service.name] = { ...prev, alive };
    }
  }
  return { state: services, actions, events: [] };
}
