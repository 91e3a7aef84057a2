/**
 * Reading agents.toml from disk: the file, the kickoff files it names, the home directory for `~`.
 * Validation itself is core's (pure) job; this module only gathers what core cannot read.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { ConfigContext, ConfigIssue, ConfigResult } from '../core/config/schema';
import { kickoffFilesToRead, parseConfigText } from '../core/config/schema';
import type { StewardConfig } from '../core/config/types';

export type LoadResult = ConfigResult;

function readProblem(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `file not found: ${file}`;
  if (code === 'EISDIR') return `is a directory, not a file: ${file}`;
  return `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`;
}

export async function loadConfigFile(path: string): Promise<LoadResult> {
  const source = resolve(path);
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: readProblem(source, error) }], warnings: [] };
  }
  const ctx: ConfigContext = { source, baseDir: dirname(source), homeDir: homedir() };
  // A kickoff file that cannot be read is left out; validation reports it at the key that names it.
  const read = await Promise.all(
    kickoffFilesToRead(text, ctx).map((file) =>
      readFile(file, 'utf8').then(
        (content): [string, string][] => [[file, content]],
        (): [string, string][] => [],
      ),
    ),
  );
  const kickoffFiles = Object.fromEntries(read.flat());
  return parseConfigText(text, { ...ctx, kickoffFiles });
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
