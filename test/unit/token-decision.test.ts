import type { BuildState } from '../../src/core/state/build';
import type { BudgetConfig } from '../../src/core/config/types';
import { operatorCommandProblem, operatorDecision } from '../../src/core/operator';
import {
  BUDGET_CONTINUE_MESSAGE,
  BUDGET_STOP_MESSAGE,
  OPERATOR_CONTINUE_MESSAGE,
  tokenDecision,
} from '../../src/core/token-decision';
import type { AgentTokenTotals } from '../../src/core/tokens/host-contract';
import { zeroUsage } from '../../src/core/tokens/usage';
import { PAIR_AGENTS_TOML, SECOND, snapshotOf, stateFor, T0, withAgents } from './support/build-state';

const TOML = `
name = "pair"
${PAIR_AGENTS_TOML}
[loop]
repo = "work"
phases = [{ id = "p1" }, { id = "p2" }]

[budget]
build = { tokens = 1000 }
`;

/** Cumulative totals as the transcripts reader reports them: `tokens` input tokens per agent. */
function totals(perAgent: Record<string, number>): AgentTokenTotals {
  return {
    agents: Object.fromEntries(
      Object.entries(perAgent).map(([name, n]) => [
        name,
        { usage: { ...zeroUsage(), input_tokens: n }, costUsd: 0, unpriced: [] },
      ]),
    ),
    limits: [],
    sessions: {},
    read: { files: 0, filesRead: 0, bytesRead: 0, resets: 0, fresh: false, saved: false },
  };
}

let clock = T0;

/** One tick of token accounting over `state` with the agents' cumulative usage `perAgent`. */
function tick(state: BuildState, perAgent: Record<string, number>) {
  clock += 10 * SECOND;
  const snap = { ...snapshotOf(state, clock, null), tokens: totals(perAgent) };
  return tokenDecision(state, state, snap, clock, false);
}

const sent = (d: ReturnType<typeof tick>) =>
  d.actions.map((a) => (a.action.type === 'send' ? `${a.action.agent}: ${a.action.text}` : a.action.type));
const types = (d: ReturnType<typeof tick>) => d.events.map((e) => e.type);
const setBudget = (s: BuildState, budget: BudgetConfig) =>
  operatorDecision(s, { type: 'setBudget', budget }, clock, 'unused').state;

function running(): BuildState {
  clock = T0;
  const s = withAgents(stateFor(TOML, { launched: true }), { alive: true });
  return tick(s, { builder: 0, adversary: 0 }).state; // opens the build and phase windows
}

