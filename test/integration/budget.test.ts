import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, useHarness, type BuildHarness } from '../helpers/harness';
import { twoPhaseConfig } from '../helpers/configs';
import { inertCliConfig, INERT_SCRIPT, steward } from '../helpers/cli';
import { sessionsRead } from '../helpers/transcripts';
import { BUDGET_STOP_MESSAGE } from '../../src/core/token-decision';
import {
  EscalationSearchAttribute,
  nudgeUpdate,
  pauseUpdate,
  resumeUpdate,
  setBudgetUpdate,
  statusQuery,
  stopSignal,
} from '../../src/workflows/definitions';

/**
 * Whether each agent (by its working dir) read `text` as a prompt, from its transcript. Not its pane:
 * text typed while an agent is still working on the message before is in its input, but its status
 * line may have been redrawn over the echo.
 */
async function haveRead(h: BuildHarness, agents: string[], text: string): Promise<boolean> {
  const sessions = await sessionsRead(h);
  return agents.every((a) => sessions.some((s) => s.cwd === join(h.dir, a) && s.prompts.includes(text)));
}

/**
 * A build budget of 2,000 tokens, warn at 80%: the builder's first reply (1,500 in + 400 out) is
 * past the warning line; the adversary's review (1,100 + 250) takes the build over. The build pauses
 * itself and tells the agents to stop; the operator raises the budget and it runs to completion.
 */
describe('budgets on a real build', () => {
  const h = useHarness('budget', { per: 'block' });

  it('warns at the ratio, pauses over budget with the agents told to stop, resumes when the operator raises it, then completes', async () => {
    const { handle } = await h.start(
      await h.writeConfig(twoPhaseConfig(h.name, '\n[budget]\nbuild = { tokens = 2000 }\nwarn_ratio = 0.8\n')),
    );

    // Over budget: paused by the budget, escalated in the search attribute.
    const paused = await eventually(
      async () => {
        const v = await handle.query(statusQuery);
        // The tick's state is visible to queries a moment before its events (they are recorded after its effects).
        return v.status === 'paused' && v.budgetPaused && v.events.some((e) => e.type === 'paused') ? v : null;
      },
      60_000,
      'the build pausing over budget',
    );
    const types = paused.events.map((e) => e.type);
    expect(types.filter((t) => t === 'budget_warning')).toHaveLength(1);
    expect(types.filter((t) => t === 'budget_exceeded')).toHaveLength(1);
    expect(types.indexOf('budget_warning')).toBeLessThan(types.indexOf('budget_exceeded'));
    expect(paused.events.find((e) => e.type === 'budget_warning')!.message).toBe(
      'build has used 1,900 of 2,000 tokens (warn at 80%)',
    );
    expect(paused.events.find((e) => e.type === 'budget_exceeded')!.message).toMatch(
      /^budget exceeded — build: [\d,]+ of 2,000 tokens\. Raise it with setBudget to resume\.$/,
    );
    expect(paused.events.find((e) => e.type === 'paused')!.message).toMatch(/^over budget/);
    const told = paused.events
      .filter((e) => e.type === 'agent_nudged' && e.message === 'told to stop: over budget')
      .map((e) => e.agent);
    expect(told.sort()).toEqual(['adversary', 'builder']);
    expect(paused.phase).toBe('p1');
    expect(paused.tokens.exceeded).toBe(true);

    await eventually(
      () => haveRead(h, ['builder', 'adversary'], BUDGET_STOP_MESSAGE),
      15_000,
      'stop message read by both',
    );
    await eventually(
      async () =>
        ((await handle.describe()).typedSearchAttributes.get(EscalationSearchAttribute) ?? '')
          .split(',')
          .includes('budget'),
      15_000,
      'StewardEscalation = budget',
    );

    // While paused nothing advances, even once the builder's done marker is on main.
    await new Promise((r) => setTimeout(r, 2000));
    const still = await handle.query(statusQuery);
    expect(still).toMatchObject({ status: 'paused', budgetPaused: true, phase: 'p1' });

    // `steward tokens` shows the open phase window and the totals while paused.
    const tokens = await steward(['tokens', '--build', h.name, '--json']);
    expect(tokens.code).toBe(0);
    const report = JSON.parse(tokens.stdout);
    expect(report.status).toBe('paused');
    expect(report.rows).toEqual([]);
    expect(report.open.map((r: { phase_id: string }) => r.phase_id)).toEqual(['p1']);
    expect(report.totals.total).toBeGreaterThan(2000);
    expect(report.open[0].total.total).toBe(report.totals.total);

    // Nonsense budgets are refused: by the CLI before sending, and by the workflow's validator.
    for (const bad of [
      ['--tokens', '0'],
      ['--usd', '-1'],
      ['--warn-ratio', '2', '--tokens', '5'],
      ['--phase-usd', 'lots'],
      [],
    ]) {
      const run = await steward(['budget', h.name, ...bad]);
      expect(run.code).toBe(2);
      expect(run.errLines).toHaveLength(1);
    }
    await expect(
      handle.executeUpdate(setBudgetUpdate, { args: [{ build: { tokens: -5 }, warn_ratio: 0.8 }] }),
    ).rejects.toThrow();
    expect((await handle.query(statusQuery)).events.some((e) => e.type === 'budget_updated')).toBe(false);

    // The operator raises it: resumed at once (the update returns after the tick), then completes.
    const raised = await steward(['budget', h.name, '--tokens', '1000000']);
    expect(raised).toMatchObject({
      code: 0,
      stderr: '',
      stdout: 'budget updated: build 1,000,000 tokens; warn at 80%\n',
    });
    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.phases.map((p) => p.id)).toEqual(['p1', 'p2']);

    const view = await handle.query(statusQuery);
    const seq = view.events.map((e) => `${e.type}${e.phase ? `:${e.phase}` : ''}`);
    const at = (t: string) => seq.indexOf(t);
    expect(at('budget_updated')).toBeGreaterThan(at('budget_exceeded'));
    expect(view.events.find((e) => e.type === 'resumed')!.message).toBe('back under budget');
    expect(at('resumed')).toBeGreaterThan(at('budget_updated'));
    expect(at('phase_completed:p1')).toBeGreaterThan(at('resumed'));
    expect(seq.filter((t) => t === 'budget_exceeded')).toHaveLength(1);
    expect(
      view.events.filter((e) => e.type === 'agent_nudged' && e.message === 'told to continue: back under budget'),
    ).toHaveLength(2);
    expect(view).toMatchObject({ budgetPaused: false, tokens: { exceeded: false } });
    expect((await handle.describe()).typedSearchAttributes.get(EscalationSearchAttribute)).toBe('none');

    // The budget ended the build's spend where the scripts put it: 8,800 in + 1,990 out (p1's
    // failed review and the builder's fix included).
    const totals = Object.values(view.tokens.totals).reduce(
      (n, a) => n + a.usage.input_tokens + a.usage.output_tokens,
      0,
    );
    expect(totals).toBe(10790);

    // The build has ended: no more budget commands.
    const late = await steward(['budget', h.name, '--tokens', '5']);
    expect(late.code).toBe(2);
    expect(late.errLines).toEqual([`steward: build ${h.name} has ended (completed); it takes no more commands`]);
  });
});

