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
      expect(here[1].stderr).toBe(`${process.execPath} stopped after 0.3 s (its timeout)`);
      expect(here[2].code).not.toBe(0);
      expect(here[2].stderr).toContain('ENOENT');
      expect(viaHelper).toEqual(here);
    } finally {
      release();
    }
  });

  /** Holds the helper, hurts it with `signal` while `program` runs, checks its answer, then that another helper takes over. */
  async function helperLost(
    signal: NodeJS.Signals,
    program: { args: string[]; timeoutMs?: number },
    answer: string,
  ): Promise<void> {
    const release = spawnHelper.hold();
    try {
      const helper = await parentOf();
      expect(helper).not.toBe(process.pid);
      const running = runProgram(process.execPath, program.args, { timeoutMs: program.timeoutMs });
      process.kill(helper, signal);
      const lost = await running;
      expect(lost.code).not.toBe(0);
      expect(lost.stderr).toBe(answer);
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
  }

  it('ends the programs under way as failed when the helper dies, then starts another helper', async () => {
    await helperLost(
      'SIGKILL',
      { args: ['-e', 'setTimeout(() => {}, 10000)'] },
      'the spawn helper exited before the program ended',
    );
  });

  it('answers a program under way when the helper stops answering, then starts another helper', async () => {
    await helperLost('SIGSTOP', { args: ['-e', '0'], timeoutMs: 200 }, 'the spawn helper did not answer in time');
  });

  it('lets the programs under way finish when the last worker lets go of it', async () => {
    const release = spawnHelper.hold();
    const running = runProgram(process.execPath, ['-e', 'setTimeout(() => process.stdout.write("done"), 500)']);
    release();
    expect(await running).toEqual({ code: 0, stdout: 'done', stderr: '' });
  });
});
