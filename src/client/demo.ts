import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Tmux } from '../activities/tmux';
import { copyConfigInto, createWorkspace } from './workspace';
import { loadConfigOrThrow } from './load-or-exit';
import { up } from './up';
import type { BuildResult } from '../workflows/definitions';
/** `npm run demo`: config/demo.toml in a fresh sandbox with a bare origin, run to completion. */
export async function runDemo(print: (line: string) => void, root = '.steward'): Promise<BuildResult> {
  const sandbox = resolve(root, 'demo-sandbox');
  await rm(sandbox, { recursive: true, force: true });
  await createWorkspace(sandbox, ['builder', 'adversary', 'supervisor']);
  const configFile = await copyConfigInto(resolve(__dirname, '..', '..', 'config', 'demo.toml'), sandbox);
  print(`demo sandbox: ${sandbox}`);
  const { config } = await loadConfigOrThrow(configFile);
  try {
    return await up(configFile, print, { stateDir: resolve(root), replaceRunning: true });
  } finally {
    const tmux = new Tmux(process.env.STEWARD_TMUX_SOCKET || undefined);
    for (const agent of config.agents) await tmux.killSession(agent.session);
    print(`demo agents' tmux sessions closed; the work repo stays in ${join(sandbox, 'origin.git')}`);
  }
}
