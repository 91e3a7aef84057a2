import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, useHarness } from '../helpers/harness';
import { inertCliConfig, INERT_SCRIPT, steward, stewardInBackground } from '../helpers/cli';
import { statusQuery } from '../../src/workflows/definitions';

/** The real `steward` binary driving a real build: output and exit codes of every operator command. */
describe('steward operator commands against a running build', () => {
  const h = useHarness('cli-op', { per: 'block' });

  async function paneOf(agent: string): Promise<string> {
    return (await h.tmux.snapshot(`${h.name}-${agent}`)).tail;
  }

  it('list, status, phase, pause/resume, nudge, restart, events, stop — and refuses bad input with exit 2', async () => {
    const script = join(h.dir, 'inert.toml');
    await writeFile(script, INERT_SCRIPT);
    const { handle } = await h.start(await h.writeConfig(inertCliConfig(h.name, script)));
    await eventually(
      async () =>
        (await handle.query(statusQuery)).agents.builder?.alive &&
        (await handle.query(statusQuery)).agents.watcher?.alive,
      30_000,
      'agents alive',
    );

    // list: the build is there, running, in p1 (visibility is eventually consistent).
    const listed = await eventually(
      async () => {
        const r = await steward(['list', '--json']);
        const rows = JSON.parse(r.stdout) as { build: string; status: string; phase: string; workflowId: string }[];
        return rows.find((b) => b.build === h.name && b.phase === 'p1');
      },
      20_000,
      'build listed',
    );
    expect(listed).toMatchObject({ workflowId: `build/${h.name}`, status: 'running', phase: 'p1' });
    const table = await steward(['list', '--running']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^BUILD\s+STATUS\s+PHASE\s+ESCALATION\s+STARTED\s+CLOSED$/);
    expect(table.stdout).toMatch(new RegExp(`^${h.name}\\s+running\\s+p1\\s+-\\s+\\d{4}-`, 'm'));

    // status: table and JSON; the full workflow id is accepted too.
    const status = await steward(['status', h.name]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`build ${h.name} (build/${h.name}): running`);
    expect(status.stdout).toMatch(/^phase:\s+p1 \(1\/2\), for \d+/m);
    expect(status.stdout).toMatch(
      /^AGENT\s+ALIVE\s+IDLE\s+NUDGED\s+REBOOTS\s+RATE-LIMITED UNTIL\s+CRASH LOOP\s+NOTE\s+(TOKENS\s+)?SESSION$/m,
    );
    expect(status.stdout).toMatch(/^builder\s+yes\s+\d+\S*\s+-\s+0\s+-\s+no\s/m);
    expect(status.stdout).toMatch(/^watcher\s+yes\s/m);
    expect(status.stdout).toMatch(/^last \d+ events?:$/m);
    expect(status.stdout).toMatch(/#1 build_started: build cli-op-/);
    const statusJson = await steward(['status', `build/${h.name}`, '--json']);
    expect(statusJson.code).toBe(0);
    const view = JSON.parse(statusJson.stdout);
    expect(view).toMatchObject({
      workflowId: `build/${h.name}`,
      workflowStatus: 'RUNNING',
      status: 'running',
      phase: 'p1',
      phaseIndex: 0,
      phaseCount: 2,
    });
    expect(Object.keys(view.agents).sort()).toEqual(['builder', 'watcher']);

    // phase show: ids come from the config the build runs now (the config query).
    const phases = await steward(['phase', 'show', h.name]);
    expect(phases.code).toBe(0);
    expect(phases.stdout).toMatch(/^1\s+p1\s+current\s/m);
    expect(phases.stdout).toMatch(/^2\s+p2\s+pending\s+-\s+-$/m);
    const phasesJson = JSON.parse((await steward(['phase', 'show', h.name, '--json'])).stdout);
    expect(phasesJson.phases.map((p: { id: string; state: string }) => `${p.id}:${p.state}`)).toEqual([
      'p1:current',
      'p2:pending',
    ]);

    // nudge: the message reaches the pane; an unknown agent is refused by the workflow's validator.
    const nudged = await steward(['nudge', h.name, 'builder', 'operator says hello']);
    expect(nudged).toMatchObject({ code: 0, stdout: 'nudged builder\n', stderr: '' });
    await eventually(async () => (await paneOf('builder')).includes('heard the operator'), 15_000, 'nudge answered');
    const ghost = await steward(['nudge', h.name, 'ghost']);
    expect(ghost.code).toBe(2);
    expect(ghost.errLines).toEqual([`steward: no agent "ghost" in build ${h.name}; agents: builder, watcher`]);
    const badAgent = await steward(['restart', h.name, 'no.dots']);
    expect(badAgent.code).toBe(2);
    expect(badAgent.errLines).toHaveLength(1);
    expect(badAgent.errLines[0]).toMatch(/^steward: agent name: `no.dots` is not a safe name/);

    // pause / resume, and their refusals.
    expect(await steward(['pause', h.name, '--reason', 'lunch'])).toMatchObject({ code: 0, stdout: 'paused: lunch\n' });
    expect((await steward(['status', h.name])).stdout).toContain(`build/${h.name}): paused`);
    const again = await steward(['pause', h.name]);
    expect(again).toMatchObject({ code: 2, errLines: ['steward: already paused'] });
    expect(await steward(['resume', h.name])).toMatchObject({ code: 0, stdout: 'resumed\n' });
    expect(await steward(['resume', h.name])).toMatchObject({
      code: 2,
      errLines: ['steward: build is running, not paused'],
    });

    // phase append: malformed input is refused before sending; the validator's refusals are exit 2.
    const both = await steward(['phase', 'append', h.name, '--id', 'p3', '--phases', '[]']);
    expect(both.code).toBe(2);
    expect(both.errLines).toEqual([
      'steward: give phases either as --phases JSON or with --id/--status/--kickoff, not both',
    ]);
    const notJson = await steward(['phase', 'append', h.name, '--phases', '[{"id":']);
    expect(notJson.code).toBe(2);
    expect(notJson.errLines[0]).toMatch(/^steward: --phases is not valid JSON/);
    const mismatch = await steward(['phase', 'append', h.name, '--id', 'p3', '--id', 'p4', '--kickoff', 'only one']);
    expect(mismatch).toMatchObject({
      code: 2,
      errLines: [
        'steward: --kickoff given 1 time(s) for 2 --id: give it once per --id, in the same order, or not at all',
      ],
    });
    const dup = await steward(['phase', 'append', h.name, '--id', 'p1']);
    expect(dup).toMatchObject({ code: 2, errLines: ['steward: phase "p1" already exists'] });
    const escape = await steward(['phase', 'append', h.name, '--id', 'p9', '--status', '../escape.md']);
    expect(escape).toMatchObject({
      code: 2,
      errLines: ['steward: phase "p9": status file must stay inside the state dir'],
    });

    // phase advance to p2, past the end (the sequence completes), then refused.
    expect(await steward(['phase', 'advance', h.name])).toMatchObject({ code: 0, stdout: 'advanced from p1 to p2\n' });
    expect(await steward(['phase', 'advance', h.name])).toMatchObject({
      code: 0,
      stdout: 'advanced past p2: the sequence is complete\n',
    });
    const past = await steward(['phase', 'advance', h.name]);
    expect(past).toMatchObject({
      code: 2,
      errLines: ['steward: cannot advance past the last phase: the sequence is complete'],
    });
    expect((await steward(['status', h.name])).stdout).toMatch(/^phase:\s+complete \(2\/2\)$/m);

    // append resumes the completed sequence with p3 (JSON list form); phase show reflects it.
    const appended = await steward([
      'phase',
      'append',
      h.name,
      '--phases',
      '[{"id":"p3","kickoff":"Polish."},{"id":"p4"}]',
    ]);
    expect(appended).toMatchObject({ code: 0, stdout: 'appended 2 phase(s); the sequence resumes\n' });
    await eventually(async () => (await paneOf('builder')).includes('Phase p3 begins. Polish.'), 15_000, 'p3 kickoff');
    const shown = await steward(['phase', 'show', h.name]);
    expect(shown.stdout).toMatch(/^phase p3 \(3\/4\) · build running$/m);
    expect(shown.stdout).toMatch(/^1\s+p1\s+done\s/m);
    expect(shown.stdout).toMatch(/^3\s+p3\s+current\s/m);
    // p4 was appended in this run: the config query knows its id (the run's start input did not: `?`).
    expect(shown.stdout).toMatch(/^4\s+p4\s+pending/m);

    // restart gives the agent a fresh session.
    const before = (await handle.query(statusQuery)).agents.builder!.sessionId;
    expect(await steward(['restart', h.name, 'builder'])).toMatchObject({ code: 0, stdout: 'restarted builder\n' });
    expect((await handle.query(statusQuery)).agents.builder!.sessionId).not.toBe(before);

    // events: text, JSON, a limit.
    const events = await steward(['events', h.name]);
    expect(events.code).toBe(0);
    for (const type of [
      'build_started',
      'agent_nudged builder',
      'paused',
      'resumed',
      'phases_appended',
      'agent_restarted builder',
    ]) {
      expect(events.stdout).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z #\\d+ ${type}: `, 'm'));
    }
    const eventsJson = JSON.parse((await steward(['events', h.name, '--json', '--limit', '3'])).stdout) as {
      seq: number;
      type: string;
    }[];
    expect(eventsJson).toHaveLength(3);
    expect(eventsJson[2]!.seq).toBeGreaterThan(eventsJson[0]!.seq);

    // events --follow prints new events as they come and ends with the build; stop waits for it.
    const follow = stewardInBackground(['events', h.name, '--follow', '--limit', '0']);
    await new Promise((r) => setTimeout(r, 1500));
    await steward(['nudge', h.name, 'watcher', 'operator says bye']);
    await eventually(async () => follow.output().includes('agent_nudged watcher'), 15_000, 'followed nudge');
    const stopped = await steward(['stop', h.name, '--reason', 'test over']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(
      new RegExp(
        `^build ${h.name} stopped: 2 phase\\(s\\) \\[p1 [\\d.]+s, p2 [\\d.]+s\\] in (?:\\d+[hm])*[\\d.]+s\\n$`,
      ),
    );
    const followed = await follow.done;
    expect(followed.code).toBe(0);
    expect(followed.stdout).toMatch(/#\d+ agent_nudged watcher: operator nudge: operator says bye/);
    expect(followed.stdout).toMatch(/#\d+ stopped: test over/);
    expect(followed.stdout.trim().split('\n').at(-1)).toMatch(new RegExp(`^build ${h.name} stopped:`));
    expect(followed.stdout).not.toContain('build_started'); // --limit 0: only new events

    // A finished build still answers status and events; commands are refused.
    const finished = await steward(['status', h.name]);
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain(`build/${h.name}): stopped (workflow completed at `);
    const late = await steward(['pause', h.name]);
    expect(late).toMatchObject({
      code: 2,
      errLines: [`steward: build ${h.name} has ended (completed); it takes no more commands`],
    });
    expect(await steward(['stop', h.name])).toMatchObject({ code: 2 });
    const listedAfter = await eventually(
      async () => {
        const rows = JSON.parse((await steward(['list', '--json'])).stdout) as {
          build: string;
          status: string;
          closeTime: string | null;
        }[];
        return rows.find((b) => b.build === h.name && b.status === 'stopped');
      },
      20_000,
      'stopped build listed',
    );
    expect(listedAfter.closeTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});
