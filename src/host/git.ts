import { programOutputHead, runProgram } from './run-program';
import { simpleGit, SimpleGit } from 'simple-git';
import type { CommitSubject } from '../core/state/snapshot';
import { CatFileBatch } from './git-batch';

/** Read-only views of a work repo's origin/main, for the supervisor's observe step. */
/** How much diff is read per byte of added text wanted: headers and context take their share. */
const DIFF_BYTES_PER_TEXT_BYTE = 8;
/** The longest author name or subject kept of a commit. */
const MAX_FIELD_CHARS = 1000;
/** How many work repos this process keeps open (their cat-file and what they read) at most. */
const MAX_SHARED_REPOS = 500;
/** How many review commits' added lines a repo keeps. */
const MAX_KEPT_REVIEWS = 200;

/** This process's work repos by directory (`WorkRepo.shared`), oldest first. */
const sharedRepos = new Map<string, WorkRepo>();

export class WorkRepo {
  private readonly git: SimpleGit;
  /** Set for a shared repo: objects are read through one long-lived `git cat-file --batch`. */
  private batch: CatFileBatch | null = null;
  /** Files read at one head of origin/main (a head's files never change): path → content, null when absent. */
  private files = { head: '', byPath: new Map<string, string | null>() };
  private commits: { range: string; limit: number; list: CommitSubject[] } | null = null;
  private readonly reviews = new Map<string, string>();

  /**
   * The repo at `dir` as this process keeps it between looks: its questions about origin/main
   * go to one `git cat-file --batch`, and what it read at a head is kept until the head moves.
   */
  static shared(dir: string): WorkRepo {
    let repo = sharedRepos.get(dir);
    if (!repo) {
      repo = new WorkRepo(dir);
      repo.batch = new CatFileBatch(dir);
      sharedRepos.set(dir, repo);
      for (const [oldest, old] of sharedRepos) {
        if (sharedRepos.size <= MAX_SHARED_REPOS) break;
        old.batch?.close();
        sharedRepos.delete(oldest);
      }
    }
    return repo;
  }

  /** Ends every shared repo's cat-file (the worker's shutdown). */
  static closeShared(): void {
    for (const repo of sharedRepos.values()) repo.batch?.close();
    sharedRepos.clear();
  }

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
    // A process of its own, not simple-git's: in a worker, runProgram starts it from the spawn
    // helper (one fetch per build per look is most of the worker's forks). `-q` prints nothing,
    // so the 60 s are simple-git's "no output for 60 s" as before.
    const r = await runProgram('git', ['fetch', '-q', 'origin'], {
      cwd: this.dir,
      // No one is there to type a password: a remote that asks for one fails the fetch.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
      timeoutMs: 60_000,
    });
    return r.code === 0 ? null : r.stderr.trim().split('\n')[0] || `git fetch exited ${r.code}`;
  }

  async head(): Promise<string | null> {
    const viaBatch = await this.batch?.read(this.remoteRef).then(
      (o) => o?.sha ?? null,
      () => undefined,
    );
    if (viaBatch !== undefined) return viaBatch;
    try {
      return (await this.git.revparse([this.remoteRef])).trim();
    } catch {
      return null;
    }
  }

  /**
   * Commits after `since` up to origin/<branch> (or up to `head`, its sha: then kept, as are the
   * commits of a range), oldest first; all of them when `since` is null.
   */
  async commitsSince(since: string | null, limit = 200, head?: string): Promise<CommitSubject[]> {
    const to = head ?? this.remoteRef;
    const range = since ? `${since}..${to}` : to;
    const kept = this.commits;
    if (head && kept?.range === range && kept.limit === limit) return kept.list.map((c) => ({ ...c }));
    const list = await this.readCommits(range, limit);
    if (head && list.length > 0) this.commits = { range, limit, list: list.map((c) => ({ ...c })) };
    return list;
  }

  private async readCommits(range: string, limit: number): Promise<CommitSubject[]> {
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
    const key = `${sha} ${maxBytes}`;
    const kept = this.reviews.get(key);
    if (kept !== undefined) return kept;
    const added = await this.readAddedLines(sha, maxBytes);
    // A commit's diff never changes: kept, so a backlog of reviews is not read again each look.
    if (this.batch && added) {
      this.reviews.set(key, added);
      if (this.reviews.size > MAX_KEPT_REVIEWS) this.reviews.delete(this.reviews.keys().next().value!);
    }
    return added;
  }

  private async readAddedLines(sha: string, maxBytes: number): Promise<string> {
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

  /**
   * A file's content at `head` (origin/<branch>'s sha, as `head()` read it), or null when it does
   * not exist there or there is no head. A shared repo reads each file once per head.
   */
  async showAt(head: string | null, path: string): Promise<string | null> {
    if (!head) return null;
    if (this.files.head !== head) this.files = { head, byPath: new Map() };
    if (this.files.byPath.has(path)) return this.files.byPath.get(path)!;
    const object = await this.batch?.read(`${head}:${path}`).catch(() => undefined);
    // Not a file (a directory), or no batch: `git show` says what it is, as before.
    const content =
      object === null ? null : object?.type === 'blob' ? object.content.toString('utf8') : await this.show(path, head);
    // Kept only as cat-file answered it: a failed `git show` may succeed next time.
    if (object !== undefined) this.files.byPath.set(path, content);
    return content;
  }

  /** A file's content at origin/<branch> (or at the commit `at`), or null when it does not exist there. */
  async show(path: string, at = this.remoteRef): Promise<string | null> {
    try {
      return await this.git.show([`${at}:${path}`]);
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
