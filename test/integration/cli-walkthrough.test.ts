import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, useHarness } from '../helpers/harness';
import { CliRun, inertCliConfig, INERT_SCRIPT, steward } from '../helpers/cli';

/**
 * The operator walkthrough of docs/operations.md, step by step, with the real binary: start a
 * build, look at it, nudge an agent, pause and resume, advance a phase, read its tokens, stop.
 * Set STEWARD_SHOW_CLI=1 to print each step's output.
 */
describe('operator walkthrough', () => {
  const h = useHarness('cli-walk', { per: 'block' });

  async function step(args: string[]): Promise<CliRun> {
    const run = await steward(args);
    if (process.env.STEWARD_SHOW_CLI)
      process.stderr.write(`$ steward ${args.join(' ')}   # exit ${run.code}\n${run.stdout}${run.stderr}\n`);
    return run;
  }

  it('start, status, nudge, pause, resume, phase advance, tokens, stop', async () => {
    const script = join(h.dir, 'inert.toml');
    await writeFile(script, INERT_SCRIPT);
    const config = await h.writeConfig(inertCliConfig(h.name, script));

    // 1. Start the build (the worker for host h.hostId runs in this process).
    const started = await step(['start-build', config, '--host', h.hostId]);
    expect(started).toMatchObject({ code: 0, stdout: `started build build/${h.name}\n` });
    // Starting it again attaches to the running build instead of starting a second one.
    expect(await step(['start-build', config, '--host', h.hostId])).toMatchObject({
      code: 0,
      stdout: `attached to build build/${h.name}\n`,
    });

    // 2. Status: wait for both agents to be up.
    const status = await eventually(
      async () => {
        const r = await step(['status', h.name]);
        return /^builder\s+yes\s/m.test(r.stdout) && /^watcher\s+yes\s/m.test(r.stdout) ? r : undefined;
      },
      30_000,
      'agents up in status',
    );
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^build ${h.name} \\(build/${h.name}\\): running$`, 'm'));
    expect(status.stdout).toMatch(/^phase:\s+p1 \(1\/2\)/m);
    expect(status.stdout).toMatch(new RegExp(`^host:\\s+${h.hostId} · started \\d{4}-`, 'm'));
    expect(status.stdout).toMatch(/agent_started builder/);

    // 3. Nudge the builder; the reply shows in its pane.
    expect(await step(['nudge', h.name, 'builder', 'operator says: pull main'])).toMatchObject({
      code: 0,
      stdout: 'nudged builder\n',
    });
    await eventually(
      async () => (await h.tmux.snapshot(`${h.name}-builder`)).tail.includes('heard the operator'),
      15_000,
      'builder heard',
    );

    // 4. Pause: supervision stops, status says so; 5. resume.
    expect(await step(['pause', h.name, '--reason', 'rebasing by hand'])).toMatchObject({
      code: 0,
      stdout: 'paused: rebasing by hand\n',
    });
    expect((await step(['status', h.name])).stdout).toMatch(
      new RegExp(`^build ${h.name} \\(build/${h.name}\\): paused$`, 'm'),
    );
    expect(await step(['resume', h.name])).toMatchObject({ code: 0, stdout: 'resumed\n' });

    // 6. Advance to the next phase by hand.
    expect(await step(['phase', 'advance', h.name])).toMatchObject({ code: 0, stdout: 'advanced from p1 to p2\n' });
    const phases = await step(['phase', 'show', h.name]);
    expect(phases.stdout).toMatch(/^1\s+p1\s+done\s/m);
    expect(phases.stdout).toMatch(/^2\s+p2\s+current\s/m);

    // 7. The story so far, as events.
    const events = await step(['events', h.name, '--limit', '10']);
    expect(events.stdout).toMatch(/ agent_nudged builder: operator nudge: operator says: pull main$/m);
    expect(events.stdout).toMatch(/ paused: rebasing by hand$/m);
    expect(events.stdout).toMatch(/ resumed: resumed by operator$/m);
    expect(events.stdout).toMatch(/ phase_completed( \w+)?: /m);

    // 8. Tokens: the finished phase p1 has its record (the builder answered the nudge).
    const tokens = await step(['tokens', '--build', h.name, '--by', 'phase', '--json']);
    expect(tokens.code).toBe(0);
    const rows = JSON.parse(tokens.stdout) as unknown;
    expect(JSON.stringify(rows)).toMatch(/"p1"/);
    const table = await step(['tokens', '--build', h.name, '--by', 'agent']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^builder\s/m);

    // 9. Stop: waits for the build to close and reports its phases.
    const stopped = await step(['stop', h.name, '--reason', 'walkthrough over']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(
      new RegExp(`^build ${h.name} stopped: 1 phase\\(s\\) \\[p1 [\\d.]+s\\] in [\\d.]+s\\n$`),
    );
    expect((await step(['status', h.name])).stdout).toMatch(
      new RegExp(`^build ${h.name} \\(build/${h.name}\\): stopped \\(workflow completed at `, 'm'),
    );
  });
});
