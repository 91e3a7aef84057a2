import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, useHarness } from '../helpers/harness';
import { inertCliConfig, INERT_SCRIPT, steward } from '../helpers/cli';
import { stopSignal, statusQuery } from '../../src/workflows/definitions';

describe('steward ci pushed and steward log against a running build', () => {
  const h = useHarness('cli-log', { per: 'block' });

  it('ci pushed signals the build; log renders the agent transcript found through the build', async () => {
    const script = join(h.dir, 'inert.toml');
    await writeFile(script, INERT_SCRIPT);
    const { handle } = await h.start(await h.writeConfig(inertCliConfig(h.name, script)));
    await eventually(async () => (await handle.query(statusQuery)).agents.builder?.alive, 30_000, 'builder alive');
    const claudeHome = join(h.dir, 'empty-claude');
    await mkdir(claudeHome);
    const env = { CLAUDE_CONFIG_DIR: claudeHome };

    // ci pushed: the signal lands in the workflow's history with its sha.
    const pushed = await steward(['ci', 'pushed', '--build', h.name, '--sha', 'abc1234']);
    expect(pushed).toMatchObject({
      code: 0,
      stdout: `pushed signal sent to build/${h.name} (sha abc1234)\n`,
      stderr: '',
    });
    const fromEnv = await steward(['ci', 'pushed'], { env: { STEWARD_BUILD: h.name } });
    expect(fromEnv).toMatchObject({ code: 0, stdout: `pushed signal sent to build/${h.name}\n` });
    const signals = await eventually(
      async () => {
        const history = await handle.fetchHistory();
        const found = (history.events ?? []).filter(
          (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'pushed',
        );
        return found.length === 2 ? found : undefined;
      },
      10_000,
      'pushed signals in history',
    );
    const sha = Buffer.from(
      signals[0]!.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!.data!,
    ).toString();
    expect(sha).toBe('"abc1234"');
    const missing = await steward(['ci', 'pushed', '--build', 'no-such-build-ci']);
    expect(missing).toMatchObject({
      code: 2,
      errLines: ['steward: no build named no-such-build-ci (no workflow build/no-such-build-ci in namespace default)'],
    });
    const ignored = await steward(['ci', 'pushed', '--build', 'no-such-build-ci', '--ignore-missing']);
    expect(ignored.code).toBe(0);
    expect(ignored.stdout).toMatch(/^no running build no-such-build-ci: nothing to signal/);

    // log AGENT --build B: the transcript is found from the build's config (its state dir).
    expect(await steward(['nudge', h.name, 'builder', 'operator says hello'])).toMatchObject({ code: 0 });
    const sessionId = (await handle.query(statusQuery)).agents.builder!.sessionId;
    const log = await eventually(
      async () => {
        const r = await steward(['log', 'builder', '--build', h.name], { env });
        return r.code === 0 && r.stdout.includes('usage ') ? r : undefined;
      },
      15_000,
      'transcript with a reply',
    );
    const lines = log.stdout.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^# agent builder, session ${sessionId}: .*/transcripts/.*/${sessionId}\\.jsonl$`),
    );
    expect(lines[1]).toMatch(/^--- \d{4}-\d\d-\d\d ---$/);
    expect(log.stdout).toMatch(/^\d\d:\d\d:\d\d user {7}You are the builder\.$/m);
    expect(log.stdout).toMatch(/^\d\d:\d\d:\d\d user {7}operator says hello$/m);
    expect(log.stdout).toMatch(/^\d\d:\d\d:\d\d assistant {2}handled: operator says hello$/m);
    expect(log.stdout).toMatch(
      /^\d\d:\d\d:\d\d usage {6}in 11 · out 7 · cache write 0 · cache read 0 · claude-sonnet-4-5-20250929$/m,
    );
    // One turn, one usage line: the streamed snapshots of the reply are merged.
    expect(lines.filter((l) => / usage /.test(l))).toHaveLength(1);

    // The same file by path, and as JSON.
    const file = lines[0]!.replace(/^# .*?: /, '');
    const byFile = await steward(['log', file]);
    expect(byFile.code).toBe(0);
    expect(byFile.stdout).toBe(lines.slice(1).join('\n'));
    const json = JSON.parse((await steward(['log', file, '--json'])).stdout) as {
      file: string;
      entries: { kind: string; text: string }[];
    }[];
    expect(json[0]!.file).toBe(file);
    expect(json[0]!.entries.filter((e) => e.kind === 'assistant').map((e) => e.text)).toEqual([
      'handled: operator says hello',
    ]);

    // Not found where told to look: exit 1; an unknown agent: exit 2.
    const nowhere = await steward(['log', 'builder', '--build', h.name, '--transcripts', claudeHome], { env });
    expect(nowhere.code).toBe(1);
    expect(nowhere.errLines).toEqual([
      `steward: no transcript ${sessionId}.jsonl for agent builder under ${claudeHome}; pass --transcripts DIR`,
    ]);
    const ghost = await steward(['log', 'ghost', '--build', h.name], { env });
    expect(ghost).toMatchObject({
      code: 2,
      errLines: [`steward: no agent "ghost" in build ${h.name}; agents: builder, watcher`],
    });

    await handle.signal(stopSignal, 'test over');
    await handle.result();
  });
});
