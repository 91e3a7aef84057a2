import { mkdtemp, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { prepareClaudeConfigDir } from '../../src/agent/claude-config-dir';
import { ModelStandin, StandinScriptInput, startModelStandin } from '../../src/agent/model-standin';
import { claudeVersion, resolveClaudeBinary } from '../../src/client/claude-binary';
import { claudeBackendTable, standinEnv } from '../../src/agent/standin-backend';
import { Tmux } from '../../src/host/tmux';
import { runProgram } from '../../src/host/run-program';
import { launchSpec, LaunchSpec } from '../../src/core/launch';
import { loadConfigOrThrow } from '../../src/client/load-or-exit';
import { agentTable, AgentTable } from './configs';

/**
 * The real Claude Code under test: a pinned release from the cache (installed on first use), one
 * config dir with onboarding done and the given folders trusted, and the model stand-in it talks
 * to. Nothing skips: a CLI that cannot be installed or a server that cannot start fails the test.
 */

export const STANDIN_API_KEY = 'sk-ant-api03-standin-test-0123456789abcdefghij';

export async function claudeBinary(version: string): Promise<string> {
  const bin = await resolveClaudeBinary({ version, report: (line) => process.stderr.write(`${line}\n`) });
  if ((await claudeVersion(bin)) !== version) throw new Error(`${bin} is not Claude Code ${version}`);
  return bin;
}

export interface ClaudeTestbed {
  bin: string;
  standin: ModelStandin;
  configDir: string;
  /** The environment every agent gets: the stand-in, its key, a private config dir. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function claudeTestbed(opts: {
  dir: string;
  version: string;
  script: StandinScriptInput | string;
  trusted: string[];
  skipBypassWarning?: boolean;
}): Promise<ClaudeTestbed> {
  const bin = await claudeBinary(opts.version);
  const configDir = join(opts.dir, 'claude-config');
  // The bypass warning accepted ahead: 2.1.x reads settings.json, 2.0.x its .claude.json.
  const accepted = opts.skipBypassWarning ? { bypassPermissionsModeAccepted: true } : undefined;
  await prepareClaudeConfigDir({
    dir: configDir,
    apiKey: STANDIN_API_KEY,
    trustedFolders: opts.trusted,
    extra: accepted,
  });
  if (opts.skipBypassWarning)
    await writeFile(join(configDir, 'settings.json'), JSON.stringify({ skipDangerousModePermissionPrompt: true }));
  const standin = await startModelStandin({ script: opts.script, logFile: join(opts.dir, 'standin.jsonl') });
  const env = {
    ...standinEnv({ configDir, standinUrl: standin.url, apiKey: STANDIN_API_KEY }),
    HOME: join(opts.dir, 'home'),
  };
  return { bin, standin, configDir, env, close: () => standin.close() };
}

/** A `[backend.claude]` table running the testbed's binary (so the built-in Claude patterns apply). */
export function claudeBackendToml(
  bed: ClaudeTestbed,
  opts: { args?: string[]; extra?: string; env?: Record<string, string> } = {},
): string {
  return claudeBackendTable({
    bin: bed.bin,
    args: opts.args ?? [],
    configDir: bed.configDir,
    env: { ...bed.env, ...opts.env },
    extra: opts.extra,
  });
}

/** The newest user texts the stand-in was sent in main turns (what the agent was told), oldest first. */
export function promptsReceived(standin: ModelStandin): string[] {
  return standin.requests().flatMap((r) => (r.main && r.prompt !== null ? [r.prompt] : []));
}

/** Where one agent is launched on its own, with no build: a temp dir (its real path), an empty git repo `work` in it, a tmux server of its own. */
export async function launchSite(prefix: string): Promise<{ dir: string; work: string; tmux: Tmux }> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), `steward-${prefix}-`)));
  const work = join(dir, 'work');
  await runProgram('git', ['init', '-q', work]);
  return { dir, work, tmux: new Tmux(`steward-${prefix}-${randomBytes(3).toString('hex')}`) };
}

/** Writes a config of one agent on the testbed's `claude` backend into `dir`, and returns the agent's launch spec (a fresh session). */
export async function claudeAgentSpec(
  dir: string,
  bed: ClaudeTestbed,
  build: string,
  agent: AgentTable,
  backend: { args?: string[]; extra?: string } = {},
): Promise<LaunchSpec> {
  const file = join(dir, 'agents.toml');
  await writeFile(file, `name = "${build}"\n${claudeBackendToml(bed, backend)}\n${agentTable(agent)}\n`);
  const { config } = await loadConfigOrThrow(file);
  return launchSpec(config, config.agents[0]!, randomUUID());
}
