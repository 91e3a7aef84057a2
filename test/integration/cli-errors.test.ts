import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { steward } from '../helpers/cli';

/** Commands that take a build name, each with the rest of a valid argument vector. */
const BUILD_COMMANDS: [string, string[]][] = [
  ['status', ['status', 'B']],
  ['events', ['events', 'B']],
  ['phase show', ['phase', 'show', 'B']],
  ['phase advance', ['phase', 'advance', 'B']],
  ['phase append', ['phase', 'append', 'B', '--id', 'p9']],
  ['pause', ['pause', 'B']],
  ['resume', ['resume', 'B']],
  ['stop', ['stop', 'B']],
  ['nudge', ['nudge', 'B', 'builder']],
  ['restart', ['restart', 'B', 'builder']],
  ['ci pushed', ['ci', 'pushed', '--build', 'B']],
  ['log --build', ['log', 'builder', '--build', 'B']],
];
const withBuild = (argv: string[], build: string) => argv.map((a) => (a === 'B' ? build : a));

describe('steward CLI: errors are one line with the right exit code', () => {
  it('an unknown build is exit 2 for every command that names one', async () => {
    const runs = await Promise.all(BUILD_COMMANDS.map(([, argv]) => steward(withBuild(argv, 'no-such-build-xyz'))));
    runs.forEach((r, i) => {
      expect({ command: BUILD_COMMANDS[i]![0], code: r.code, err: r.errLines }).toEqual({
        command: BUILD_COMMANDS[i]![0],
        code: 2,
        err: ['steward: no build named no-such-build-xyz (no workflow build/no-such-build-xyz in namespace default)'],
      });
      expect(r.stdout).toBe('');
    });
  });

  it('an unreachable server is exit 1 with one line, for every command that needs one', async () => {
    const argvs = [
      ['list'],
      ['start-build', 'config/demo.toml'],
      ...BUILD_COMMANDS.map(([, argv]) => withBuild(argv, 'demo')),
    ];
    const runs = await Promise.all(
      argvs.map((argv) => steward(argv, { env: { TEMPORAL_ADDRESS: '127.0.0.1:1' }, timeoutMs: 30_000 })),
    );
    runs.forEach((r, i) => {
      expect({ argv: argvs[i], code: r.code, err: r.errLines }).toEqual({
        argv: argvs[i],
        code: 1,
        err: [expect.stringMatching(/^steward: cannot reach Temporal at 127\.0\.0\.1:1: /)],
      });
    });
  });

  it('malformed arguments are exit 2, one line, before any connection', async () => {
    const cases: [string[], RegExp][] = [
      [['status'], /^error: missing required argument 'build'$/],
      [['nudge', 'demo'], /^error: missing required argument 'agent'$/],
      [['status', 'bad name!'], /^steward: build name: `bad name!` is not a safe id/],
      [['status', 'build/../x'], /^steward: build name: `\.\.\/x` is not a safe id/],
      [['nudge', 'demo', 'no:colon'], /^steward: agent name: `no:colon` is not a safe name/],
      [
        ['list', '--limit', 'lots'],
        /^error: option '--limit <n>' argument 'lots' is invalid\. expected a whole number/,
      ],
      [['status', 'demo', '--events', '-1'], /^error: option '--events <n>' argument '-1' is invalid/],
      [['pause', 'demo', '--wait', '0'], /^error: option '--wait <seconds>' argument '0' is invalid/],
      [['phase', 'append', 'demo'], /^steward: no phase given: pass --id ID \(repeatable\) or --phases JSON$/],
      [['phase', 'append', 'demo', '--phases', '{"id":"p3","extra":1}'], /^steward: phase 1: unknown field extra/],
      [['phase', 'append', 'demo', '--id', 'a..b'], /^steward: phase 1: `a\.\.b` is not a safe id/],
      [
        ['phase', 'append', 'demo', '--phases', '@/no/such/file.json'],
        /^steward: --phases @\/no\/such\/file\.json: ENOENT/,
      ],
      [['ci', 'pushed'], /^steward: no build: pass --build B or set STEWARD_BUILD$/],
      [['ci', 'pushed', '--build', 'demo', '--sha', 'not-a-sha'], /^steward: --sha "not-a-sha" is not a commit sha/],
      [
        ['log', '/no/such/file.jsonl'],
        /^steward: no transcript file \/no\/such\/file\.jsonl \(for an agent of a build, pass --build B\)$/,
      ],
      [['log', 'builder', '--build', 'demo', '--width', '3'], /^error: option '--width <n>' argument '3' is invalid/],
      [['frobnicate'], /^error: unknown command 'frobnicate'/],
      [['status', 'demo', '--colour'], /^error: unknown option '--colour'/],
    ];
    // An unreachable server proves that nothing connects: these fail fast with exit 2 regardless.
    const runs = await Promise.all(
      cases.map(([argv]) => steward(argv, { env: { TEMPORAL_ADDRESS: '127.0.0.1:1', STEWARD_BUILD: '' } })),
    );
    runs.forEach((r, i) => {
      const [argv, pattern] = cases[i]!;
      expect({ argv, code: r.code, lines: r.errLines.length, stdout: r.stdout }).toEqual({
        argv,
        code: 2,
        lines: 1,
        stdout: '',
      });
      expect(r.errLines[0]).toMatch(pattern);
    });
  });

  it('start-build refuses a config over the size limits with its TOML path, before any connection', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'steward-cli-limits-'));
    try {
      const file = path.join(dir, 'big.toml');
      writeFileSync(file, `name = "big"\n[[agent]]\nname = "a"\nkickoff = "${'x'.repeat(70_000)}"\n`);
      const run = await steward(['start-build', file], { env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });
      expect({ code: run.code, err: run.errLines, stdout: run.stdout }).toEqual({
        code: 2,
        err: [`steward: ${file}:4: agent[0].kickoff: 70000 bytes, over the 65536-byte limit`],
        stdout: '',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every operator command has --help with an example, exit 0', async () => {
    const commands = [
      ['list'],
      ['status'],
      ['phase', 'show'],
      ['phase', 'advance'],
      ['phase', 'append'],
      ['pause'],
      ['resume'],
      ['stop'],
      ['nudge'],
      ['restart'],
      ['events'],
      ['log'],
      ['report'],
      ['ci', 'pushed'],
      ['hook'],
    ];
    const runs = await Promise.all(commands.map((c) => steward([...c, '--help'])));
    runs.forEach((r, i) => {
      expect({ command: commands[i], code: r.code }).toEqual({ command: commands[i], code: 0 });
      expect(r.stdout).toMatch(new RegExp(`^Usage: steward ${commands[i]!.join(' ')} `));
      expect(r.stdout).toMatch(/\nExamples?:\n {2}\S/);
    });
    const root = await steward(['--help']);
    expect(root.stdout).toMatch(/Exit codes: 0 ok, 1 runtime error .*, 2 usage or bad input\./);
  });
});
