/**
 * Where an agent's Claude Code transcripts are on this host: `<dir>/<project>/<session>.jsonl`
 * (its subagents under `<dir>/<project>/<session>/subagents/`), searched in each candidate dir.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { jsonlIn, subdirNames } from '../host/dir-listing';
import { discoverClaudeDirs, projectsRoot } from '../host/transcript-discovery';
import type { StewardConfig } from '../core/config/types';
import { transcriptsDir } from '../core/launch';

export interface FoundTranscript {
  path: string;
  /** Subagent transcripts of the session, sorted by path. */
  subagents: string[];
}

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** Every `<session>.jsonl` under the dirs (a config dir, its projects dir, or one project's dir). */
export async function findSessionTranscripts(sessionId: string, dirs: readonly string[]): Promise<FoundTranscript[]> {
  const found: FoundTranscript[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    const root = projectsRoot(dir);
    for (const projectDir of [root, ...(await subdirNames(root)).map((name) => path.join(root, name))]) {
      const file = path.join(projectDir, `${sessionId}.jsonl`);
      const real = path.resolve(file);
      if (seen.has(real) || !isFile(file)) continue;
      seen.add(real);
      found.push({ path: file, subagents: await jsonlIn(path.join(projectDir, sessionId, 'subagents')) });
    }
  }
  return found;
}

/**
 * The dirs to search for an agent's transcripts: its backend's transcripts dir from the build's
 * config (Claude Code: ~/.claude/projects; others: <state_dir>/transcripts), then this host's
 * Claude config dirs ($CLAUDE_CONFIG_DIR, else ~/.claude and ~/.config/claude). Only existing dirs.
 */
export function transcriptSearchDirs(
  config: StewardConfig | null,
  agent: string,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const fromConfig: string[] = [];
  const agentConfig = config?.agents.find((a) => a.name === agent);
  if (config && agentConfig) fromConfig.push(transcriptsDir(config, agentConfig));
  return [...new Set([...fromConfig, ...discoverClaudeDirs(env)].map((d) => path.resolve(d)))].filter((d) =>
    existsSync(d),
  );
}
