import { phaseAdvanceDecision } from '../../src/core/phase-advance';
import { MINUTE, SECOND, SOLO_TOML, stateFor, T0, TEAM_TOML, withAgents } from './support/build-state';

const kickoffP2 =
  'Phase p2 begins. Write the CLI.\nWhen its definition of done is met, write "## DONE" to state/STATUS-p2.md on main and push.';
const kickoffP3 =
  'Phase p3 begins. Ship it.\nWhen its definition of done is met, write "## DONE" to state/final/STATUS.md on main and push.';

describe('phaseAdvanceDecision', () => {
  test('no done marker: nothing changes', () => {
    const state = stateFor(TEAM_TOML, { launched: true });
    const decision = phaseAdvanceDecision(state, false, T0 + 10 * MINUTE);
    expect(decision).toEqual({ state, actions: [], events: [] });
    expect(decision.state).toBe(state);
  });

  test('done: records the phase with its exact duration and starts the next', () => {
    const state = stateFor(TEAM_TOML, { launched: true });
    const now = T0 + 5 * MINUTE + 30 * SECOND + 400;
    const { state: next, events } = phaseAdvanceDecision(state, true, now);
    expect(next.phaseIndex).toBe(1);
    expect(next.phaseStartedAt).toBe(now);
    expect(next.completedPhases).toEqual([{ id: 'p1', startedAt: T0, endedAt: now, durationMs: 330_400 }]);
    expect(events).toEqual([
      { type: 'phase_completed', phase: 'p1', durationMs: 330_400, message: 'phase p1 done in 330s' },
      { type: 'phase_started', phase: 'p2', message: 'phase p2 started' },
    ]);
  });

  test('the next phase kickoff goes to the loop agents only, not to persistent or task agents', () => {
    const state = stateFor(TEAM_TOML, { launched: true });
    const { actions } = phaseAdvanceDecision(state, true, T0 + MINUTE);
    expect(actions).toEqual([
      {
        action: { type: 'send', agent: 'builder', text: kickoffP2 },
        event: { type: 'ping_sent', agent: 'builder', phase: 'p2', message: 'kickoff for phase p2' },
      },
      {
        action: { type: 'send', agent: 'adversary', text: kickoffP2 },
        event: { type: 'ping_sent', agent: 'adversary', phase: 'p2', message: 'kickoff for phase p2' },
      },
    ]);
  });

  test('the kickoff names the status file of the phase it starts', () => {
    const state = stateFor(TEAM_TOML, { launched: true, phaseIndex: 1 });
    const { actions } = phaseAdvanceDecision(state, true, T0 + MINUTE);
    expect(actions.map((a) => a.action)).toEqual([
      { type: 'send', agent: 'builder', text: kickoffP3 },
      { type: 'send', agent: 'adversary', text: kickoffP3 },
    ]);
  });

  test('a phase with an empty kickoff still tells the loop agents where the done marker goes', () => {
    const toml = TEAM_TOML.replace(
      '{ id = "p2", kickoff = "Write the CLI." }',
      '{ id = "p2", kickoff = "  " }',
    ).replace('[loop]', '[loop]\ndone_marker = "GATE-PASSED"');
    const { actions } = phaseAdvanceDecision(stateFor(toml), true, T0 + MINUTE);
    expect(actions[0]?.action).toEqual({
      type: 'send',
      agent: 'builder',
      text: 'Phase p2 begins. When its definition of done is met, write "GATE-PASSED" to state/STATUS-p2.md on main and push.',
    });
  });

  test('the per-phase DONE-nudge flag is reset for every agent, loop or not; other agent state is kept', () => {
    const state = withAgents(stateFor(TEAM_TOML, { launched: true }), {
      doneNudgedPhase: 'p1',
      reboots: [T0 + SECOND],
    });
    const { state: next } = phaseAdvanceDecision(state, true, T0 + MINUTE);
    expect(Object.keys(next.agents)).toEqual(['builder', 'adversary', 'librarian', 'migrator']);
    for (const agent of Object.values(next.agents)) {
      expect(agent.doneNudgedPhase).toBeNull();
      expect(agent.reboots).toEqual([T0 + SECOND]);
    }
    expect(next.agents.builder?.sessionId).toBe('sid-builder');
  });

  test('the last phase done completes the sequence: no kickoff, phaseIndex past the end', () => {
    const earlier = [
      { id: 'p1', startedAt: T0, endedAt: T0 + MINUTE, durationMs: MINUTE },
      { id: 'p2', startedAt: T0 + MINUTE, endedAt: T0 + 3 * MINUTE, durationMs: 2 * MINUTE },
    ];
    const state = stateFor(TEAM_TOML, {
      launched: true,
      phaseIndex: 2,
      phaseStartedAt: T0 + 3 * MINUTE,
      completedPhases: earlier,
    });
    const now = T0 + 10 * MINUTE;
    const decision = phaseAdvanceDecision(state, true, now);
    expect(decision.actions).toEqual([]);
    expect(decision.events).toEqual([
      { type: 'phase_completed', phase: 'p3', durationMs: 420_000, message: 'phase p3 done in 420s' },
      { type: 'sequence_completed', message: 'all 3 phases done' },
    ]);
    expect(decision.state.phaseIndex).toBe(3);
    expect(decision.state.completedPhases).toEqual([
      ...earlier,
      { id: 'p3', startedAt: T0 + 3 * MINUTE, endedAt: now, durationMs: 7 * MINUTE },
    ]);
  });

  test('a completed sequence does not advance again', () => {
    const state = stateFor(TEAM_TOML, { launched: true, phaseIndex: 3 });
    expect(phaseAdvanceDecision(state, true, T0 + MINUTE)).toEqual({ state, actions: [], events: [] });
    expect(phaseAdvanceDecision(state, false, T0 + MINUTE, true)).toEqual({ state, actions: [], events: [] });
  });

  test('a build without [loop] has no phases to advance', () => {
    const state = stateFor(SOLO_TOML, { launched: true });
    expect(phaseAdvanceDecision(state, true, T0 + MINUTE, true)).toEqual({ state, actions: [], events: [] });
  });

  test("forced advance (the operator's) needs no marker and says so", () => {
    const state = stateFor(TEAM_TOML, { launched: true });
    const decision = phaseAdvanceDecision(state, false, T0 + 90 * SECOND, true);
    expect(decision.events[0]).toEqual({
      type: 'phase_completed',
      phase: 'p1',
      durationMs: 90_000,
      message: 'phase p1 done in 90s (advanced by operator)',
    });
    expect(decision.state.phaseIndex).toBe(1);
    expect(decision.actions.map((a) => a.action.agent)).toEqual(['builder', 'adversary']);
  });

  test('forced advance when the marker is there anyway reads as a normal completion', () => {
    const decision = phaseAdvanceDecision(stateFor(TEAM_TOML), true, T0 + 90 * SECOND, true);
    expect(decision.events[0]?.message).toBe('phase p1 done in 90s');
  });
});
