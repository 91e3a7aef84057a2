import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { BuildHarness, eventually, useHarness } from '../helpers/harness';
import {
  advanceUpdate,
  appendPhasesUpdate,
  nudgeUpdate,
  pauseUpdate,
  restartUpdate,
  resumeUpdate,
  statusQuery,
  stopSignal,
} from '../../src/workflows/definitions';
import { runProgram } from '../../src/host/run-program';
import { inertCliConfig } from '../helpers/cli';

async function paneOf(h: BuildHarness, agent: string): Promise<string> {
  return (await h.tmux.snapshot(`${h.name}-${agent}`)).tail;
}

async function panePid(h: BuildHarness, agent: string): Promise<string> {
  return (
    await runProgram('tmux', ['-L', h.socket, 'display-message', '-p', '-t', `=${h.name}-${agent}:`, '#{pane_pid}'])
  ).stdout.trim();
}

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return String((err as WorkflowUpdateFailedError).cause?.message);
  }
  throw new Error('expected the update to be rejected');
}

describe('operator control of a running build', () => {
  const h = useHarness('operator');

  it('nudge, pause, resume, advance, append, restart and stop — and rejects nonsense', async () => {
    const script = join(h.dir, 'inert.toml');
    await writeFile(script, 'on = []\n');
    const { handle } = await h.start(await h.writeConfig(inertCliConfig(h.name, script)));
    await eventually(async () => (await handle.query(statusQuery)).agents.builder?.alive, 30_000, 'builder alive');

    expect(
      await handle.executeUpdate(nudgeUpdate, { args: [{ agent: 'builder', message: 'operator says hello' }] }),
    ).toBe('nudged builder');
    await eventually(async () => (await paneOf(h, 'builder')).includes('operator says hello'), 10_000, 'nudge in pane');
    expect(await rejection(handle.executeUpdate(nudgeUpdate, { args: [{ agent: 'ghost' }] }))).toMatch(
      /no agent "ghost".*agents: builder, watcher/,
    );

    expect(await handle.executeUpdate(pauseUpdate, { args: ['lunch'] })).toBe('paused: lunch');
    expect((await handle.query(statusQuery)).status).toBe('paused');
    expect(await rejection(handle.executeUpdate(pauseUpdate, { args: ['again'] }))).toBe('already paused');
    expect(await handle.executeUpdate(resumeUpdate)).toBe('resumed');
    expect(await rejection(handle.executeUpdate(resumeUpdate))).toMatch(/not paused/);

    expect(await handle.executeUpdate(advanceUpdate)).toBe('advanced from p1 to p2');
    expect((await handle.query(statusQuery)).phase).toBe('p2');
    await eventually(async () => (await paneOf(h, 'builder')).includes('Phase p2 begins'), 10_000, 'p2 kickoff');
    expect(await handle.executeUpdate(advanceUpdate)).toMatch(/the sequence is complete/);
    expect(await rejection(handle.executeUpdate(advanceUpdate))).toMatch(/cannot advance past the last phase/);

    expect(
      await rejection(
        handle.executeUpdate(appendPhasesUpdate, { args: [[{ id: 'p1', status: 'STATUS-p1.md', kickoff: '' }]] }),
      ),
    ).toMatch(/already exists/);
    expect(
      await rejection(
        handle.executeUpdate(appendPhasesUpdate, { args: [[{ id: 'p3', status: '../escape.md', kickoff: '' }]] }),
      ),
    ).toMatch(/inside the state dir/);
    expect(
      await handle.executeUpdate(appendPhasesUpdate, {
        args: [[{ id: 'p3', status: 'STATUS-p3.md', kickoff: 'Polish.' }]],
      }),
    ).toMatch(/resumes/);
    expect((await handle.query(statusQuery)).phase).toBe('p3');
    await eventually(
      async () => (await paneOf(h, 'builder')).includes('Phase p3 begins. Polish.'),
      10_000,
      'p3 kickoff',
    );

    const pidBefore = await panePid(h, 'builder');
    const sessionBefore = (await handle.query(statusQuery)).agents.builder!.sessionId;
    expect(await handle.executeUpdate(restartUpdate, { args: [{ agent: 'builder' }] })).toBe('restarted builder');
    expect(await panePid(h, 'builder')).not.toBe(pidBefore);
    expect((await handle.query(statusQuery)).agents.builder!.sessionId).not.toBe(sessionBefore);

    await handle.signal(stopSignal, 'test over');
    const result = await handle.result();
    expect(result.status).toBe('stopped');
    expect(result.phases.map((p) => p.id)).toEqual(['p1', 'p2']);
    const types = (await handle.query(statusQuery)).events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['agent_nudged', 'paused', 'resumed', 'phases_appended', 'agent_restarted', 'stopped']),
    );
  });

  it('refuses an invalid edit of the running config, keeps going, and applies a valid one', async () => {
    const script = join(h.dir, 'inert.toml');
    await writeFile(script, 'on = []\n');
    const file = await h.writeConfig(inertCliConfig(h.name, script));
    const { handle } = await h.start(file);
    await eventually(async () => (await handle.query(statusQuery)).agents.builder?.alive, 30_000, 'builder alive');

    await writeFile(file, inertCliConfig(h.name, script, 'signal_interval = 0.2\nstall_idel = 5'));
    const rejected = await eventually(
      async () => (await handle.query(statusQuery)).events.find((e) => e.type === 'config_rejected'),
      15_000,
      'config_rejected',
    );
    expect(rejected.message).toMatch(/watchdog\.stall_idel.*did you mean `stall_idle`/);
    const hashAfterRejection = (await handle.query(statusQuery)).configHash;

    // The build still works: an operator command goes through and nothing was reloaded.
    expect(await handle.executeUpdate(advanceUpdate)).toBe('advanced from p1 to p2');
    const view = await handle.query(statusQuery);
    expect(view.events.filter((e) => e.type === 'config_rejected')).toHaveLength(1);
    expect(view.events.some((e) => e.type === 'config_reloaded')).toBe(false);
    expect(view.configHash).toBe(hashAfterRejection);

    await writeFile(file, inertCliConfig(h.name, script, 'signal_interval = 0.3'));
    await eventually(
      async () => (await handle.query(statusQuery)).events.find((e) => e.type === 'config_reloaded'),
      15_000,
      'config_reloaded',
    );
    const reloaded = await handle.query(statusQuery);
    expect(reloaded.configHash).not.toBe(hashAfterRejection);
    expect(reloaded.phase).toBe('p2');

    // An edit that adds a phase to the complete sequence resumes it, kickoff included.
    expect(await handle.executeUpdate(advanceUpdate)).toMatch(/the sequence is complete/);
    await writeFile(
      file,
      inertCliConfig(h.name, script, 'signal_interval = 0.3').replace(
        '{ id = "p2" }]',
        '{ id = "p2" }, { id = "p3", kickoff = "Polish." }]',
      ),
    );
    const started = await eventually(
      async () => (await handle.query(statusQuery)).events.find((e) => e.type === 'phase_started' && e.phase === 'p3'),
      15_000,
      'p3 started',
    );
    expect(started.message).toBe('phase p3 started (the sequence resumes)');
    expect((await handle.query(statusQuery)).phase).toBe('p3');
    await eventually(
      async () => (await paneOf(h, 'builder')).includes('Phase p3 begins. Polish.'),
      10_000,
      'p3 kickoff',
    );
    await handle.signal(stopSignal);
    await handle.result();
  });
});
