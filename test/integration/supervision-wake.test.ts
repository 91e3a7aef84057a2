import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, useHarness } from '../helpers/harness';
import { IDLE_SCRIPT, pushCommit } from '../helpers/inert';
import type { StewardEvent } from '../../src/core/events';
import type { BuildStatusView } from '../../src/workflows/definitions';
import {
  eventsOf,
  paneText,
  startSupervised,
  stopBuild,
  SupervisedBuild,
  untilEvents,
  untilStatus,
} from '../helpers/supervision';

const WAKE_BUILD: SupervisedBuild = {
  watchdog: { signal_interval: '200ms', heavy_interval: '1m' },
  scripts: {
    inert: IDLE_SCRIPT,
    // One run of the task: note it, then exit (a task ends after its run).
    auditor:
      '[[on]]\nmatch = "Audit the coverage"\ndo = [{ append = "audit.log", text = "audited\\n" }, { sleep = 300 }, { exit = 0 }]\n',
  },
  agents: [
    {
      name: 'builder',
      backend: 'inert',
      cwd: 'builder',
      kickoff: 'You are the builder.',
      wake: { interval: 1, message: 'builder, wake up' },
    },
    {
      name: 'watcher',
      kind: 'persistent',
      backend: 'inert',
      cwd: 'supervisor',
      kickoff: 'You watch.',
      wake: { interval: 1, message: 'wake up' },
    },
    {
      name: 'auditor',
      kind: 'task',
      backend: 'auditor',
      cwd: 'adversary',
      kickoff: 'Audit the coverage.',
      wake: { interval: 1 },
    },
  ],
};

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('scheduled wakes on a real build', () => {
  const h = useHarness('wake');

  it('re-prompts live agents and re-runs a task fresh on their intervals; after the sequence only persistent agents keep waking', async () => {
    const handle = await startSupervised(h, WAKE_BUILD);

    // While the phase runs: every agent wakes on its interval.
    const woken = (view: BuildStatusView, agent: string) => eventsOf(view, 'agent_woken', agent).length;
    const running = await untilStatus(
      handle,
      (view) => ['builder', 'watcher', 'auditor'].every((agent) => woken(view, agent) >= 2),
      30_000,
      'two wakes of every agent',
    );
    for (const agent of ['builder', 'watcher']) {
      for (const e of eventsOf(running, 'agent_woken', agent)) expect(e.message).toBe('scheduled wake (every 1s)');
    }
    for (const e of eventsOf(running, 'agent_woken', 'auditor'))
      expect(e.message).toBe('scheduled re-run of task (every 1s)');
    await eventually(
      async () => count(await paneText(h, 'watcher'), 'wake up') >= 2,
      10_000,
      'two wakes in the watcher pane',
    );
    await eventually(
      async () => count(await paneText(h, 'builder'), 'builder, wake up') >= 2,
      10_000,
      'two wakes in the builder pane',
    );

    // Each run of the task was a fresh process with a fresh session: its own transcript, its own line in the log.
    const auditLog = join(h.dir, 'adversary', 'audit.log');
    const runs = await eventually(
      async () => {
        const lines = (await readFile(auditLog, 'utf8')).trim().split('\n');
        return lines.length >= 3 ? lines.length : null;
      },
      10_000,
      'three audit runs',
    );
    const transcripts = join(
      h.dir,
      '.steward',
      h.name,
      'transcripts',
      join(h.dir, 'adversary').replace(/[^A-Za-z0-9]/g, '-'),
    );
    const sessions = (await readdir(transcripts)).filter((f) => f.endsWith('.jsonl'));
    expect(sessions.length).toBeGreaterThanOrEqual(3);
    expect(sessions.length).toBeGreaterThanOrEqual(runs - 1); // the newest run may not have written yet

    // Complete the sequence: the done marker lands on origin/main.
    await pushCommit(h, 'builder', 'status(p1): done', { path: '.steward-state/STATUS-p1.md', text: '## DONE\n' });
    const done = await untilEvents(handle, 'sequence_completed', undefined);
    const completedAt = eventsOf(done, 'sequence_completed')[0]!.seq;
    const after = (events: StewardEvent[], agent: string) =>
      events.filter((e) => e.type === 'agent_woken' && e.agent === agent && e.seq > completedAt);

    // The persistent watcher keeps waking; the loop agent's and the task's wakes went quiet.
    const later = await untilStatus(
      handle,
      (view) => after(view.events, 'watcher').length >= 3,
      15_000,
      'three wakes of the watcher after completion',
    );
    expect(after(later.events, 'builder')).toEqual([]);
    expect(after(later.events, 'auditor')).toEqual([]);
    expect(later.status).toBe('running'); // a build with a persistent agent outlives its sequence
    expect(later.phase).toBeNull();

    await stopBuild(handle);
  });
});
