import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * A Claude Code config dir for one agent. Claude Code reads its state from `.claude.json` in
 * $CLAUDE_CONFIG_DIR (in $HOME when that is unset) and writes transcripts to
 * `<CLAUDE_CONFIG_DIR or ~/.claude>/projects/<cwd with non-alphanumerics as '-'>/<session>.jsonl`.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ClaudeConfigDirOptions {
  dir: string;
  /** The key the agent will be given (ANTHROPIC_API_KEY), pre-approved so no question is asked. */
  apiKey?: string;
  /** Absolute folders the agent may work in without the trust dialog (subfolders included). */
  trustedFolders: string[];
  /** Further top-level settings, written last. */
  extra?: Json;
}

export function claudeConfigFile(dir: string): string {
  return join(dir, '.claude.json');
}

async function readConfig(file: string): Promise<Json> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * Writes `<dir>/.claude.json` so that Claude Code started with CLAUDE_CONFIG_DIR=<dir> skips
 * onboarding and the API-key question and trusts exactly `trustedFolders` (see isFolderTrusted for
 * their subfolders): any other folder still gets the trust dialog. Claude Code's own state in an existing file is kept.
 * Returns the environment to start the agent with.
 */
export async function prepareClaudeConfigDir(
  opts: ClaudeConfigDirOptions,
): Promise<{ configFile: string; env: { CLAUDE_CONFIG_DIR: string } }> {
  const file = claudeConfigFile(opts.dir);
  await mkdir(opts.dir, { recursive: true });
  const config = await readConfig(file);
  const trusted = new Set(opts.trustedFolders.map((f) => resolve(f)));
  const projects: Json = isObject(config.projects) ? { ...config.projects } : {};
  for (const [folder, entry] of Object.entries(projects)) {
    if (!trusted.has(folder) && isObject(entry)) projects[folder] = { ...entry, hasTrustDialogAccepted: false };
  }
  for (const folder of trusted)
    projects[folder] = { ...(isObject(projects[folder]) ? projects[folder] : {}), hasTrustDialogAccepted: true };

  const responses = isObject(config.customApiKeyResponses) ? config.customApiKeyResponses : {};
  const approved = Array.isArray(responses.approved)
    ? responses.approved.filter((k): k is string => typeof k === 'string')
    : [];
  // Claude Code remembers an approved key by its last 20 characters.
  const key = opts.apiKey?.slice(-20);
  const customApiKeyResponses = {
    approved: key && !approved.includes(key) ? [...approved, key] : approved,
    rejected: Array.isArray(responses.rejected) ? responses.rejected : [],
  };

  const next = { ...config, hasCompletedOnboarding: true, customApiKeyResponses, projects, ...opts.extra };
  await writeFile(file, JSON.stringify(next, null, 2) + '\n');
  return { configFile: file, env: { CLAUDE_CONFIG_DIR: opts.dir } };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Whether Claude Code would start in `folder` without the trust dialog: the folder or a parent is
 * trusted. 2.1.x looks no further up than the folder's git repository root (2.0.x went on to /).
 */
export async function isFolderTrusted(configFile: string, folder: string): Promise<boolean> {
  const projects = (await readConfig(configFile)).projects;
  if (!isObject(projects)) return false;
  for (let dir = resolve(folder); ; dir = dirname(dir)) {
    const entry = projects[dir];
    if (isObject(entry) && entry.hasTrustDialogAccepted === true) return true;
    if (dirname(dir) === dir || (await exists(join(dir, '.git')))) return false;
  }
}
