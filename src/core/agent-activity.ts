/**
 * Busy/idle telemetry: `agent_busy` and `agent_idle` when an agent's pane changes between the two,
 * for its utilisation. Pure.
 */
import type { AgentState, BuildState } from './state/build';
import type { AgentObservation, Snapshot } from './state/snapshot';
import type { NewEvent } from './events';
import type { Decision } from './decision';
import type { PanePatterns } from './pane';
import { classifyPane } from './pane';
import { panePatternsOf } from './supervision/backend-patterns';

/** Busy when the pane shows the backend's busy indicator; anything else (a dead session, a prompt, a dialog, a limit) is idle. */
export function busyOrIdle(observation: AgentObservation, patterns: PanePatterns): 'busy' | 'idle' {
  return observation.alive && classifyPane(observation.tail, patterns) === 'busy' ? 'busy' : 'idle';
}

/**
 * Each observed agent's pane classified busy or idle (`busyOrIdle`, as supervision reads it): an
 * event when that differs from the last classification (`paneActivity`) or is the first, none
 * while it stays the same, so an idle hour is no events at all.
 */
export function agentActivityDecision(state: BuildState, snap: Snapshot): Decision<Record<string, AgentState>> {
  const agents = { ...state.agents };
  const events: NewEvent[] = [];
  for (const agent of state.config.agents) {
    const before = agents[agent.name];
    const observation = snap.agents[agent.name];
    const backend = state.config.backends[agent.backend];
    if (!before || !observation || !backend) continue;
    const now = busyOrIdle(observation, panePatternsOf(backend));
    if (before.paneActivity === now) continue;
    agents[agent.name] = { ...before, paneActivity: now };
    const message = now === 'busy' ? 'pane busy' : observation.alive ? 'pane idle' : 'pane idle: session not running';
    events.push({ type: now === 'busy' ? 'agent_busy' : 'agent_idle', agent: agent.name, message });
  }
  return { state: agents, actions: [], events };
}