describe('tokenDecision: the budget pauses and resumes the build', () => {
  it('over budget: paused by the budget, every live agent told to stop; raised: resumed, told to continue', () => {
    let s = running();
    let d = tick(s, { builder: 700, adversary: 200 });
    expect(types(d)).toEqual(['budget_warning']);
    expect(d.state.status).toBe('running');
    s = d.state;

    d = tick(s, { builder: 900, adversary: 200 });
    expect(types(d)).toEqual(['budget_exceeded', 'paused']);
    expect(d.state).toMatchObject({ status: 'paused', budgetPaused: true, tokens: { exceeded: true } });
    expect(sent(d)).toEqual([`builder: ${BUDGET_STOP_MESSAGE}`, `adversary: ${BUDGET_STOP_MESSAGE}`]);
    s = d.state;

    // Still over: nothing more is said.
    d = tick(s, { builder: 950, adversary: 200 });
    expect(d.events).toEqual([]);
    expect(d.actions).toEqual([]);
    s = d.state;

    s = setBudget(s, { build: { tokens: 10_000 }, warn_ratio: 0.8 });
    d = tick(s, { builder: 950, adversary: 200 });
    expect(types(d)).toEqual(['resumed']);
    expect(d.state).toMatchObject({ status: 'running', budgetPaused: false, tokens: { exceeded: false } });
    expect(sent(d)).toEqual([`builder: ${BUDGET_CONTINUE_MESSAGE}`, `adversary: ${BUDGET_CONTINUE_MESSAGE}`]);
  });

  it('a dead agent is not typed to', () => {
    const s = running();
    const d = tick(
      { ...s, agents: { ...s.agents, adversary: { ...s.agents.adversary!, alive: false } } },
      { builder: 2000 },
    );
    expect(sent(d)).toEqual([`builder: ${BUDGET_STOP_MESSAGE}`]);
  });

  it('an operator pause is not lifted by a budget raise', () => {
    let s = running();
    s = tick(s, { builder: 2000 }).state; // budget-paused
    s = operatorDecision(s, { type: 'resume' }, clock, 'unused').state;
    s = tick(s, { builder: 2000 }).state;
    s = operatorDecision(s, { type: 'pause', reason: 'lunch' }, clock, 'unused').state;
    s = setBudget(s, { build: { tokens: 10_000 }, warn_ratio: 0.8 });
    const d = tick(s, { builder: 2000 });
    expect(d.state.status).toBe('paused');
    expect(types(d)).not.toContain('resumed');
  });

  // Bug (fixed in token-decision.ts): an operator `resume` of a budget pause left budgetPaused set
  // and the agents waiting for a "continue" that never came. The stale flag kept StewardEscalation
  // at 'budget' for the rest of the build, and let a later budget raise lift an operator's pause.
  it('an operator resume of a budget pause overrides it: the agents are told to continue, the escalation ends', () => {
    let s = running();
    s = tick(s, { builder: 2000 }).state;
    s = operatorDecision(s, { type: 'resume' }, clock, 'unused').state;
    expect(s).toMatchObject({ status: 'running', budgetPaused: true });
    let d = tick(s, { builder: 2100 });
    expect(d.state).toMatchObject({ status: 'running', budgetPaused: false, tokens: { exceeded: true } });
    expect(sent(d)).toEqual([`builder: ${OPERATOR_CONTINUE_MESSAGE}`, `adversary: ${OPERATOR_CONTINUE_MESSAGE}`]);
    expect(d.actions.map((a) => a.event.message)).toEqual([
      'told to continue: the operator resumed the build over budget',
      'told to continue: the operator resumed the build over budget',
    ]);
    s = setBudget(d.state, { build: { tokens: 10_000 }, warn_ratio: 0.8 });
    d = tick(s, { builder: 2100 });
    expect(d.state).toMatchObject({ status: 'running', budgetPaused: false, tokens: { exceeded: false } });
    expect(types(d)).not.toContain('resumed'); // it was not paused
    expect(d.actions).toEqual([]);
  });

  // A budget crossed while the operator has the build paused: the agents (who keep working through
  // an operator pause) are told to stop, and the operator's resume, which did not know of it, ends
  // only their own pause. A second resume overrides the budget; a raise resumes the build.
  it('a budget crossed during an operator pause stops the agents and holds the build past the resume', () => {
    let s = running();
    s = operatorDecision(s, { type: 'pause', reason: 'lunch' }, clock, 'unused').state;
    const over = tick(s, { builder: 2000 });
    expect(types(over)).toEqual(['budget_exceeded', 'paused']);
    expect(over.state).toMatchObject({ status: 'paused', budgetPaused: true, operatorPaused: true });
    expect(sent(over)).toEqual([`builder: ${BUDGET_STOP_MESSAGE}`, `adversary: ${BUDGET_STOP_MESSAGE}`]);

    const resumed = operatorDecision(over.state, { type: 'resume' }, clock, 'unused');
    expect(resumed.state).toMatchObject({ status: 'paused', budgetPaused: true, operatorPaused: false });
    expect(resumed.reply).toMatch(/^still paused: the build went over its token budget while paused/);
    let d = tick(resumed.state, { builder: 2500 });
    expect(d.state.status).toBe('paused');
    expect(d.actions).toEqual([]);

    // Resumed again: the operator now overrides the budget knowingly.
    const overridden = operatorDecision(d.state, { type: 'resume' }, clock, 'unused');
    expect(overridden.reply).toBe('resumed over budget: the budget is overridden until it is raised');
    d = tick(overridden.state, { builder: 2600 });
    expect(d.state).toMatchObject({ status: 'running', budgetPaused: false });
    expect(sent(d)).toEqual([`builder: ${OPERATOR_CONTINUE_MESSAGE}`, `adversary: ${OPERATOR_CONTINUE_MESSAGE}`]);
  });

  it('a budget raised during an operator pause tells the agents to continue, and the build stays paused for the operator', () => {
    let s = running();
    s = operatorDecision(s, { type: 'pause', reason: 'lunch' }, clock, 'unused').state;
    s = tick(s, { builder: 2000 }).state;
    const d = tick(setBudget(s, { build: { tokens: 10_000 }, warn_ratio: 0.8 }), { builder: 2000 });
    expect(d.state).toMatchObject({ status: 'paused', budgetPaused: false, operatorPaused: true });
    expect(types(d)).toEqual(['paused']);
    expect(sent(d)).toEqual([`builder: ${BUDGET_CONTINUE_MESSAGE}`, `adversary: ${BUDGET_CONTINUE_MESSAGE}`]);
    const resumed = operatorDecision(d.state, { type: 'resume' }, clock, 'unused');
    expect(resumed.state).toMatchObject({ status: 'running', operatorPaused: false });
    expect(resumed.reply).toBe('resumed');
  });

  it('setBudget refuses a warn ratio outside (0, 1]', () => {
    const s = running();
    for (const warn_ratio of [5, 0, -1])
      expect(
        operatorCommandProblem(s, { type: 'setBudget', budget: { build: { tokens: 10 }, warn_ratio } }),
      ).not.toBeNull();
  });
});
