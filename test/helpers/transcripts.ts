import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BuildHarness } from './harness';

/** One agent session as its transcript tells it: the directory it ran in and each line it read. */
export interface SessionRead {
  session: string;
  cwd: string;
  prompts: string[];
}

/**
 * What the scripted agents of a build actually read, from their Claude-style transcripts (a user
 * record per line typed into the pane): the ground truth for "the agent saw this ping once".
 */
export async function sessionsRead(h: BuildHarness): Promise<SessionRead[]> {
  const root = join(h.dir, '.steward', h.name, 'transcripts');
  const sessions: SessionRead[] = [];
  for (const project of await readdir(root)) {
    for (const file of await readdir(join(root, project))) {
      if (!file.endsWith('.jsonl')) continue;
      const records = (await readFile(join(root, project, file), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; cwd: string; message: { content: unknown } });
      const users = records.filter((r) => r.type === 'user');
      sessions.push({
        session: basename(file, '.jsonl'),
        cwd: users[0]?.cwd ?? '',
        prompts: users.map((r) => String(r.message.content)),
      });
    }
  }
  return sessions;
}
