import { BuildHarness, eventually } from '../helpers/harness';
import { twoPhaseConfig } from '../helpers/configs';
import { steward } from '../helpers/cli';
import { BUDGET_STOP_MESSAGE } from '../../src/core/token-decision';
import { EscalationSearchAttribute, setBudgetUpdate, statusQuery } from '../../src/workflows/definitions';

/**
 * A build budget of 2,000 tokens, warn at 80%: the builder's first reply (1,500 in + 400 out) is
 * past the warning line; the adversary's review (1,100 + 250) takes the build over. The build pauses
 * itself and tells the agents to stop; the operator raises the budget and it runs to completion.
 */
describe('budgets on a real build', () => {
  let h: BuildHarness;
  beforeAll(async () => {
    h = await BuildHarness.create('budget');
    await h.startWorker();
  });
  afterAll(async () => {
    await h.cleanup();
  });

  const pane = async (agent: string) => (await h.tmux.snapshot(`${h.name}-${agent}`, 200)).tail;

  it('warns at the ratio, pauses over budget with the agents told to stop, resumes when the operator raises it, then completes', async () => {
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name, '\n[budget]\nbuild = { tokens = 2000 }\nwarn_ratio = 0.8\n')));

    // Over budget: paused by the budget, escalated in the search attribute.
    const paused = await eventually(async () => {
      const v = await handle.query(statusQuery);
      // The tick's state is visible to queries a moment before its events (they are recorded after its effects).
      return v.status === 'paused' && v.budgetPaused && v.events.some((e) => e.type === 'paused') ? v : null;
    }, 60_000, 'the build pausing over budget');
    const types = paused.events.map((e) => e.type);
    expect(types.filter((t) => t === 'budget_warning')).toHaveLength(1);
    expect(types.filter((t) => t === 'budget_exceeded')).toHaveLength(1);
    expect(types.indexOf('budget_warning')).toBeLessThan(types.indexOf('budget_exceeded'));
    expect(paused.events.find((e) => e.type === 'budget_warning')!.message).toBe('build has used 1,900 of 2,000 tokens (warn at 80%)');
    expect(paused.events.find((e) => e.type === 'budget_exceeded')!.message).toMatch(/^budget exceeded — build: [\d,]+ of 2,000 tokens\. Raise it with setBudget to resume\.$/);
    expect(paused.events.find((e) => e.type === 'paused')!.message).toMatch(/^over budget/);
    const told = paused.events.filter((e) => e.type === 'agent_nudged' && e.message === 'told to stop: over budget').map((e) => e.agent);
    expect(told.sort()).toEqual(['adversary', 'builder']);
    expect(paused.phase).toBe('p1');
    expect(paused.tokens.exceeded).toBe(true);

    await eventually(async () => (await pane('builder')).includes(BUDGET_STOP_MESSAGE) && (await pane('adversary')).includes(BUDGET_STOP_MESSAGE), 15_000, 'stop message in both panes');
    await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(EscalationSearchAttribute) ?? '').split(',').includes('budget'), 15_000, 'StewardEscalation = budget');

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
    for (const bad of [['--tokens', '0'], ['--usd', '-1'], ['--warn-ratio', '2', '--tokens', '5'], ['--phase-usd', 'lots'], []]) {
      const run = await steward(['budget', h.name, ...bad]);
      expect(run.code).toBe(2);
      expect(run.errLines).toHaveLength(1);
    }
    await expect(handle.executeUpdate(setBudgetUpdate, { args: [{ build: { tokens: -5 }, warn_ratio: 0.8 }] })).rejects.toThrow();
    expect((await handle.query(statusQuery)).events.some((e) => e.type === 'budget_updated')).toBe(false);

    // The operator raises it: resumed at once (the update returns after the tick), then completes.
    const raised = await steward(['budget', h.name, '--tokens', '1000000']);
    expect(raised).toMatchObject({ code: 0, stderr: '', stdout: 'budget updated: build 1,000,000 tokens; warn at 80%\n' });
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
    expect(view.events.filter((e) => e.type === 'agent_nudged' && e.message === 'told to continue: back under budget')).toHaveLength(2);
    expect(view).toMatchObject({ budgetPaused: false, tokens: { exceeded: false } });
    expect((await handle.describe()).typedSearchAttributes.get(EscalationSearchAttribute)).toBe('none');

    // The budget ended the build's spend where the scripts put it: 6,800 in + 1,540 out.
    const totals = Object.values(view.tokens.totals).reduce((n, a) => n + a.usage.input_tokens + a.usage.output_tokens, 0);
    expect(totals).toBe(8340);

    // The build has ended: no more budget commands.
    const late = await steward(['budget', h.name, '--tokens', '5']);
    expect(late.code).toBe(2);
    expect(late.errLines).toEqual([`steward: build ${h.name} has ended (completed); it takes no more commands`]);
  });
});
