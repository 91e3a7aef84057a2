import { OPEN_ENDED_WAIT_STALL_FACTOR, doneNudgeMessage, stallDecision } from '../../src/core/supervision';
import { parseWaitingUntil } from '../../src/core/pane';
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
  phase1,
  phase2,
  stallInput as input,
  watchdog,
} from './supervision-fixtures';

const persistent = agentConfig({ name: 'supervisor', kind: 'persistent', kickoff: 'You supervise.' });

describe('stallDecision: idle clock', () => {
  it('a busy pane is active: no verdict, and the idle clock restarts now', () => {
    const d = stallDecision(input({ observation: observed(busyPane(), NOW - 2 * HOUR) }));
    expect(d.verdict).toBe('busy');
    expect(d.actions).toEqual([]);
    expect(d.state.lastBusyAt).toBe(NOW);
  });

  it('idle 700 s by tmux window_activity with stall_idle 600 s is a stall on the first look', () => {
    // Nothing in the state says when the agent went idle (a worker that just started): the pane does.
    const d = stallDecision(input({ agent: persistent, state: agentState({ idleSince: null, lastBusyAt: null }) }));
    expect(d.verdict).toBe('rebooted');
  });

  it('idle 500 s is not yet a stall', () => {
    const d = stallDecision(input({ observation: observed(idlePane('⏺ Done.'), NOW - 500 * SECOND) }));
    expect(d.verdict).toBe('idle');
    expect(d.actions).toEqual([]);
  });

  it('the idle clock starts no earlier than the last tick that saw the pane busy', () => {
    const state = agentState({ lastBusyAt: NOW - 300 * SECOND });
    expect(stallDecision(input({ state })).verdict).toBe('idle');
  });

  it('without window_activity the idle clock starts at the (re)start, not at the epoch', () => {
    const state = agentState({ startedAt: NOW - 400 * SECOND });
    expect(stallDecision(input({ state, observation: observed(idlePane(), null) })).verdict).toBe('idle');
    const older = agentState({ startedAt: NOW - 601 * SECOND });
    expect(
      stallDecision(input({ agent: persistent, state: older, observation: observed(idlePane(), null) })).verdict,
    ).toBe('rebooted');
  });

  it('a pane showing neither busy nor idle patterns counts as idle', () => {
    const d = stallDecision(input({ agent: persistent, observation: observed('some output', NOW - 700 * SECOND) }));
    expect(d.verdict).toBe('rebooted');
  });
});

describe('stallDecision: who is judged', () => {
  it('only agents watched heal+stall', () => {
    expect(stallDecision(input({ agent: agentConfig({ watch: 'heal' }) })).verdict).toBe('not_watched');
    expect(stallDecision(input({ agent: agentConfig({ watch: 'none' }) })).verdict).toBe('not_watched');
  });

  it('never a task: it ends by design', () => {
    expect(stallDecision(input({ agent: agentConfig({ kind: 'task' }) })).verdict).toBe('not_watched');
  });

  it('a dead session is healing’s business', () => {
    expect(stallDecision(input({ observation: deadPane() })).verdict).toBe('dead');
  });

  it('a rate-limited agent is never a stall', () => {
    const d = stallDecision(input({ state: agentState({ rateLimitedUntil: NOW + HOUR }) }));
    expect(d.verdict).toBe('rate_limited');
    expect(d.actions).toEqual([]);
  });

  it('a crash-looped agent is left alone', () => {
    expect(stallDecision(input({ state: agentState({ crashLooped: true }) })).verdict).toBe('crash_looped');
  });

  it('after the sequence completes only persistent agents are judged', () => {
    expect(stallDecision(input({ sequenceComplete: true, phase: null })).verdict).toBe('sequence_complete');
    expect(stallDecision(input({ agent: persistent, sequenceComplete: true, phase: null })).verdict).toBe('rebooted');
  });
});

describe('stallDecision: grace after a (re)start', () => {
  const quick = { ...watchdog, stall_idle: 60 * SECOND };

  it('no verdict within stall_grace (180 s) of the start, however idle', () => {
    const state = agentState({ startedAt: NOW - 120 * SECOND });
    const d = stallDecision(
      input({ agent: persistent, state, watchdog: quick, observation: observed(idlePane(), NOW - 120 * SECOND) }),
    );
    expect(d.verdict).toBe('grace');
  });

  it('a verdict once the grace is over', () => {
    const state = agentState({ startedAt: NOW - 200 * SECOND });
    const d = stallDecision(
      input({ agent: persistent, state, watchdog: quick, observation: observed(idlePane(), NOW - 200 * SECOND) }),
    );
    expect(d.verdict).toBe('rebooted');
  });
});

