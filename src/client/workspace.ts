import { cp, mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { runProgram } from '../host/run-program';

async function git(cwd: string, args: string[]): Promise<void> {
  const r = await runProgram('git', args, { cwd });
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} in ${cwd}: ${r.stderr.trim()}`);
}

/**
 * A throwaway work repo for the demo and the tests: a bare `origin.git` with one commit on main,
 * and a clone per name (one per agent, plus `supervisor` for Steward's own fetches).
 */
export async function createWorkspace(dir: string, clones: string[], stateSubdir = '.steward-state'): Promise<void> {
  await mkdir(dir, { recursive: true });
  const origin = join(dir, 'origin.git');
  await git(dir, ['init', '-q', '--bare', '-b', 'main', origin]);
  const seed = join(dir, '.seed');
  await git(dir, ['clone', '-q', origin, seed]);
  await mkdir(join(seed, stateSubdir), { recursive: true });
  await writeFile(join(seed, 'README.md'), '# work repo\n');
  await writeFile(join(seed, stateSubdir, '.keep'), '');
  await git(seed, ['-c', 'user.name=steward', '-c', 'user.email=steward@localhost', 'add', '-A']);
  await git(seed, ['-c', 'user.name=steward', '-c', 'user.email=steward@localhost', 'commit', '-q', '-m', 'init']);
  await git(seed, ['push', '-q', 'origin', 'HEAD:main']);
  for (const name of clones) {
    const clone = join(dir, name);
    await git(dir, ['clone', '-q', origin, clone]);
    await git(clone, ['config', 'user.name', name]);
    await git(clone, ['config', 'user.email', `${name}@localhost`]);
  }
}

/** Copies a config file and its neighbouring directory of the same base name (scripts, prompts). */
export async function copyConfigInto(configFile: string, dir: string): Promise<string> {
  const target = join(dir, basename(configFile));
  await cp(configFile, target);
  const companion = configFile.replace(/\.toml$/, '');
  await cp(companion, join(dir, basename(companion)), { recursive: true }).catch(() => undefined);
  return target;
}
