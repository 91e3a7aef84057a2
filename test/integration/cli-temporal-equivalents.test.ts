import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProgram, type ProgramResult } from '../../src/host/run-program';
import { statusQuery } from '../../src/workflows/definitions';
import { eventually, testServerAddress, useHarness } from '../helpers/harness';
import { inertCliConfig, INERT_SCRIPT } from '../helpers/cli';

/**
 * The plain `temporal` CLI equivalents that docs/operations.md gives for every control, run as
 * written there against a real build, so the document cannot drift from the workflow.
 */
describe('temporal CLI equivalents of the steward controls', () => {
  const h = useHarness('cli-tctl', { per: 'block' });

  async function temporal(args: string[]): Promise<ProgramResult> {
    const binary = process.env.STEWARD_TEST_TEMPORAL_BINARY;
    if (!binary) throw new Error('no temporal binary: global setup did not run');
    const r = await runProgram(binary, [...args, '--address', testServerAddress()], { timeoutMs: 60_000 });
    if (process.env.STEWARD_SHOW_CLI)
      process.stderr.write(`$ temporal ${args.join(' ')}   # exit ${r.code}\n${r.stdout}${r.stderr}\n`);
    return r;
  }

  it('query, update execute, signal and list, as documented', async () => {
    const script = join(h.dir, 'inert.toml');
    await writeFile(script, INERT_SCRIPT);
    const { handle } = await h.start(await h.writeConfig(inertCliConfig(h.name, script)));
    await eventually(async () => (await handle.query(statusQuery)).agents.builder?.alive, 30_000, 'builder alive');
    const id = `build/${h.name}`;
    const update = (name: string, ...input: string[]) =>
      temporal([
        'workflow',
        'update',
        'execute',
        '--workflow-id',
        id,
        '--name',
        name,
        ...input.flatMap((i) => ['--input', i]),
      ]);

    const query = await temporal(['workflow', 'query', '--workflow-id', id, '--name', 'status', '--output', 'json']);
    expect(query.code).toBe(0);
    expect(JSON.parse(query.stdout).queryResult[0]).toMatchObject({ status: 'running', phase: 'p1', phaseCount: 2 });

    const paused = await update('pause', '"lunch"');
    expect(paused.code).toBe(0);
    expect(paused.stdout).toContain('paused: lunch');
    const again = await update('pause', '"again"');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('already paused');
    expect((await update('resume')).stdout).toContain('resumed');

    expect((await update('nudge', '{"agent":"builder","message":"operator says hi"}')).stdout).toContain(
      'nudged builder',
    );
    await eventually(
      async () => (await h.tmux.snapshot(`${h.name}-builder`)).tail.includes('heard the operator'),
      15_000,
      'nudge answered',
    );
    expect((await update('advance')).stdout).toContain('advanced from p1 to p2');
    expect(
      (await update('appendPhases', '[{"id":"p3","status":"STATUS-p3.md","kickoff":"Polish."}]')).stdout,
    ).toContain('appended 1 phase(s)');
    expect((await update('restart', '{"agent":"builder"}')).stdout).toContain('restarted builder');
    expect((await update('setBudget', '{"build":{"usd":50},"warn_ratio":0.8}')).stdout).toContain('budget updated');

    expect(
      (await temporal(['workflow', 'signal', '--workflow-id', id, '--name', 'pushed', '--input', '"abc1234"'])).code,
    ).toBe(0);

    const listed = await eventually(
      async () => {
        const r = await temporal([
          'workflow',
          'list',
          '--query',
          `WorkflowType='buildWorkflow' AND StewardStatus='running' AND StewardProject='${h.name}'`,
          '--output',
          'json',
        ]);
        return r.code === 0 && r.stdout.includes(id) ? r : undefined;
      },
      20_000,
      'listed by search attributes',
    );
    expect(listed.stdout).toContain(id);
    const escalated = await temporal([
      'workflow',
      'list',
      '--query',
      `WorkflowType='buildWorkflow' AND StewardEscalation != 'none' AND StewardProject='${h.name}'`,
    ]);
    expect(escalated.code).toBe(0);
    expect(escalated.stdout).not.toContain(id);

    expect(
      (await temporal(['workflow', 'signal', '--workflow-id', id, '--name', 'stop', '--input', '"done for today"']))
        .code,
    ).toBe(0);
    expect((await handle.result()).status).toBe('stopped');
    const types = (await handle.query(statusQuery)).events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'paused',
        'resumed',
        'agent_nudged',
        'phase_completed',
        'phases_appended',
        'agent_restarted',
        'budget_updated',
        'stopped',
      ]),
    );
  });
});
