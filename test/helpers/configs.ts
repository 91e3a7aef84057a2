/**
 * The TOML configs the integration tests run, built from a few shared pieces: the build header,
 * a scripted-agent backend, agent tables, the loop table. Each test's config says only what is its own.
 */

/** The pane patterns of the demo's scripted agents (busy while a rule runs, idle at the prompt). */
export const DEMO_PATTERNS = { busy_patterns: ['esc to interrupt'], idle_patterns: ['^> ?$'] };

/** A TOML table's body: each key's value as a TOML string, number or boolean. */
export type TomlKeys = Record<string, string | number | boolean | string[]>;

function tomlKeys(keys: TomlKeys, separator = '\n'): string {
  return Object.entries(keys)
    .map(([key, value]) => `${key} = ${JSON.stringify(value)}`)
    .join(separator);
}

/** `name`, `session_prefix` and the `[watchdog]` table (its body as given, or its keys). */
export function buildHeader(name: string, watchdog: string | TomlKeys): string {
  return `
name = "${name}"
session_prefix = "${name}-"
[watchdog]
${typeof watchdog === 'string' ? watchdog : tomlKeys(watchdog)}`;
}

/** A `[backend.<name>]` table running the scripted agent with `script`, with optional pane patterns. */
export function scriptedAgentBackend(name: string, script: string, patterns: Record<string, string[]> = {}): string {
  return `
[backend.${name}]
command = "steward-scripted-agent"
args = ["--script", ${JSON.stringify(script)}]
session_id_flag = "--session-id"
${tomlKeys(patterns)}`;
}

/** A `[backend.<name>]` table that runs `command` (with none of a scripted agent's keys). */
export function commandBackend(name: string, command: string): string {
  return `
[backend.${name}]
command = ${JSON.stringify(command)}`;
}

export interface AgentTable {
  name: string;
  /** Left out: the config's only backend. */
  backend?: string;
  cwd: string;
  kind?: string;
  kickoff?: string;
  wake?: { interval: number; message?: string };
  /** Left out: the build's host. */
  host?: string;
}

/** An `[[agent]]` table; keys left out take the config's defaults. */
export function agentTable(agent: AgentTable): string {
  const { name, kind, backend, cwd, kickoff, wake, host } = agent;
  return `
[[agent]]
name = "${name}"
${kind ? `kind = "${kind}"\n` : ''}${backend ? `backend = "${backend}"\n` : ''}${host ? `host = "${host}"\n` : ''}cwd = ${JSON.stringify(cwd)}
${kickoff !== undefined ? `kickoff = ${JSON.stringify(kickoff)}` : ''}${wake ? `\nwake = { ${tomlKeys({ ...wake }, ', ')} }` : ''}`;
}

export interface Phase {
  id: string;
  kickoff?: string;
}

/** The `[loop]` table on the supervisor clone: its phases, and any more of its keys (TOML lines). */
export function loopTable(phases: Phase[], extra = ''): string {
  const list = phases.map(
    ({ id, kickoff }) => `{ id = "${id}"${kickoff !== undefined ? `, kickoff = ${JSON.stringify(kickoff)}` : ''} }`,
  );
  return `
[loop]
repo = "supervisor"
phases = [${list.join(', ')}]
${extra}
`;
}

/** The demo's state dir and handoff: claims ping the adversary, reviews ping the builder. */
export const DEMO_HANDOFF =
  'state_subdir = ".steward-state"\nhandoff = { claim_pings = ["adversary"], review_pings = ["builder"] }';

/** The demo's loop: two phases with their kickoffs, and its handoff. */
export const DEMO_LOOP = loopTable(
  [
    { id: 'p1', kickoff: 'Write the greeting.' },
    { id: 'p2', kickoff: 'Write the farewell.' },
  ],
  DEMO_HANDOFF,
);

/** The demo's builder/adversary pair, with millisecond intervals and a unique build name. */
export function twoPhaseConfig(name: string, extra = ''): string {
  const repoRoot = process.cwd();
  return `${buildHeader(name, 'signal_interval = 0.2\nheavy_interval = 1\nstall_grace = "1m"\nstall_idle = "10m"')}
${scriptedAgentBackend('scripted-builder', `${repoRoot}/config/demo/builder.script.toml`, DEMO_PATTERNS)}
${scriptedAgentBackend('scripted-adversary', `${repoRoot}/config/demo/adversary.script.toml`, DEMO_PATTERNS)}
${agentTable({ name: 'builder', backend: 'scripted-builder', cwd: 'builder', kickoff: 'You are the builder.' })}
${agentTable({ name: 'adversary', backend: 'scripted-adversary', cwd: 'adversary', kickoff: 'You are the adversary.' })}
${DEMO_LOOP}${extra}
`;
}

/**
 * What a twoPhaseConfig build pings for its gates, as `gatePings` lists it: p1's gate is claimed
 * twice (its first review fails), p2's once, and each claim and review pinged once.
 */
export const TWO_PHASE_GATE_PINGS = [
  'claim claim(p1-gate): work/p1.txt',
  'claim claim(p1-gate): work/p1.txt, fixed after review',
  'claim claim(p2-gate): work/p2.txt',
  'review review(p1-gate): FAIL',
  'review review(p1-gate): PASS',
  'review review(p2-gate): PASS',
];

/** The claim and review pings among a build's events, their short shas cut off, sorted. */
export function gatePings(events: { type: string; message: string }[]): string[] {
  return events
    .filter((e) => e.type === 'ping_sent' && /^(claim|review)/.test(e.message))
    .map((e) => e.message.split(' (')[0])
    .sort();
}
