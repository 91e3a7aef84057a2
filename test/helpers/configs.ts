/**
 * The TOML configs the integration tests run, built from a few shared pieces: the build header,
 * a scripted-agent backend, agent tables. Each test's config says only what is its own.
 */

/** The pane patterns of the demo's scripted agents (busy while a rule runs, idle at the prompt). */
export const DEMO_PATTERNS = { busy_patterns: ['esc to interrupt'], idle_patterns: ['^> ?$'] };

/** `name`, `session_prefix` and the `[watchdog]` table (its body as given). */
export function buildHeader(name: string, watchdog: string): string {
  return `
name = "${name}"
session_prefix = "${name}-"
[watchdog]
${watchdog}`;
}

/** A `[backend.<name>]` table running the scripted agent with `script`, with optional pane patterns. */
export function scriptedAgentBackend(name: string, script: string, patterns: Record<string, string[]> = {}): string {
  const lines = Object.entries(patterns).map(([key, list]) => `${key} = ${JSON.stringify(list)}`);
  return `
[backend.${name}]
command = "steward-scripted-agent"
args = ["--script", ${JSON.stringify(script)}]
session_id_flag = "--session-id"
${lines.join('\n')}`;
}

/** An `[[agent]]` table; keys left out take the config's defaults. */
export function agentTable(agent: { name: string; backend: string; cwd: string; kind?: string; kickoff?: string }): string {
  const { name, kind, backend, cwd, kickoff } = agent;
  return `
[[agent]]
name = "${name}"
${kind ? `kind = "${kind}"\n` : ''}backend = "${backend}"
cwd = "${cwd}"
${kickoff !== undefined ? `kickoff = ${JSON.stringify(kickoff)}` : ''}`;
}

/** The demo's builder/adversary pair, with millisecond intervals and a unique build name. */
export function twoPhaseConfig(name: string, extra = ''): string {
  const repoRoot = process.cwd();
  return `${buildHeader(name, 'signal_interval = 0.2\nheavy_interval = 1\nstall_grace = "1m"\nstall_idle = "10m"')}
${scriptedAgentBackend('scripted-builder', `${repoRoot}/config/demo/builder.script.toml`, DEMO_PATTERNS)}
${scriptedAgentBackend('scripted-adversary', `${repoRoot}/config/demo/adversary.script.toml`, DEMO_PATTERNS)}
${agentTable({ name: 'builder', backend: 'scripted-builder', cwd: 'builder', kickoff: 'You are the builder.' })}
${agentTable({ name: 'adversary', backend: 'scripted-adversary', cwd: 'adversary', kickoff: 'You are the adversary.' })}

[loop]
repo = "supervisor"
state_subdir = ".steward-state"
phases = [{ id = "p1", kickoff = "Write the greeting." }, { id = "p2", kickoff = "Write the farewell." }]
handoff = { claim_pings = ["adversary"], review_pings = ["builder"] }
${extra}
`;
}
