import { HealInput, healDecision } from '../../src/core/supervision';
import {
  HOUR,
  MINUTE,
  NOW,
  SECOND,
  agentConfig,
  agentState,
  deadPane,
  idlePane,
  loop,
  observed,
  phase1,
  sessionIds,
  watchdog,
} from './supervision-fixtures';

const persistent = agentConfig({ name: 'supervisor', kind: 'persistent', watch: 'heal', kickoff: 'You supervise.' });
const builder = agentConfig();

function input(overrides: Partial<HealInput> = {}): HealInput {
  return {
    agent: persistent,
    state: agentState(),
    observation: deadPane(),
    heavyTick: true,
    watchdog,
    loop,
    phase: phase1,
    sequenceComplete: false,
    now: NOW,
    newSessionId: sessionIds('healed'),
    ...overrides,
  };
}

describe('healDecision: who is restarted', () => {
  it('a dead agent watched heal is restarted with its kickoff and a new session id', () => {
    const d = healDecision(input());
    expect(d.verdict).toBe('healed');
    expect(d.actions).toEqual([
      {
        action: { type: 'launch', agent: 'supervisor', fresh: true, prompt: 'You supervise.' },
        // `attempt`: the reboots inside the crash-loop window, this one included.
        event: expect.objectContaining({ type: 'agent_healed', agent: 'supervisor', attempt: 1 }),
      },
    ]);
    expect(d.state).toMatchObject({ sessionId: 'healed-1', startedAt: NOW, reboots: [NOW] });
  });

  it('a dead loop agent (heal+stall) also gets the current phase kickoff', () => {
    const d = healDecision(input({ agent: builder }));
    expect(d.actions[0].action).toMatchObject({
      type: 'launch',
      prompt: expect.stringContaining('Phase p1 begins. Build the parser.'),
    });
    expect(d.actions[0].event.phase).toBe('p1');
  });

  it('only on the heavy cadence', () => {
    expect(healDecision(input({ heavyTick: false })).verdict).toBe('not_heavy');
  });

  it('a live session needs nothing', () => {
    expect(healDecision(input({ observation: observed(idlePane(), NOW) })).verdict).toBe('alive');
  });

  it('not a task (it exits by design), nor an agent watched "none"', () => {
    expect(healDecision(input({ agent: agentConfig({ kind: 'task', watch: 'heal' }) })).verdict).toBe('not_watched');
    expect(healDecision(input({ agent: agentConfig({ watch: 'none' }) })).verdict).toBe('not_watched');
  });

  it('after completion only persistent agents', () => {
    expect(healDecision(input({ agent: builder, sequenceComplete: true, phase: null })).verdict).toBe(
      'sequence_complete',
    );
    expect(healDecision(input({ sequenceComplete: true, phase: null })).verdict).toBe('healed');
  });

  it('not a crash-looped agent, nor one never launched', () => {
    expect(healDecision(input({ state: agentState({ crashLooped: true }) })).verdict).toBe('crash_looped');
    expect(healDecision(input({ state: agentState({ startedAt: null }) })).verdict).toBe('not_started');
  });

  it('even while it is held to be rate-limited: a limit (perhaps one misread) never leaves a session dead', () => {
    expect(healDecision(input({ state: agentState({ rateLimitedUntil: NOW + 60 * MINUTE }) })).verdict).toBe('healed');
  });
});

describe('healDecision: an agent that keeps dying', () => {
  it('is restarted with a doubling backoff, then escalated as a crash loop', () => {
    const ids = sessionIds('s');
    const heal = (state: ReturnType<typeof agentState>, now: number) =>
      healDecision(input({ state, now, newSessionId: ids }));
    // Launched at t0 and dead at once: the first restart waits one backoff (60 s) after the launch.
    const t0 = NOW;
    let state = agentState({ startedAt: t0, lastWakeAt: t0 });
    expect(heal(state, t0 + 30 * SECOND).verdict).toBe('backing_off');
    let d = heal(state, t0 + 60 * SECOND);
    expect(d.verdict).toBe('healed');
    state = d.state;
    // Dead again: the second restart waits 120 s, the third 240 s.
    expect(heal(state, t0 + 179 * SECOND).verdict).toBe('backing_off');
    d = heal(state, t0 + 180 * SECOND);
    expect(d.verdict).toBe('healed');
    state = d.state;
    expect(heal(state, t0 + 419 * SECOND).verdict).toBe('backing_off');
    d = heal(state, t0 + 420 * SECOND);
    expect(d.verdict).toBe('healed');
    state = d.state;
    expect(state.reboots).toEqual([t0 + 60 * SECOND, t0 + 180 * SECOND, t0 + 420 * SECOND]);
    // Three restarts within the hour and dead again: escalate, and leave it down.
    d = heal(state, t0 + 15 * MINUTE);
    expect(d.verdict).toBe('crash_loop');
    expect(d.actions).toEqual([]);
    expect(d.events).toEqual([expect.objectContaining({ type: 'crash_loop', agent: 'supervisor' })]);
    expect(d.state.crashLooped).toBe(true);
    expect(heal(d.state, t0 + 2 * HOUR).verdict).toBe('crash_looped');
  });

  it('restarts spread beyond the crash-loop window are no crash loop', () => {
    const state = agentState({
      startedAt: NOW - 30 * MINUTE,
      reboots: [NOW - 3 * HOUR, NOW - 2 * HOUR, NOW - 30 * MINUTE],
    });
    expect(healDecision(input({ state })).verdict).toBe('healed');
  });
});