describe('stallDecision: the DONE-nudge, once per phase, then reboot', () => {
  it('a stalled loop agent in a phase not marked done gets one DONE-nudge and a fresh idle window', () => {
    const d = stallDecision(input());
    expect(d.verdict).toBe('nudged');
    expect(d.actions).toEqual([
      {
        action: { type: 'send', agent: 'builder', text: doneNudgeMessage(loop, phase1) },
        event: expect.objectContaining({ type: 'agent_nudged', agent: 'builder', phase: 'p1' }),
      },
    ]);
    expect(d.state.doneNudgedPhase).toBe('p1');
    expect(d.state.idleSince).toBe(NOW);
  });

  it('the message tells it to write the marker to <state_subdir>/<status> only if every DoD item has a fresh PASS', () => {
    const text = doneNudgeMessage(loop, phase1);
    expect(text).toContain("phase 'p1'");
    expect(text).toContain("write '## DONE' to state/STATUS-p1.md");
    expect(text).toContain('If (and ONLY if) every DoD item has a fresh PASS');
    expect(text).toContain('Do not stay idle.');
  });

  it('after the nudge the agent has a whole stall_idle to act, then it is rebooted', () => {
    const nudged = stallDecision(input()).state;
    // The pane's last output is still the old one (or the nudge itself): the nudge restarted the clock.
    const later = (ms: number) =>
      stallDecision(input({ state: nudged, now: NOW + ms, observation: observed(idlePane(), NOW - 700 * SECOND) }));
    expect(later(599 * SECOND).verdict).toBe('idle');
    const d = later(600 * SECOND);
    expect(d.verdict).toBe('rebooted');
    expect(d.actions).toEqual([
      {
        action: {
          type: 'launch',
          agent: 'builder',
          fresh: true,
          prompt:
            'You are the builder.\n\nPhase p1 begins. Build the parser.\nWhen its definition of done is met, write "## DONE" to state/STATUS-p1.md on main and push.',
        },
        event: expect.objectContaining({ type: 'agent_rebooted', agent: 'builder', phase: 'p1' }),
      },
    ]);
  });

  it('a reboot takes a new transcript session id and restarts every clock', () => {
    const nudged = agentState({ doneNudgedPhase: 'p1', waitingText: 'x', rateLimitText: 'y' });
    const d = stallDecision(input({ state: nudged, newSessionId: () => 'fresh-id' }));
    expect(d.state).toMatchObject({
      sessionId: 'fresh-id',
      startedAt: NOW,
      lastWakeAt: NOW,
      idleSince: NOW,
      reboots: [NOW],
      doneNudgedPhase: 'p1',
      waitingText: null,
      rateLimitText: null,
    });
  });

  it('a new phase has a fresh nudge budget', () => {
    const d = stallDecision(
      input({ state: agentState({ doneNudgedPhase: 'p1' }), phase: { config: phase2, done: false } }),
    );
    expect(d.verdict).toBe('nudged');
    expect(d.state.doneNudgedPhase).toBe('p2');
  });

  it('no nudge when the phase is already marked done, when done_nudge is off, or for a persistent agent', () => {
    expect(stallDecision(input({ phase: { config: phase1, done: true } })).verdict).toBe('rebooted');
    expect(stallDecision(input({ loop: { ...loop, done_nudge: false } })).verdict).toBe('rebooted');
    const d = stallDecision(input({ agent: persistent }));
    expect(d.verdict).toBe('rebooted');
    expect(d.actions[0].action).toEqual({ type: 'launch', agent: 'supervisor', fresh: true, prompt: 'You supervise.' });
  });
});

describe('stallDecision: reboot backoff and crash loop', () => {
  const persistentIdle = (state: Parameters<typeof agentState>[0], now = NOW) =>
    stallDecision(
      input({
        agent: persistent,
        state: agentState(state),
        now,
        observation: observed(idlePane(), now - 700 * SECOND),
      }),
    );

  it('a second stall soon after a reboot waits out the doubled backoff (2 × 60 s)', () => {
    // Short grace and idle times, so the stall comes back before the backoff is over.
    const fast = { ...watchdog, stall_grace: 30 * SECOND, stall_idle: 60 * SECOND };
    const afterRebootAt = (rebootedAt: number) =>
      stallDecision(
        input({
          agent: persistent,
          watchdog: fast,
          state: agentState({ startedAt: rebootedAt, reboots: [rebootedAt] }),
          observation: observed(idlePane(), rebootedAt),
        }),
      );
    const d = afterRebootAt(NOW - 100 * SECOND);
    expect(d.verdict).toBe('backing_off');
    expect(d.actions).toEqual([]);
    expect(afterRebootAt(NOW - 119 * SECOND).verdict).toBe('backing_off');
    expect(afterRebootAt(NOW - 120 * SECOND).verdict).toBe('rebooted');
  });

  it('the third reboot in the window was the last: the next stall is a crash loop', () => {
    const d = persistentIdle({ reboots: [NOW - 40 * MINUTE, NOW - 30 * MINUTE, NOW - 20 * MINUTE] });
    expect(d.verdict).toBe('crash_loop');
    expect(d.actions).toEqual([]);
    expect(d.state.crashLooped).toBe(true);
    expect(d.events).toEqual([expect.objectContaining({ type: 'crash_loop', agent: 'supervisor' })]);
    expect(d.events[0].message).toMatch(/^3 reboots within 60m/);
  });

  it('three reboots spread beyond the window are no crash loop', () => {
    const d = persistentIdle({ reboots: [NOW - 3 * HOUR, NOW - 2 * HOUR, NOW - 50 * MINUTE] });
    expect(d.verdict).toBe('rebooted');
    expect(d.state.reboots).toEqual([NOW - 50 * MINUTE, NOW]);
    // `attempt`: the reboots inside the window, this one included.
    expect(d.actions[0]!.event).toMatchObject({ type: 'agent_rebooted', attempt: 2 });
  });
});

