import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runProgram } from '../host/run-program';
import { findExecutable, isExecutable } from '../host/find-executable';

/** The Claude Code release Steward is tested against: the one place this version is written. */
export const CLAUDE_CODE_VERSION = '2.1.332';
/** The last release of the older line (a plain Node `cli.js`), for tests of drift between versions. */
export const CLAUDE_CODE_PREVIOUS_LINE = '2.0.77';

const PACKAGE = '@anthropic-ai/claude-code';

export class ClaudeBinaryError extends Error {}

export interface ResolveClaudeOptions {
  /** A specific release; without it `claude` on PATH is used when there is one. */
  version?: string;
  report?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** The version `claude --version` prints ("2.1.332 (Claude Code)"), or null if it does not run. */
export async function claudeVersion(bin: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const r = await runProgram(bin, ['--version'], { env, timeoutMs: 60_000 });
  const m = /^(\d+\.\d+\.\d+)/.exec(r.stdout.trim());
  return r.code === 0 && m ? m[1] : null;
}

export function claudeCacheDir(version: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME ?? '', '.cache');
  return join(base, 'steward', 'claude-code', version);
}

/**
 * The executable of an install under `dir` that really is `version`. 2.1.x ships a native binary
 * in a platform package and copies it over bin/claude.exe in a postinstall that npm may skip
 * (npm 11 runs only allowed install scripts), so the platform binary is the fallback; 2.0.x's
 * `cli.js` is the program itself, with a node shebang.
 */
async function installedBinary(dir: string, version: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const modules = join(dir, 'node_modules', '@anthropic-ai');
  const candidates = [
    join(dir, 'node_modules', '.bin', 'claude'),
    join(modules, `claude-code-${process.platform}-${process.arch}`, 'claude'),
  ];
  for (const bin of candidates) {
    if ((await isExecutable(bin)) && (await claudeVersion(bin, env)) === version) return bin;
  }
  return null;
}

/**
 * Finds Claude Code: $STEWARD_CLAUDE_BIN, then `claude` on PATH (only when no version is asked),
 * else the cache `${XDG_CACHE_HOME:-~/.cache}/steward/claude-code/<version>/`, installed there from
 * npm on first use (about 5 s). Returns the path of an executable.
 */
export async function resolveClaudeBinary(opts: ResolveClaudeOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const report = opts.report ?? (() => {});
  const fromEnv = env.STEWARD_CLAUDE_BIN;
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new ClaudeBinaryError(`STEWARD_CLAUDE_BIN=${fromEnv} is not an executable file`);
  }
  if (opts.version === undefined) {
    const onPath = await findExecutable('claude', env.PATH ?? '');
    if (onPath) return onPath;
  }
  const version = opts.version ?? CLAUDE_CODE_VERSION;
  const dir = claudeCacheDir(version, env);
  const cached = await installedBinary(dir, version, env);
  if (cached) return cached;
  // Whatever is there is not a working install of this version (an interrupted copy, say).
  await rm(dir, { recursive: true, force: true });

  report(`installing Claude Code ${version} from npm into ${dir} (about 5 s, once)…`);
  // Installed beside the cache entry and renamed into place, so a concurrent resolver never sees half an install.
  const staging = `${dir}.installing-${process.pid}`;
  await mkdir(staging, { recursive: true });
  try {
    const r = await runProgram(
      'npm',
      ['install', '--prefix', staging, '--no-save', '--no-audit', '--no-fund', `${PACKAGE}@${version}`],
      { env, timeoutMs: 10 * 60_000 },
    );
    if (r.code !== 0)
      throw new ClaudeBinaryError(
        `npm install ${PACKAGE}@${version} failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      );
    await rename(staging, dir).catch(async (err: NodeJS.ErrnoException) => {
      // Another resolver finished first: its install is as good as this one.
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const installed = await installedBinary(dir, version, env);
  if (installed) return installed;
  throw new ClaudeBinaryError(
    `${PACKAGE}@${version} is installed in ${dir} but no executable there reports version ${version}`,
  );
}