/**
 * The operator has paused the build, and the agents, which keep working through an operator's
 * pause, take it over budget: they are told to stop, and the operator's resume (which did not know)
 * ends only their own pause. Raising the budget then resumes the build.
 */
describe('a budget crossed during an operator pause', () => {
  const h = useHarness('budgetpause', { per: 'block' });

  it('stops the agents, holds the build past the resume, and ends when the budget is raised', async () => {
    const script = join(h.dir, 'inert.toml');
    await writeFile(script, INERT_SCRIPT);
    const { handle } = await h.start(
      await h.writeConfig(`${inertCliConfig(h.name, script)}\n[budget]\nbuild = { tokens = 10 }\n`),
    );
    await eventually(async () => (await handle.query(statusQuery)).agents.builder?.alive, 30_000, 'builder alive');

    expect(await handle.executeUpdate(pauseUpdate, { args: ['lunch'] })).toBe('paused: lunch');
    // The operator's nudge makes the builder reply: 11 + 7 tokens, over the budget of 10.
    expect(await handle.executeUpdate(nudgeUpdate, { args: [{ agent: 'builder', message: 'operator says go' }] })).toBe(
      'nudged builder',
    );
    const over = await eventually(
      async () => {
        const v = await handle.query(statusQuery);
        return v.budgetPaused && v.events.some((e) => e.type === 'paused' && /^over budget during/.test(e.message))
          ? v
          : null;
      },
      30_000,
      'budget pause during the operator pause',
    );
    expect(over.status).toBe('paused');
    expect(
      over.events
        .filter((e) => e.type === 'agent_nudged' && e.message === 'told to stop: over budget')
        .map((e) => e.agent)
        .sort(),
    ).toEqual(['builder', 'watcher']);
    await eventually(() => haveRead(h, ['builder'], BUDGET_STOP_MESSAGE), 15_000, 'stop message read by the builder');

    expect(await handle.executeUpdate(resumeUpdate)).toMatch(
      /^still paused: the build went over its token budget while paused/,
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(await handle.query(statusQuery)).toMatchObject({ status: 'paused', budgetPaused: true });
    expect(((await handle.describe()).typedSearchAttributes.get(EscalationSearchAttribute) ?? '').split(',')).toContain(
      'budget',
    );

    expect(await handle.executeUpdate(setBudgetUpdate, { args: [{ build: { tokens: 1000 }, warn_ratio: 0.8 }] })).toBe(
      'budget updated',
    );
    const resumed = await eventually(
      async () => {
        const v = await handle.query(statusQuery);
        return v.status === 'running' && v.events.some((e) => e.type === 'resumed' && e.message === 'back under budget')
          ? v
          : null;
      },
      15_000,
      'resumed under the raised budget',
    );
    expect(resumed.budgetPaused).toBe(false);
    await handle.signal(stopSignal, 'test over');
    expect((await handle.result()).status).toBe('stopped');
  });
});
