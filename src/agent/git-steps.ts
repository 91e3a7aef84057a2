import { runProgram } from '../host/run-program';

async function git(cwd: string, args: string[]): Promise<void> {
  const r = await runProgram('git', args, { cwd });
  if (r.code !== 0) throw new Error(`git ${args[0]}: ${r.stderr.trim() || r.stdout.trim()}`);
}

export async function commitAll(cwd: string, message: string): Promise<void> {
  await git(cwd, ['add', '-A']);
  await git(cwd, ['commit', '-q', '--allow-empty', '-m', message]);
}

export async function pullRebase(cwd: string): Promise<void> {
  await git(cwd, ['pull', '-q', '--rebase', 'origin', 'main']);
}

/** Pushes to origin/main, rebasing over the other agents' pushes when it is behind. */
export async function pushMain(cwd: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const r = await runProgram('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd });
    if (r.code === 0) return;
    await pullRebase(cwd);
  }
  throw new Error('git push: still rejected after 5 rebases');
}
