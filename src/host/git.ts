import { simpleGit, SimpleGit } from 'simple-git';
import type { CommitSubject } from '../core/state/snapshot';

/** Read-only views of a work repo's origin/main, for the supervisor's observe step. */
export class WorkRepo {
  private readonly git: SimpleGit;

  constructor(
    readonly dir: string,
    readonly branch = 'main',
  ) {
    this.git = simpleGit({ baseDir: dir, timeout: { block: 60_000 } });
  }

  get remoteRef(): string {
    return `origin/${this.branch}`;
  }

  /** Fetches origin; returns an error message instead of throwing, so a dead remote is an event. */
  async fetch(): Promise<string | null> {
    try {
      await this.git.fetch(['-q', 'origin']);
      return null;
    } catch (err) {
      return (err as Error).message.trim().split('\n')[0] ?? 'git fetch failed';
    }
  }

  async head(): Promise<string | null> {
    try {
      return (await this.git.revparse([this.remoteRef])).trim();
    } catch {
      return null;
    }
  }

  /** Commits after `since` up to origin/<branch>, oldest first; all of them when `since` is null. */
  async commitsSince(since: string | null, limit = 200): Promise<CommitSubject[]> {
    const range = since ? `${since}..${this.remoteRef}` : this.remoteRef;
    try {
      const out = await this.git.raw(['log', '--reverse', `--max-count=${limit}`, '--format=%H%x09%s', range]);
      return out
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const tab = line.indexOf('\t');
          return { sha: line.slice(0, tab), subject: line.slice(tab + 1) };
        });
    } catch {
      return [];
    }
  }

  /** A file's content at origin/<branch>, or null when it does not exist there. */
  async show(path: string): Promise<string | null> {
    try {
      return await this.git.show([`${this.remoteRef}:${path}`]);
    } catch {
      return null;
    }
  }
}
