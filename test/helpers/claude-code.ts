import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareClaudeConfigDir } from '../../src/agent/claude-config-dir';
import { ModelStandin, StandinScriptInput, startModelStandin } from '../../src/agent/model-standin';
import { claudeVersion, resolveClaudeBinary } from '../../src/client/claude-binary';
import { claudeBackendTable, standinEnv } from '../../src/agent/standin-backend';

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

export async function claudeTestbed(opts: { dir: string; version: string; script: StandinScriptInput | string; trusted: string[]; skipBypassWarning?: boolean }): Promise<ClaudeTestbed> {
  const bin = await claudeBinary(opts.version);
  const configDir = join(opts.dir, 'claude-config');
  // The bypass warning accepted ahead: 2.1.x reads settings.json, 2.0.x its .claude.json.
  const accepted = opts.skipBypassWarning ? { bypassPermissionsModeAccepted: true } : undefined;
  await prepareClaudeConfigDir({ dir: configDir, apiKey: STANDIN_API_KEY, trustedFolders: opts.trusted, extra: accepted });
  if (opts.skipBypassWarning) await writeFile(join(configDir, 'settings.json'), JSON.stringify({ skipDangerousModePermissionPrompt: true }));
  const standin = await startModelStandin({ script: opts.script, logFile: join(opts.dir, 'standin.jsonl') });
  const env = { ...standinEnv({ configDir, standinUrl: standin.url, apiKey: STANDIN_API_KEY }), HOME: join(opts.dir, 'home') };
  return { bin, standin, configDir, env, close: () => standin.close() };
}

/** A `[backend.claude]` table running the testbed's binary (so the built-in Claude patterns apply). */
export function claudeBackendToml(bed: ClaudeTestbed, opts: { args?: string[]; extra?: string; env?: Record<string, string> } = {}): string {
  return claudeBackendTable({ bin: bed.bin, args: opts.args ?? [], configDir: bed.configDir, env: { ...bed.env, ...opts.env }, extra: opts.extra });
}

/** The newest user texts the stand-in was sent in main turns (what the agent was told), oldest first. */
export function promptsReceived(standin: ModelStandin): string[] {
  return standin.requests().flatMap((r) => (r.main && r.prompt !== null ? [r.prompt] : []));
}
