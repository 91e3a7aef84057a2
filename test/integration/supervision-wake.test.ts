import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildHarness, eventually } from '../helpers/harness';
import { pushCommit } from '../helpers/inert';
import type { StewardEvent } from '../../src/core/events';
import {
  Build,
  eventsOf,
  paneText,
  scriptedBackend,
  status,
  stopBuild,
  terminateIfRunning,
  untilEvents,
  writeScript,
} from '../helpers/supervision';

function wakeConfig(name: string, inert: string, auditor: string): string {
  return `
name = "${name}"
session_prefix = "${name}-"
[watchdog]
signal_interval = "200ms"
heavy_interval = "1m"
${scriptedBackend('inert', inert)}
${scriptedBackend('auditor', auditor)}
[[agent]]
name = "builder"
backend = "inert"
cwd = "builder"
kickoff = "You are the builder."
wake = { interval = 1, message = "builder, wake up" }
[[agent]]
name = "watcher"
kind = "persistent"
backend = "inert"
cwd = "supervisor"
kickoff = "You watch."
wake = { interval = 1, message = "wake up" }
[[agent]]
name = "auditor"
kind = "task"
backend = "auditor"
cwd = "adversary"
kickoff = "Audit the coverage."
wake = { interval = 1 }
[loop]
repo = "supervisor"
phases = [{ id = "p1" }]
`;
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('scheduled wakes on a real build', () => {
  let h: BuildHarness;
  let handle: Build | undefined;
  beforeEach(async () => {
    h = await BuildHarness.create('wake');
    await h.startWorker();
  });
  afterEach(async () => {
    await terminateIfRunning(handle);
    await h.cleanup();
  });

  it('re-prompts live agents and re-runs a task fresh on their intervals; after the sequence only persistent agents keep waking', async () => {
    const inert = await writeScript(h, 'inert', 'on = []\n');
    // One run of the task: note it, then exit (a task ends after its run).
    const auditor = await writeScript(
      h,
      'auditor',
      '[[on]]\nmatch = "Audit the coverage"\ndo = [{ append = "audit.log", text = "audited\\n" }, { sleep = 300 }, { exit = 0 }]\n',
    );
    ({ handle } = await h.start(await h.writeConfig(wakeConfig(h.name, inert, auditor))));

    // While the phase runs: every agent wakes on its interval.
    const running = await eventually(async () => {
      const view = await status(handle!);
      const woken = (agent: string) => eventsOf(view, 'agent_woken', agent).length;
      return woken('builder') >= 2 && woken('watcher') >= 2 && woken('auditor') >= 2 ? view : null;
    }, 30_000, 'two wakes of every agent');
    for (const agent of ['builder', 'watcher']) {
      for (const e of eventsOf(running, 'agent_woken', agent)) expect(e.message).toBe('scheduled wake (every 1s)');
    }
    for (const e of eventsOf(running, 'agent_woken', 'auditor')) expect(e.message).toBe('scheduled re-run of task (every 1s)');
    await eventually(async () => count(await paneText(h, 'watcher'), 'wake up') >= 2, 10_000, 'two wakes in the watcher pane');
    await eventually(async () => count(await paneText(h, 'builder'), 'builder, wake up') >= 2, 10_000, 'two wakes in the builder pane');

    // Each run of the task was a fresh process with a fresh session: its own transcript, its own line in the log.
    const auditLog = join(h.dir, 'adversary', 'audit.log');
    const runs = await eventually(async () => {
      const lines = (await readFile(auditLog, 'utf8')).trim().split('\n');
      return lines.length >= 3 ? lines.length : null;
    }, 10_000, 'three audit runs');
    const transcripts = join(h.dir, '.steward', h.name, 'transcripts', join(h.dir, 'adversary').replace(/[^A-Za-z0-9]/g, '-'));
    const sessions = (await readdir(transcripts)).filter((f) => f.endsWith('.jsonl'));
    expect(sessions.length).toBeGreaterThanOrEqual(3);
    expect(sessions.length).toBeGreaterThanOrEqual(runs - 1); // the newest run may not have written yet

    // Complete the sequence: the done marker lands on origin/main.
    await pushCommit(h, 'builder', 'status(p1): done', { path: '.steward-state/STATUS-p1.md', text: '## DONE\n' });
    const done = await untilEvents(handle, 'sequence_completed', undefined);
    const completedAt = eventsOf(done, 'sequence_completed')[0]!.seq;
    const after = (events: StewardEvent[], agent: string) => events.filter((e) => e.type === 'agent_woken' && e.agent === agent && e.seq > completedAt);

    // The persistent watcher keeps waking; the loop agent's and the task's wakes went quiet.
    const later = await eventually(async () => {
      const view = await status(handle!);
      return after(view.events, 'watcher').length >= 3 ? view : null;
    }, 15_000, 'three wakes of the watcher after completion');
    expect(after(later.events, 'builder')).toEqual([]);
    expect(after(later.events, 'auditor')).toEqual([]);
    expect(later.status).toBe('running'); // a build with a persistent agent outlives its sequence
    expect(later.phase).toBeNull();

    await stopBuild(handle);
  });
});
