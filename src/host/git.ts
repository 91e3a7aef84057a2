import { programOutputHead } from './run-program';
import { simpleGit, SimpleGit } from 'simple-git';
import type { CommitSubject } from '../core/state/snapshot';

/** Read-only views of a work repo's origin/main, for the supervisor's observe step. */
/** How much diff is read per byte of added text wanted: headers and context take their share. */
const DIFF_BYTES_PER_TEXT_BYTE = 8;
/** The longest author name or subject kept of a commit. */
const MAX_FIELD_CHARS = 1000;

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
      // Fields split by the unit separator, which neither a name nor a subject holds.
      const out = await this.git.raw(['log', '--reverse', `--max-count=${limit}`, '--format=%H%x1f%an%x1f%s', range]);
      return out
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [sha, author, ...subject] = line.split('\x1f');
          // Capped: subjects are matched against patterns in the workflow and typed into pings.
          return {
            sha,
            author: author.slice(0, MAX_FIELD_CHARS),
            subject: subject.join('\x1f').slice(0, MAX_FIELD_CHARS),
          };
        });
    } catch {
      return [];
    }
  }

  /**
   * The lines a commit added, without their `+`, at most `maxBytes` bytes of UTF-8 (never cut inside
   * a character); '' when it added none or git cannot say.
   */
  async addedLines(sha: string, maxBytes: number): Promise<string> {
    try {
      // Read no more of the diff than the added lines can fill (a review that adds a huge file is cut).
      const diff = await programOutputHead(
        'git',
        ['show', '--no-color', '--no-ext-diff', '--format=', '--unified=0', sha, '--'],
        {
          cwd: this.dir,
          maxBytes: DIFF_BYTES_PER_TEXT_BYTE * maxBytes,
        },
      );
      const added: string[] = [];
      let inHunk = false;
      for (const line of diff.split('\n')) {
        if (line.startsWith('diff ')) inHunk = false;
        else if (line.startsWith('@@')) inHunk = true;
        else if (inHunk && line.startsWith('+')) added.push(line.slice(1));
      }
      return capBytes(added.join('\n'), maxBytes);
    } catch {
      return '';
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

/** `text` cut to at most `maxBytes` bytes of UTF-8, never inside a character. */
function capBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  // A cut inside a character decodes to U+FFFD at the end: dropped.
  return bytes
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}
