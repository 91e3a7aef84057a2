import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkspace } from '../../src/client/workspace';
import { runProgram } from '../../src/host/run-program';
import { CatFileBatch } from '../../src/host/git-batch';
import { WorkRepo } from '../../src/host/git';

/** A work repo (bare origin, clones `builder` and `supervisor`) in which the builder pushes and the supervisor fetches. */
describe('git without a process per question', () => {
  let dir: string;
  let builder: string;
  let supervisor: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steward-git-batch-'));
    await createWorkspace(dir, ['builder', 'supervisor']);
    builder = join(dir, 'builder');
    supervisor = join(dir, 'supervisor');
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    WorkRepo.closeShared();
    await rm(dir, { recursive: true, force: true });
  });

  async function git(cwd: string, ...args: string[]): Promise<string> {
    const r = await runProgram('git', args, { cwd });
    if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  }
  async function push(file: string, content: string | Buffer, subject: string): Promise<string> {
    await writeFile(join(builder, file), content);
    await git(builder, 'add', '-A');
    await git(builder, 'commit', '-q', '-m', subject);
    await git(builder, 'push', '-q', 'origin', 'HEAD:main');
    return git(builder, 'rev-parse', 'HEAD');
  }

  it('CatFileBatch: one process answers every question, sees a ref a fetch moved, and reads bytes exactly', async () => {
    const batch = new CatFileBatch(supervisor);
    try {
      const first = await batch.read('origin/main');
      expect(first?.sha).toBe(await git(supervisor, 'rev-parse', 'origin/main'));
      expect(first?.type).toBe('commit');
      const bytes = Buffer.from([0, 1, 10, 13, 255, 0x25, 0x0a, 0x0a]);
      const sha = await push('blob.bin', bytes, 'binary');
      await git(supervisor, 'fetch', '-q', 'origin');
      // Asked together, answered in order; a missing name is null, not an error.
      const [head, blob, missing, after] = await Promise.all([
        batch.read('origin/main'),
        batch.read(`${sha}:blob.bin`),
        batch.read(`${sha}:no such file`),
        batch.read('origin/main'),
      ]);
      expect(head?.sha).toBe(sha);
      expect(blob?.content.equals(bytes)).toBe(true);
      expect(missing).toBeNull();
      expect(after?.sha).toBe(sha);
      await expect(batch.read('origin/main\nHEAD')).rejects.toThrow('line break');
    } finally {
      batch.close();
    }
  });

  it('CatFileBatch: a git that dies fails the reads waiting for it, and the next read starts another', async () => {
    const batch = new CatFileBatch(supervisor);
    try {
      await batch.read('origin/main');
      const child = (batch as unknown as { child: { pid: number; kill(): void } }).child;
      child.kill();
      await new Promise((r) => setTimeout(r, 100));
      expect((await batch.read('origin/main'))?.type).toBe('commit');
      expect((batch as unknown as { child: { pid: number } }).child.pid).not.toBe(child.pid);
    } finally {
      batch.close();
    }
  });

  it('WorkRepo.shared: files are read once per head of origin/main, and again once it moves', async () => {
    const repo = WorkRepo.shared(supervisor);
    expect(WorkRepo.shared(supervisor)).toBe(repo);
    const reads = jest.spyOn(CatFileBatch.prototype, 'read');
    const status = '.steward-state/p1.status';
    const before = await repo.head();
    expect(await repo.showAt(before, status)).toBeNull();
    expect(await repo.showAt(before, 'README.md')).toBe('# work repo\n');
    const asked = reads.mock.calls.length;
    // The same head: nothing asked of git again.
    expect(await repo.showAt(before, status)).toBeNull();
    expect(await repo.showAt(before, 'README.md')).toBe('# work repo\n');
    expect(reads.mock.calls).toHaveLength(asked);

    const sha = await push('.steward-state/p1.status', 'PHASE_DONE\n', 'claim(p1): done');
    expect(await repo.fetch()).toBeNull();
    expect(await repo.head()).toBe(sha);
    expect(await repo.showAt(sha, status)).toBe('PHASE_DONE\n');
    // What `git show` says, as before.
    expect(await repo.showAt(sha, status)).toBe(await repo.show(status));
    expect(await repo.showAt(null, status)).toBeNull();
    // The commits since the old head, read once for that range.
    const commits = await repo.commitsSince(before, 200, sha);
    expect(commits).toEqual([{ sha, author: 'builder', subject: 'claim(p1): done' }]);
    commits[0]!.reviewText = 'changed by the caller';
    expect(await repo.commitsSince(before, 200, sha)).toEqual([{ sha, author: 'builder', subject: 'claim(p1): done' }]);
  });

  it('WorkRepo.shared: a repo removed under it reads as no head, as before', async () => {
    const repo = WorkRepo.shared(supervisor);
    expect(await repo.head()).not.toBeNull();
    WorkRepo.closeShared();
    const again = WorkRepo.shared(supervisor);
    await rm(supervisor, { recursive: true, force: true });
    expect(await again.head()).toBeNull();
    expect(await again.showAt(null, 'README.md')).toBeNull();
  });
});
