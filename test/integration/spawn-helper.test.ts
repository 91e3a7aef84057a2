import { runProgram } from '../../src/host/run-program';
import { spawnHelper } from '../../src/host/spawn-helper';
import { eventually } from '../helpers/harness';

/** A program that prints its parent's pid: who started it. */
const parentOf = async () =>
  Number((await runProgram(process.execPath, ['-e', 'process.stdout.write(String(process.ppid))'])).stdout);

describe('the spawn helper', () => {
  it('starts programs while held, the worker itself otherwise', async () => {
    expect(await parentOf()).toBe(process.pid);
    const release = spawnHelper.hold();
    try {
      const parent = await parentOf();
      expect(parent).not.toBe(process.pid);
      // One helper for every program, not one per program.
      expect(await parentOf()).toBe(parent);
    } finally {
      release();
    }
    await eventually(async () => (await parentOf()) === process.pid, 5_000, 'programs started here again');
  });

  it('gives the same result as a program started here: exit code, stdout, stderr, stdin, cwd, env, timeout', async () => {
    const script = [
      'let input = "";',
      'process.stdin.on("data", (d) => (input += d));',
      'process.stdin.on("end", () => {',
      '  process.stdout.write(`${input.toUpperCase()} ${process.cwd()} ${process.env.SPAWN_HELPER_TEST}`);',
      '  process.stderr.write("to stderr");',
      '  process.exit(3);',
      '});',
    ].join('\n');
    const run = () =>
      Promise.all([
        runProgram(process.execPath, ['-e', script], {
          input: 'typed in',
          cwd: '/tmp',
          env: { ...process.env, SPAWN_HELPER_TEST: 'set' },
        }),
        runProgram(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 300 }),
        runProgram('/nonexistent/program', []),
      ]);
    const here = await run();
    const release = spawnHelper.hold();
    try {
      const viaHelper = await run();
      expect(here[0]).toEqual({ code: 3, stdout: 'TYPED IN /tmp set', stderr: 'to stderr' });
      expect(here[1].code).not.toBe(0);
      expect(here[2].code).not.toBe(0);
      expect(here[2].stderr).toContain('ENOENT');
      expect(viaHelper).toEqual(here);
    } finally {
      release();
    }
  });

  it('ends the programs under way as failed when the helper dies, then starts another helper', async () => {
    const release = spawnHelper.hold();
    try {
      const helper = await parentOf();
      expect(helper).not.toBe(process.pid);
      const long = runProgram(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
      process.kill(helper, 'SIGKILL');
      const lost = await long;
      expect(lost.code).not.toBe(0);
      expect(lost.stderr).toContain('spawn helper exited');
      await eventually(
        async () => {
          const parent = await parentOf();
          return parent !== process.pid && parent !== helper;
        },
        10_000,
        'a new helper',
      );
    } finally {
      release();
    }
  });
});
