/**
 * Builders for the core decision tests: a real resolved config from TOML text (so every default is
 * the one a user gets), the build state a fresh workflow starts with, and repo observations.
 */
import type { BuildState } from '../../../src/core/state/build';
import type { StewardConfig } from '../../../src/core/config/types';
import { parseConfigText } from '../../../src/core/config/schema';
import { initialBuildState } from '../../../src/core/initial-state';
import type { CommitSubject, RepoObservation, Snapshot } from '../../../src/core/state/snapshot';

export const CONFIG_DIR = '/srv/steward';
export const CONFIG_SOURCE = `${CONFIG_DIR}/team.toml`;
export const HOME = '/home/op';

/** 2026-01-05 09:00:00 UTC: when the build in these tests starts. */
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

/** The builder and the adversary, both loop agents, as TOML agent tables. */
export const PAIR_AGENTS_TOML = `
[[agent]]
name = "builder"
kind = "loop"
kickoff = "You are the builder."

[[agent]]
name = "adversary"
kind = "loop"
kickoff = "You are the adversary."
`;

/**
 * A builder and an adversary (loops), a persistent librarian and a one-shot migrator, through
 * three phases; claims ping two agents, reviews one, and two inbox files are watched.
 */
export const TEAM_TOML = `
name = "team"

[watchdog]
signal_interval = "10s"
${PAIR_AGENTS_TOML}
[[agent]]
name = "librarian"
kind = "persistent"
kickoff = "You keep the docs."

[[agent]]
name = "migrator"
kind = "task"
kickoff = "Run the migration."

[loop]
repo = "work"
state_subdir = "state"
phases = [
  { id = "p1", kickoff = "Write the parser." },
  { id = "p2", kickoff = "Write the CLI." },
  { id = "p3", status = "final/STATUS.md", kickoff = "Ship it." },
]

[loop.handoff]
claim_pings = ["adversary", "librarian"]
review_pings = ["builder"]
inboxes = [
  { file = "inbox/builder.md", agent = "builder" },
  ["inbox/adversary.md", "adversary"],
]
`;

/** One agent, no [loop]. */
export const SOLO_TOML = `
name = "solo"

[[agent]]
name = "worker"
kind = "persistent"
kickoff = "Keep the lights on."
`;

export function configFor(toml: string): StewardConfig {
  const result = parseConfigText(toml, { source: CONFIG_SOURCE, baseDir: CONFIG_DIR, homeDir: HOME });
  if (!result.ok)
    throw new Error(`test config is invalid:\n${result.issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
  return result.config;
}

/** The session id the fresh build gives an agent. */
export const sid = (agent: string) => `sid-${agent}`;

/** The state a fresh build of `toml` starts with at T0 (not yet launched), with `overrides` applied. */
export function stateFor(toml: string, overrides: Partial<BuildState> = {}): BuildState {
  const config = configFor(toml);
  const base = initialBuildState({
    buildId: `build/${config.name}`,
    hostId: 'host-a',
    config,
    configHash: 'hash-0',
    now: T0,
    sessionIds: Object.fromEntries(config.agents.map((a) => [a.name, sid(a.name)])),
  });
  return { ...base, ...overrides };
}

/** A state whose agents all carry `patch` (e.g. a one-time nudge already sent). */
export function withAgents(state: BuildState, patch: Partial<BuildState['agents'][string]>): BuildState {
  return {
    ...state,
    agents: Object.fromEntries(Object.entries(state.agents).map(([n, a]) => [n, { ...a, ...patch }])),
  };
}

/** A successful fetch that saw nothing new. */
export function repoObs(overrides: Partial<RepoObservation> = {}): RepoObservation {
  return { fetched: true, fetchError: null, head: null, commits: [], phaseDone: false, inboxes: {}, ...overrides };
}

export const commit = (sha: string, subject: string): CommitSubject => ({ sha, subject });

/** A Claude Code pane in the middle of a turn: nothing for stall, wake or heal to do. */
export const BUSY_PANE = '⏺ Running the tests…\n✻ Compiling… (12s · esc to interrupt)\n';

/** A snapshot taken at `at` in which every agent of `state` is alive, busy and was last active at `at`. */
export function snapshotOf(state: BuildState, at: number, repo: RepoObservation | null): Snapshot {
  const agents = Object.fromEntries(
    state.config.agents.map((a) => [a.name, { alive: true, tail: BUSY_PANE, windowActivity: Math.floor(at / 1000) }]),
  );
  return { at, agents, repo, config: null, tokens: null };
}

/** Deterministic fresh session ids, as the workflow's uuid4 would hand them out. */
export function sessionIdSource(prefix = 'new') {
  let n = 0;
  const next = () => `${prefix}-${++n}`;
  return Object.assign(next, { count: () => n });
}
