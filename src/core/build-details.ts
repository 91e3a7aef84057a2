import { BuildState, currentPhaseId, phases } from './state/build';
import { hostOf, lostHostsOf } from './hosts';

/**
 * What the Web UI shows of a running build: its search attributes (the columns and filters of the
 * workflow list) and its current details (the text on the build's page). Both are rendered here;
 * the workflow publishes them when they change (`webUiUpdate`), at most once per tick.
 */

/** Values of the StewardPhase, StewardStatus, StewardProject and StewardEscalation search attributes. */
export interface SearchAttributeValues {
  phase: string;
  status: string;
  project: string;
  escalation: string;
}

/** What needs an operator: crash-looped agents, a budget pause, a host nobody serves. */
export function escalations(state: BuildState): string[] {
  const escalated = Object.entries(state.agents)
    .filter(([, a]) => a.crashLooped)
    .map(([n]) => `crash-loop:${n}`);
  if (state.budgetPaused) escalated.push('budget');
  for (const host of lostHostsOf(state)) escalated.push(`host-lost:${host}`);
  return escalated;
}

export function searchAttributeValues(state: BuildState): SearchAttributeValues {
  const escalated = escalations(state);
  return {
    phase: currentPhaseId(state) ?? 'complete',
    status: state.status,
    project: state.config.name,
    escalation: escalated.length ? escalated.join(',') : 'none',
  };
}

/**
 * When the search attributes are upserted again: a change of status, phase, budget pause, lost
 * host or crash loop. Upserting is a workflow command, so this key must stay as it is for running
 * builds to replay (docs/versioning.md): a change to it needs a patch.
 */
export function searchAttributesKey(state: BuildState): string {
  return JSON.stringify([
    state.status,
    state.phaseIndex,
    state.budgetPaused,
    state.hostLost,
    Object.values(state.agents).map((a) => a.crashLooped),
    // Only builds on several hosts have other hosts to lose: a one-host build's key is as it was.
    ...(state.lostHosts ? [state.lostHosts] : []),
  ]);
}

function agentSummary(state: BuildState, name: string, a: BuildState['agents'][string]): string {
  const host = hostOf(state, name);
  const notes = [...(host === state.hostId ? [] : [`on ${host}`]), a.alive ? 'alive' : 'down'];
  if (a.crashLooped) notes.push('CRASH-LOOP');
  if (a.rateLimitedUntil) notes.push('rate-limited');
  if (a.blockedSince !== null && a.blockedSince !== undefined) notes.push('at a permission prompt');
  if (a.held?.length) notes.push(`${a.held.length} message(s) pending`);
  return `${name}: ${notes.join(' ')}`;
}

/** The build's current details in the Web UI (Markdown). */
export function currentDetails(state: BuildState): string {
  const phase = currentPhaseId(state) ?? 'complete';
  const agents = Object.entries(state.agents)
    .map(([name, a]) => agentSummary(state, name, a))
    .join(', ');
  const escalated = escalations(state);
  const last = state.events[state.events.length - 1];
  return (
    `**${state.config.name}** — ${state.status}, phase ${phase} (${Math.min(state.phaseIndex + 1, phases(state).length)}/${phases(state).length})\n\n` +
    `Agents: ${agents || 'none'}\n\n` +
    (escalated.length ? `Escalation: ${escalated.join(', ')}\n\n` : '') +
    `Last: ${last ? `${last.type}${last.agent ? ` ${last.agent}` : ''} ${last.message}` : '—'}`
  );
}

/** What the Web UI was last given. */
export interface WebUiView {
  attributesKey: string;
  details: string;
}

export interface WebUiUpdate {
  view: WebUiView;
  /** Search attributes to upsert; null when they need no upsert. */
  attributes: SearchAttributeValues | null;
  /** Current details to set; null when they are what the UI already shows. */
  details: string | null;
}

/**
 * What to publish, given what was last published (`shown`; null: publish everything). The details
 * follow everything they show: an agent coming up or going down, a held message, the last event.
 */
export function webUiUpdate(shown: WebUiView | null, state: BuildState): WebUiUpdate {
  const view = { attributesKey: searchAttributesKey(state), details: currentDetails(state) };
  return {
    view,
    attributes: !shown || shown.attributesKey !== view.attributesKey ? searchAttributeValues(state) : null,
    details: !shown || shown.details !== view.details ? view.details : null,
  };
}
