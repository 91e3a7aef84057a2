/**
 * Finding Claude Code transcripts on disk:
 *   <config dir>/projects/<project-slug>/<session-uuid>.jsonl
 *   <config dir>/projects/<project-slug>/<session-uuid>/subagents/<agent>.jsonl
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { jsonlIn, subdirNames } from './dir-listing';

const subdirsOf = async (dir: string) => (await subdirNames(dir)).map((name) => path.join(dir, name));

export interface DiscoveredTranscript {
  path: string;
  /** The project slug: the directory under projects/ (or the scanned dir's own name). */
  project: string;
  /** The session the file belongs to, from its path (a subagent file belongs to its parent); '' if unknown. */
  sessionId: string;
  isSubagent: boolean;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Claude config dirs on this host: each entry of $CLAUDE_CONFIG_DIR (comma-separated) when set,
 * else ~/.claude (Claude Code's default) and ~/.config/claude (its XDG location). Only existing
 * directories are returned, each once.
 */
export function discoverClaudeDirs(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string[] {
  const fromEnv = (env.CLAUDE_CONFIG_DIR ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  const candidates = fromEnv.length > 0 ? fromEnv : [path.join(home, '.claude'), path.join(home, '.config', 'claude')];
  return [...new Set(candidates.map((d) => path.resolve(d)))].filter(isDir);
}

/** The projects root of a config dir; a dir without projects/ is taken to be a projects dir itself. */
export function projectsRoot(dir: string): string {
  const projects = path.join(dir, 'projects');
  return existsSync(projects) ? projects : dir;
}

/** One project's transcripts: session files, and subagent files beside or below them. */
async function scanProjectDir(project: string, projectDir: string): Promise<DiscoveredTranscript[]> {
  const found: DiscoveredTranscript[] = (await jsonlIn(projectDir)).map((p) => ({
    path: p,
    project,
    sessionId: path.basename(p, '.jsonl'),
    isSubagent: false,
  }));
  for (const sessionDir of await subdirsOf(projectDir)) {
    // <session-uuid>/subagents/*.jsonl; older layouts put subagents/ straight in the project dir,
    // where the lines' own sessionId is the only session there is.
    const session = path.basename(sessionDir) === 'subagents' ? '' : path.basename(sessionDir);
    const dir = session ? path.join(sessionDir, 'subagents') : sessionDir;
    for (const p of await jsonlIn(dir)) found.push({ path: p, project, sessionId: session, isSubagent: true });
  }
  return found;
}

/**
 * Every transcript under a config dir (or a projects dir, or one project's dir), sorted by path
 * so that a session file comes before its subagents ('.' sorts before '/'), which makes a
 * parent, not its replaying subagent, the owner of a shared message.
 */
export async function discoverTranscripts(dir: string): Promise<DiscoveredTranscript[]> {
  const root = projectsRoot(dir);
  const rootFiles = await jsonlIn(root);
  const found =
    rootFiles.length > 0
      ? await scanProjectDir(path.basename(root), root)
      : (await Promise.all((await subdirsOf(root)).map((d) => scanProjectDir(path.basename(d), d)))).flat();
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