describe('stallDecision: WAITING-UNTIL', () => {
  const waitingPane = (marker: string) => idlePane('⏺ Pushed the claim.', `⏺ ${marker}`);

  it('a marker with a time defers the stall until that time', () => {
    const observation = observed(
      waitingPane('WAITING-UNTIL: 2026-06-24T16:00:00Z adversary review'),
      NOW - 700 * SECOND,
    );
    expect(stallDecision(input({ observation })).verdict).toBe('waiting');
    expect(stallDecision(input({ observation, now: at(15, 59) })).verdict).toBe('waiting');
  });

  it('after the wait ends the agent gets a whole stall_idle to pick up the work', () => {
    const observation = observed(
      waitingPane('WAITING-UNTIL: 2026-06-24T16:00:00Z adversary review'),
      NOW - 700 * SECOND,
    );
    expect(stallDecision(input({ observation, now: at(16, 9, 59) })).verdict).toBe('waiting');
    expect(stallDecision(input({ observation, now: at(16, 10) })).verdict).toBe('nudged');
  });

  it(`an open-ended marker defers at most ${OPEN_ENDED_WAIT_STALL_FACTOR} × stall_idle of idleness`, () => {
    const pane = waitingPane('WAITING-UNTIL: adversary review');
    const idleFor = (s: number) => stallDecision(input({ observation: observed(pane, NOW - s * SECOND) })).verdict;
    expect(idleFor(700)).toBe('waiting');
    expect(idleFor(2399)).toBe('waiting');
    expect(idleFor(2400)).toBe('nudged');
  });

  it('a clock time is resolved once, when first seen, against the pane’s last output', () => {
    // Printed at 15:00 ("until 15:30"), the agent never resumed. Re-read at 16:00 the same text would
    // mean tomorrow's 15:30 — which is what the bare parser says:
    const pane = waitingPane('WAITING-UNTIL 15:30 CI run');
    expect(parseWaitingUntil(pane, at(16, 0))?.until).toBe(Date.UTC(2026, 5, 25, 15, 30));
    // First seen at 15:10: latched to today's 15:30.
    const first = stallDecision(input({ now: at(15, 10), observation: observed(pane, at(15, 0)) }));
    expect(first.verdict).toBe('waiting');
    expect(first.state.waitingUntil).toBe(at(15, 30));
    // At 15:45 (the pane untouched since 15:00) the wait is over, and the agent idle 15 min past it.
    const later = stallDecision(input({ state: first.state, now: at(15, 45), observation: observed(pane, at(15, 0)) }));
    expect(later.verdict).toBe('nudged');
  });

  it('a marker first seen late (a worker that was down) is still read against when it was printed', () => {
    const pane = waitingPane('WAITING-UNTIL 15:30 CI run');
    const d = stallDecision(input({ now: at(16, 0), observation: observed(pane, at(15, 0)) }));
    expect(d.state.waitingUntil).toBe(at(15, 30));
    expect(d.verdict).toBe('nudged');
  });

  it('a marker gone from the screen is forgotten', () => {
    const d = stallDecision(
      input({
        state: agentState({ waitingText: 'WAITING-UNTIL: x', waitingUntil: NOW + HOUR }),
        observation: observed(idlePane(), NOW - 100 * SECOND),
      }),
    );
    expect(d.state.waitingText).toBeNull();
    expect(d.state.waitingUntil).toBeNull();
  });
});

describe('stallDecision: a permission prompt', () => {
  it('an agent its hook reported blocked is neither nudged nor rebooted while the dialog sits there', () => {
    const state = agentState({ blockedSince: NOW - 700 * SECOND });
    expect(
      stallDecision(input({ state, observation: observed(idlePane('Do you want to proceed?'), NOW - 700 * SECOND) }))
        .verdict,
    ).toBe('blocked');
  });

  it('once the pane changed after the report, the prompt was answered', () => {
    const state = agentState({ blockedSince: NOW - 1400 * SECOND });
    expect(stallDecision(input({ state, observation: observed(idlePane(), NOW - 700 * SECOND) })).verdict).toBe(
      'nudged',
    );
  });
});
