import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildHarness, eventually, useHarness } from '../helpers/harness';
import { twoPhaseConfig } from '../helpers/configs';
import { spawnWorkerProcess, killHard } from '../helpers/worker-process';
import { runProgram } from '../../src/host/run-program';
import { statusQuery } from '../../src/workflows/definitions';

/** A builder that takes a few seconds over phase 1, so the worker can die in the middle of it. */
const slowBuilder = `
[[on]]
match = "Phase (?<phase>[A-Za-z0-9_-]+) begins"
once = "{phase}"
do = [{ sleep = 4000 }, { pull = true }, { write = "work/{phase}.txt", text = "x" }, { commit = "claim({phase}-gate): work" }, { push = true }]

[[on]]
match = "review\\\\((?<gate>[A-Za-z0-9_-]+)\\\\): PASS"
once = "{gate}"
do = [{ pull = true }, { write = ".steward-state/STATUS-{phase}.md", text = "## DONE\\n" }, { commit = "status({phase}): done" }, { push = true }]
`;

async function panePids(h: BuildHarness): Promise<string> {
  const r = await runProgram('tmux', ['-L', h.socket, 'list-panes', '-a', '-F', '#{session_name} #{pane_pid}']);
  return r.stdout.split('\n').filter(Boolean).sort().join('\n');
}

describe('worker crash', () => {
  const h = useHarness('crash', { worker: false });

  it('a SIGKILLed worker is replaced, the build finishes, and the agents were never restarted', async () => {
    const script = join(h.dir, 'slow-builder.toml');
    await writeFile(script, slowBuilder);
    const config = twoPhaseConfig(h.name).replace(
      /args = \["--script", "[^"]*builder.script.toml"\]/,
      `args = ["--script", "${script}"]`,
    );
    let worker = spawnWorkerProcess(h.hostId, h.socket);
    const { handle } = await h.start(await h.writeConfig(config));

    await eventually(async () => (await h.tmux.listSessions()).length === 2, 60_000, 'agent sessions');
    const pidsBefore = await panePids(h);
    const view = await handle.query(statusQuery);
    expect(view.phase).toBe('p1');

    await killHard(worker);
    await new Promise((r) => setTimeout(r, 1000));
    worker = spawnWorkerProcess(h.hostId, h.socket);
    try {
      const result = await handle.result();
      expect(result.status).toBe('completed');
      expect(result.phases.map((p) => p.id)).toEqual(['p1', 'p2']);
      // Same processes in the same panes: recovery replayed the workflow, it did not relaunch agents.
      expect(await panePids(h)).toBe(pidsBefore);
      const events = (await handle.query(statusQuery)).events;
      expect(events.filter((e) => e.type === 'agent_started')).toHaveLength(2);
      expect(events.filter((e) => e.type === 'phase_completed').map((e) => e.phase)).toEqual(['p1', 'p2']);
    } finally {
      await killHard(worker);
    }
  });
});
