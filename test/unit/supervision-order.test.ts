import type { StewardConfig } from '../../src/core/config/types';
import { BUILTIN_BACKENDS } from '../../src/core/config/builtin-backends';
import { initialBuildState } from '../../src/core/initial-state';
import type { Snapshot } from '../../src/core/state/snapshot';
import {
  AgentSupervisionInput,
  LIMIT_RESET_MESSAGE,
  superviseAgent,
  superviseAgents,
} from '../../src/core/supervision';
import {
  HOUR,
  MINUTE,
  NOW,
  SECOND,
  agentConfig,
  agentState,
  at,
  busyPane,
  deadPane,
  idlePane,
  loop,
  observed,
  sessionIds,
  stallInput,
  watchdog,
} from './supervision-fixtures';

const wake = { interval: HOUR, message: 'Scheduled wake.' };
const supervisor = agentConfig({ name: 'supervisor', kind: 'persistent', kickoff: 'You supervise.', wake });

function input(overrides: Partial<AgentSupervisionInput> = {}): AgentSupervisionInput {
  return {
    ...stallInput({ agent: supervisor, observation: observed(idlePane(), NOW - 700 * SECOND) }),
    heavyTick: true,
    ...overrides,
  };
}

describe('superviseAgent: the rules in order', () => {
  const limitPane = idlePane("  ⎿  You've hit your limit · resets 5pm (UTC)");

  it('a rate-limited agent idle for hours is neither rebooted nor woken', () => {
    const d = superviseAgent(
      input({
        observation: observed(limitPane, NOW - 2 * HOUR + 5 * SECOND),
        state: agentState({ lastWakeAt: NOW - 2 * HOUR }),
      }),
    );
    expect(d.actions).toEqual([]);
    expect(d.events.map((e) => e.type)).toEqual(['agent_rate_limited']);
    expect(d.verdicts).toEqual({
      dialog: 'no_dialog',
      rateLimit: 'limited',
      stall: 'rate_limited',
      wake: 'held',
      heal: 'alive',
    });
  });

  it('the resume is the only effect of its tick, and the next tick finds a fresh idle window', () => {
    const limited = superviseAgent(input({ observation: observed(limitPane, NOW - 5 * SECOND) })).state;
    const resumed = superviseAgent(
      input({ state: limited, now: at(17, 1), observation: observed(limitPane, NOW - 5 * SECOND) }),
    );
    expect(resumed.actions.map((a) => a.action)).toEqual([
      { type: 'send', agent: 'supervisor', text: LIMIT_RESET_MESSAGE },
    ]);
    expect(resumed.verdicts).toEqual({ dialog: 'no_dialog', rateLimit: 'resumed' });
    const next = superviseAgent(
      input({ state: resumed.state, now: at(17, 1, 15), observation: observed(limitPane, at(17, 1)) }),
    );
    expect(next.actions).toEqual([]);
    // The resume also counts as the wake the limit held back.
    expect(next.verdicts).toEqual({
      dialog: 'no_dialog',
      rateLimit: 'stale',
      stall: 'idle',
      wake: 'not_due',
      heal: 'alive',
    });
  });

  it('a stall reboot counts as a wake: no wake message on top of the kickoff', () => {
    const d = superviseAgent(input({ state: agentState({ lastWakeAt: NOW - 2 * HOUR }) }));
    expect(d.actions.map((a) => a.action.type)).toEqual(['launch']);
    expect(d.verdicts).toEqual({ dialog: 'no_dialog', rateLimit: 'clear', stall: 'rebooted' });
    const next = superviseAgent(
      input({ state: d.state, now: NOW + 15 * SECOND, observation: observed(busyPane(), NOW + 10 * SECOND) }),
    );
    expect(next.verdicts.wake).toBe('not_due');
  });

  it('a dead agent due a wake is healed, once, on the heavy tick', () => {
    const d = superviseAgent(input({ observation: deadPane(), state: agentState({ lastWakeAt: NOW - 2 * HOUR }) }));
    expect(d.verdicts).toEqual({
      dialog: 'no_dialog',
      rateLimit: 'clear',
      stall: 'dead',
      wake: 'dead',
      heal: 'healed',
    });
    expect(d.actions.map((a) => a.event.type)).toEqual(['agent_healed']);
  });

  it('a stall crash loop is escalated, and healing leaves the agent alone', () => {
    const reboots = [NOW - 40 * MINUTE, NOW - 30 * MINUTE, NOW - 20 * MINUTE];
    const d = superviseAgent(input({ state: agentState({ reboots, lastWakeAt: NOW }) }));
    expect(d.actions).toEqual([]);
    expect(d.events.map((e) => e.type)).toEqual(['crash_loop']);
    expect(d.verdicts.heal).toBe('crash_looped');
  });
});

describe('superviseAgents: the whole build', () => {
  const builder = agentConfig();
  const config: StewardConfig = {
    name: 'demo',
    source: '/work/demo/steward.toml',
    state_dir: '/work/demo/.steward',
    session_prefix: 'steward-',
    watchdog,
    backends: { claude: BUILTIN_BACKENDS.claude },
    agents: [builder, supervisor],
    services: [],
    loop,
  };
  const state = {
    ...initialBuildState({
      buildId: 'build/demo',
      hostId: 'host',
      config,
      configHash: 'h',
      now: NOW - 5 * HOUR,
      sessionIds: { builder: 'b-0', supervisor: 's-0' },
    }),
    launched: true,
    agents: {
      builder: agentState({ sessionId: 'b-0' }),
      supervisor: agentState({ sessionId: 's-0', lastWakeAt: NOW - 10 * MINUTE }),
    },
  };
  const snapshot: Snapshot = {
    at: NOW,
    agents: { builder: observed(idlePane(), NOW - 700 * SECOND), supervisor: observed(busyPane(), NOW) },
    repo: null,
    config: null,
    tokens: null,
  } as Snapshot;
  const options = { now: NOW, heavyTick: false, phaseDone: false, newSessionId: sessionIds() };

  it('nudges the stalled loop agent and leaves the busy one be', () => {
    const d = superviseAgents(state, snapshot, options);
    expect(d.actions.map((a) => [a.action.agent, a.event.type])).toEqual([['builder', 'agent_nudged']]);
    expect(d.state.builder.doneNudgedPhase).toBe('p1');
    expect(d.state.supervisor.lastBusyAt).toBe(NOW);
  });

  it('reboots instead when the current phase is already marked done', () => {
    const d = superviseAgents(state, snapshot, { ...options, phaseDone: true });
    expect(d.actions.map((a) => [a.action.agent, a.event.type])).toEqual([['builder', 'agent_rebooted']]);
  });

  it('does nothing while the build is paused', () => {
    const d = superviseAgents({ ...state, status: 'paused' }, snapshot, options);
    expect(d.actions).toEqual([]);
    expect(d.state).toEqual(state.agents);
  });

  it('skips an agent the snapshot did not observe', () => {
    const d = superviseAgents(state, { ...snapshot, agents: { supervisor: snapshot.agents.supervisor } }, options);
    expect(d.actions).toEqual([]);
    expect(d.state.builder).toBe(state.agents.builder);
  });
});
