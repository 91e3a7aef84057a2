/** The demo's builder/adversary pair, with millisecond intervals and a unique build name. */
export function twoPhaseConfig(name: string, extra = ''): string {
  const repoRoot = process.cwd();
  return `
name = "${name}"
session_prefix = "${name}-"

[watchdog]
signal_interval = 0.2
heavy_interval = 1
stall_grace = "1m"
stall_idle = "10m"

[backend.scripted-builder]
command = "steward-scripted-agent"
args = ["--script", "${repoRoot}/config/demo/builder.script.toml"]
session_id_flag = "--session-id"
busy_patterns = ["esc to interrupt"]
idle_patterns = ["^> ?$"]

[backend.scripted-adversary]
command = "steward-scripted-agent"
args = ["--script", "${repoRoot}/config/demo/adversary.script.toml"]
session_id_flag = "--session-id"
busy_patterns = ["esc to interrupt"]
idle_patterns = ["^> ?$"]

[[agent]]
name = "builder"
backend = "scripted-builder"
cwd = "builder"
kickoff = "You are the builder."

[[agent]]
name = "adversary"
backend = "scripted-adversary"
cwd = "adversary"
kickoff = "You are the adversary."

[loop]
repo = "supervisor"
state_subdir = ".steward-state"
phases = [{ id = "p1", kickoff = "Write the greeting." }, { id = "p2", kickoff = "Write the farewell." }]
handoff = { claim_pings = ["adversary"], review_pings = ["builder"] }
${extra}
`;
}
