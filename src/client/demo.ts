import { appendFile, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Tmux } from '../host/tmux';
import { prepareClaudeConfigDir } from '../agent/claude-config-dir';
import { startModelStandin } from '../agent/model-standin';
import { claudeBackendTable, standinEnv } from '../agent/standin-backend';
import { resolveClaudeBinary } from './claude-binary';
import { copyConfigInto, createWorkspace } from './workspace';
import { loadConfigOrThrow } from './load-or-exit';
import { up } from './up';
import type { BuildResult } from '../workflows/definitions';

export type DemoAgent = 'scripted' | 'claude';

const CONFIG_DIR = resolve(__dirname, '..', '..', 'config');
/** Any key does for the stand-in; Claude Code only has to have approved it (prepareClaudeConfigDir). */
const STANDIN_KEY = 'sk-ant-api03-steward-demo-standin-key-0000';

/**
 * `npm run demo` (config/demo.toml, the scripted agent) or `npm run demo:claude`
 * (config/demo-claude.toml, the real Claude Code against the model stand-in), in a fresh sandbox
 * with a bare origin, run to completion.
 */
export async function runDemo(
  print: (line: string) => void,
  root = '.steward',
  agent: DemoAgent = 'scripted',
): Promise<BuildResult> {
  const name = agent === 'claude' ? 'demo-claude' : 'demo';
  const sandbox = resolve(root, `${name}-sandbox`);
  await rm(sandbox, { recursive: true, force: true });
  await createWorkspace(sandbox, ['builder', 'adversary', 'supervisor']);
  const configFile = await copyConfigInto(join(CONFIG_DIR, `${name}.toml`), sandbox);
  print(`demo sandbox: ${sandbox}`);
  const standin = agent === 'claude' ? await addClaudeBackend(configFile, sandbox, print) : null;
  const { config } = await loadConfigOrThrow(configFile);
  try {
    const result = await up(configFile, print, { stateDir: resolve(root), replaceRunning: true });
    print(`report: ${join(config.state_dir, 'report.md')} (and report.html; steward report ${config.name} any time)`);
    return result;
  } finally {
    const tmux = new Tmux(process.env.STEWARD_TMUX_SOCKET || undefined);
    for (const a of config.agents) await tmux.killSession(a.session);
    await standin?.close();
    print(`demo agents' tmux sessions closed; the work repo stays in ${join(sandbox, 'origin.git')}`);
  }
}

/**
 * The real Claude Code for the demo: installed (or found), a config dir with onboarding done and
 * the clones trusted, the model stand-in started, and the `[backend.claude]` table that ties them
 * together appended to the sandbox's config. Bypass mode lets the agents' Bash calls run unasked.
 */
async function addClaudeBackend(configFile: string, sandbox: string, print: (line: string) => void) {
  const bin = await resolveClaudeBinary({ report: print });
  const configDir = join(sandbox, 'claude-config');
  await prepareClaudeConfigDir({
    dir: configDir,
    apiKey: STANDIN_KEY,
    trustedFolders: ['builder', 'adversary'].map((c) => join(sandbox, c)),
  });
  const script = await readFile(join(sandbox, 'demo-claude', 'model.script.toml'), 'utf8');
  const standin = await startModelStandin({ script, logFile: join(sandbox, 'model-standin.jsonl') });
  print(
    `model stand-in: ${standin.url} (requests logged to ${join(sandbox, 'model-standin.jsonl')}); Claude Code: ${bin}`,
  );
  const env = standinEnv({ configDir, standinUrl: standin.url, apiKey: STANDIN_KEY });
  await appendFile(
    configFile,
    claudeBackendTable({
      bin,
      args: ['--dangerously-skip-permissions'],
      configDir,
      env,
      extra: 'accept_bypass_mode = true',
    }),
  );
  return standin;
}
