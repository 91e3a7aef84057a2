import { WakeInput, wakeDecision } from '../../src/core/supervision';
import {
  HOUR,
  NOW,
  SECOND,
  agentConfig,
  agentState,
  busyPane,
  deadPane,
  idlePane,
  observed,
  patterns,
} from './supervision-fixtures';

const wake = { interval: HOUR, message: 'Scheduled wake: check for new work.' };
const persistent = agentConfig({ name: 'supervisor', kind: 'persistent', watch: 'heal', wake });
const loopAgent = agentConfig({ name: 'auditor', kind: 'loop', wake });
const task = agentConfig({
  name: 'coverage',
  kind: 'task',
  watch: 'heal',
  kickoff: 'Audit test coverage and push a report.',
  wake,
});

function input(overrides: Partial<WakeInput> = {}): WakeInput {
  return {
    agent: persistent,
    state: agentState({ lastWakeAt: NOW - HOUR }),
    observation: observed(idlePane('⏺ Nothing pending.'), NOW - HOUR),
    patterns,
    sequenceComplete: false,
    now: NOW,
    newSessionId: () => 'rerun-id',
    ...overrides,
  };
}

describe('wakeDecision: when', () => {
  it('due once the interval has passed since the last wake', () => {
    expect(wakeDecision(input({ state: agentState({ lastWakeAt: NOW - HOUR + SECOND }) })).verdict).toBe('not_due');
    expect(wakeDecision(input()).verdict).toBe('woken');
  });

  it('counts from the start when never woken', () => {
    expect(
      wakeDecision(input({ state: agentState({ lastWakeAt: null, startedAt: NOW - 30 * 60 * SECOND }) })).verdict,
    ).toBe('not_due');
    expect(wakeDecision(input({ state: agentState({ lastWakeAt: null, startedAt: NOW - HOUR }) })).verdict).toBe(
      'woken',
    );
    expect(wakeDecision(input({ state: agentState({ lastWakeAt: null, startedAt: null }) })).verdict).toBe(
      'not_started',
    );
  });

  it('an agent without a wake is never woken', () => {
    expect(wakeDecision(input({ agent: agentConfig({ kind: 'persistent' }) })).verdict).toBe('no_wake');
  });
});

describe('wakeDecision: by kind', () => {
  it('a live persistent agent is sent its wake message', () => {
    const d = wakeDecision(input());
    expect(d.actions).toEqual([
      {
        action: { type: 'send', agent: 'supervisor', text: wake.message },
        event: expect.objectContaining({ type: 'agent_woken', agent: 'supervisor' }),
      },
    ]);
    expect(d.state.lastWakeAt).toBe(NOW);
    expect(d.state.idleSince).toBe(NOW);
  });

  it('a live loop agent is sent its wake message', () => {
    const d = wakeDecision(input({ agent: loopAgent }));
    expect(d.verdict).toBe('woken');
    expect(d.actions[0].action).toEqual({ type: 'send', agent: 'auditor', text: wake.message });
  });

  it('a dead persistent or loop agent is not woken (healing restarts it) and stays due', () => {
    for (const agent of [persistent, loopAgent]) {
      const d = wakeDecision(input({ agent, observation: deadPane() }));
      expect(d.verdict).toBe('dead');
      expect(d.actions).toEqual([]);
      expect(d.state.lastWakeAt).toBe(NOW - HOUR);
    }
  });

  it('a task is re-run fresh with its kickoff and a new session id', () => {
    for (const observation of [observed(idlePane('⏺ Report pushed.'), NOW - HOUR), deadPane()]) {
      const d = wakeDecision(input({ agent: task, observation }));
      expect(d.verdict).toBe('rerun');
      expect(d.actions).toEqual([
        {
          action: { type: 'launch', agent: 'coverage', fresh: true, prompt: 'Audit test coverage and push a report.' },
          event: expect.objectContaining({ type: 'agent_woken', agent: 'coverage' }),
        },
      ]);
      expect(d.state).toMatchObject({ sessionId: 'rerun-id', startedAt: NOW, lastWakeAt: NOW });
      // A scheduled re-run is no reboot: it does not count towards a crash loop.
      expect(d.state.reboots).toEqual([]);
    }
  });

  it('a task whose previous run is still going is left to finish, and stays due', () => {
    const d = wakeDecision(input({ agent: task, observation: observed(busyPane(), NOW) }));
    expect(d.verdict).toBe('busy');
    expect(d.actions).toEqual([]);
    expect(d.state.lastWakeAt).toBe(NOW - HOUR);
  });

  it('a rate-limited agent, or one at a permission prompt, is held', () => {
    expect(
      wakeDecision(input({ state: agentState({ lastWakeAt: NOW - HOUR, rateLimitedUntil: NOW + HOUR }) })).verdict,
    ).toBe('held');
    const blocked = agentState({ lastWakeAt: NOW - HOUR, blockedSince: NOW - HOUR });
    expect(wakeDecision(input({ state: blocked })).verdict).toBe('held');
  });
});

describe('wakeDecision: after the sequence completes', () => {
  it('loop-tied wakes go quiet; persistent agents keep waking', () => {
    expect(wakeDecision(input({ agent: loopAgent, sequenceComplete: true })).verdict).toBe('quiet');
    expect(wakeDecision(input({ agent: task, sequenceComplete: true })).verdict).toBe('quiet');
    expect(wakeDecision(input({ agent: persistent, sequenceComplete: true })).verdict).toBe('woken');
  });
});
