/**
 * Reading agents.toml from disk: the file, the kickoff files it names, the home directory for `~`.
 * Validation itself is core's (pure) job; this module only gathers what core cannot read.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { MAX_KICKOFF_BYTES } from '../core/config/limits';
import type { ConfigContext, ConfigIssue, ConfigResult } from '../core/config/schema';
import { kickoffFilesToRead, parseConfigText } from '../core/config/schema';
import { configFileSizeIssue } from '../core/config/size-checks';
import type { StewardConfig } from '../core/config/types';

export type LoadResult = ConfigResult;

function readProblem(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `file not found: ${file}`;
  if (code === 'EISDIR') return `is a directory, not a file: ${file}`;
  return `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`;
}

/** The root of the git work tree holding `dir` (a `.git` directory, or a worktree's `.git` file), if any. */
export function gitRootOf(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return at;
    if (dirname(at) === at) return undefined;
  }
}

type KickoffRead = { file: string; text: string } | { file: string; oversize: number } | null;

/** A kickoff file's text; one over the size limit is not read, only measured. Unreadable: null. */
async function readKickoffFile(file: string): Promise<KickoffRead> {
  try {
    const { size } = await stat(file);
    if (size > MAX_KICKOFF_BYTES) return { file, oversize: size };
    return { file, text: await readFile(file, 'utf8') };
  } catch {
    return null;
  }
}

export async function loadConfigFile(path: string): Promise<LoadResult> {
  const source = resolve(path);
  let text: string;
  try {
    // A file over the size limit is not read at all: it could be any size.
    const tooBig = configFileSizeIssue((await stat(source)).size);
    if (tooBig) return { ok: false, issues: [tooBig], warnings: [] };
    text = await readFile(source, 'utf8');
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: readProblem(source, error) }], warnings: [] };
  }
  const ctx: ConfigContext = {
    source,
    baseDir: dirname(source),
    homeDir: homedir(),
    gitRoot: gitRootOf(dirname(source)),
  };
  // A kickoff file that cannot be read is left out; validation reports it at the key that names it.
  const read = await Promise.all(kickoffFilesToRead(text, ctx).map(readKickoffFile));
  const kickoffFiles: Record<string, string> = {};
  const oversizeKickoffFiles: Record<string, number> = {};
  for (const entry of read) {
    if (entry === null) continue;
    if ('text' in entry) kickoffFiles[entry.file] = entry.text;
    else oversizeKickoffFiles[entry.file] = entry.oversize;
  }
  return parseConfigText(text, { ...ctx, kickoffFiles, oversizeKickoffFiles });
}

/** One line per issue: `file:line: path: message`, leaving out what is unknown or empty. */
export function formatIssues(file: string, issues: readonly ConfigIssue[], label = ''): string {
  return issues
    .map((issue) => {
      const where = issue.line === undefined ? file : `${file}:${issue.line}`;
      const path = issue.path === '' ? '' : ` ${issue.path}:`;
      return `${where}:${path} ${label}${issue.message}`;
    })
    .join('\n');
}

/** JSON with object keys sorted at every level, so equal configs serialise identically. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of the config's stable JSON: a running build compares it to notice an edited file. */
export function configHash(config: StewardConfig): string {
  return createHash('sha256').update(stableJson(config)).digest('hex');
}
