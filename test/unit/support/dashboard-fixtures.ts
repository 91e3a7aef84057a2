/**
 * Builders for the dashboard view tests: a build snapshot of the TEAM build (builder, adversary,
 * librarian, migrator; phases p1–p3) whose status view and events each test shapes, and events
 * numbered in order with their times in minutes after T0.
 */
import type { BuildSnapshot, FeedEvent } from '../../../src/core/dashboard/types';
import type { EventTokens, EventType, StewardEvent } from '../../../src/core/events';
import type { AgentState, BuildState } from '../../../src/core/state/build';
import { statusView, type BuildStatusView } from '../../../src/core/status-view';
import { MINUTE, stateFor, T0, TEAM_TOML } from './build-state';

export { MINUTE, T0 };

export const at = (min: number) => T0 + min * MINUTE;

export type Spec = [minute: number, type: EventType, data?: Partial<StewardEvent>];

/** Events numbered in order, `at` given in minutes after T0. */
export function log(...specs: Spec[]): StewardEvent[] {
  return specs.map(([min, type, data], i) => ({ seq: i + 1, at: at(min), type, message: type, ...data }));
}

export const tok = (input: number, output = 0, write = 0, read = 0): EventTokens => ({
  input_tokens: input,
  output_tokens: output,
  cache_creation_input_tokens: write,
  cache_read_input_tokens: read,
});

/** The TEAM build's status view, started at T0, its agents all alive, idle 10 s and launched at T0, with `patch` applied. */
export function teamStatus(patch: Partial<BuildState> = {}, agents: Record<string, Partial<AgentState>> = {}) {
  const state = stateFor(TEAM_TOML, { startedAt: T0, launched: true, ...patch });
  for (const name of Object.keys(state.agents)) {
    state.agents[name] = { ...state.agents[name], alive: true, idleSeconds: 10, startedAt: T0, ...agents[name] };
  }
  return statusView(state);
}

/** A running TEAM build with no events, stall_idle 10 min, no budget, every agent watched heal+stall. */
export function snapshot(patch: Partial<BuildSnapshot> = {}, status: BuildStatusView | null = teamStatus()) {
  const build: BuildSnapshot = {
    name: 'team',
    workflowId: 'build/team',
    workflowStatus: 'RUNNING',
    status,
    events: [],
    budget: null,
    stallIdleMs: 10 * MINUTE,
    watch: {},
    webUiUrl: null,
    models: null,
  };
  return { ...build, ...patch };
}

/** `events` as the feed carries them: of `build`, ids `e1.<n>` from `first` on. */
export function feedEvents(build: string, events: readonly StewardEvent[], first = 1): FeedEvent[] {
  return events.map((e, i) => ({ ...e, build, id: `e1.${first + i}` }));
}
