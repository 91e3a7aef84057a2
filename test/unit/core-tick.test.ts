import type { BuildState } from '../../src/core/state/build';
import type { Snapshot } from '../../src/core/state/snapshot';
import { decideTick } from '../../src/core/tick';
import { commit, repoObs, SECOND, sessionIdSource, snapshotOf, stateFor, T0, TEAM_TOML } from './support/build-state';

const BASE = 'base0000000000';
const noIds = () => {
  throw new Error('no relaunch expected');
};

/** The state after the first tick at T0 + 1s, which recorded BASE as the baseline. */
function launched(overrides: Partial<BuildState> = {}): BuildState {
  const fresh = stateFor(TEAM_TOML);
  const first = decideTick(fresh, snapshotOf(fresh, T0 + SECOND, repoObs({ head: BASE })), T0 + SECOND, noIds);
  return { ...first.state, ...overrides };
}

const tick = (state: BuildState, at: number, repo: Snapshot['repo']) =>
  decideTick(state, snapshotOf(state, at, repo), at, noIds);
const sends = (actions: ReturnType<typeof decideTick>['actions']) =>
  actions.map((a) => `${a.action.type} ${a.action.agent}: ${a.event.type} ${a.event.message}`);

describe('decideTick', () => {
  test('the first tick launches every agent, records the baseline sha without pinging history', () => {
    const state = stateFor(TEAM_TOML);
    const now = T0 + SECOND;
    const out = tick(
      state,
      now,
      repoObs({
        head: BASE,
        commits: [commit('c0c0c0c0c0c0', 'claim: old gate')],
        inboxes: { 'state/inbox/builder.md': 'h-old' },
      }),
    );
    expect(out.actions.map((a) => [a.action.type, a.action.agent])).toEqual([
      ['launch', 'builder'],
      ['launch', 'adversary'],
      ['launch', 'librarian'],
      ['launch', 'migrator'],
    ]);
    expect(out.events).toEqual([]);
    expect(out.state.launched).toBe(true);
    expect(out.state.handoff).toEqual({
      lastSha: BASE,
      inboxHashes: { 'state/inbox/builder.md': 'h-old', 'state/inbox/adversary.md': null },
    });
    for (const agent of Object.values(out.state.agents))
      expect(agent).toMatchObject({ startedAt: now, lastWakeAt: now, alive: true });
    expect(out.state.agents.builder?.sessionId).toBe('sid-builder');
  });

  test('the first tick leaves just-launched agents alone: dead panes are not healed on top of the launch', () => {
    const state = stateFor(TEAM_TOML, { lastHeavyAt: T0 - 10 * 60 * SECOND });
    const snap = snapshotOf(state, T0 + SECOND, null);
    for (const name of Object.keys(snap.agents)) snap.agents[name] = { alive: false, tail: '', windowActivity: null };
    const out = decideTick(state, snap, T0 + SECOND, noIds);
    expect(out.actions.map((a) => a.action.type)).toEqual(['launch', 'launch', 'launch', 'launch']);
    expect(out.state.agents.builder).toMatchObject({ alive: false, idleSeconds: 0 });
  });

  test('a later tick launches nothing again', () => {
    const out = tick(launched(), T0 + 20 * SECOND, repoObs({ head: BASE }));
    expect(out.actions).toEqual([]);
    expect(out.events).toEqual([]);
  });

  test('a new claim commit after the baseline pings the claim agents; the handled sha moves on', () => {
    const out = tick(
      launched(),
      T0 + 20 * SECOND,
      repoObs({ head: 'c1c1c1c1c1c1', commits: [commit('c1c1c1c1c1c1', 'claim: gate 1')] }),
    );
    expect(sends(out.actions)).toEqual([
      'send adversary: ping_sent claim claim: gate 1 (c1c1c1c)',
      'send librarian: ping_sent claim claim: gate 1 (c1c1c1c)',
    ]);
    expect(out.state.handoff.lastSha).toBe('c1c1c1c1c1c1');
    const next = tick(out.state, T0 + 30 * SECOND, repoObs({ head: 'c1c1c1c1c1c1' }));
    expect(next.actions).toEqual([]);
  });

  test('a paused build neither pings nor advances, and keeps the sha so the commit is pinged after resume', () => {
    const paused = launched({ status: 'paused' });
    const repo = repoObs({ head: 'c1c1c1c1c1c1', commits: [commit('c1c1c1c1c1c1', 'claim: gate 1')], phaseDone: true });
    const out = tick(paused, T0 + 20 * SECOND, repo);
    expect(out.actions).toEqual([]);
    expect(out.events).toEqual([]);
    expect(out.state.phaseIndex).toBe(0);
    expect(out.state.completedPhases).toEqual([]);
    expect(out.state.handoff).toEqual(paused.handoff);

    const resumed = tick({ ...out.state, status: 'running' }, T0 + 30 * SECOND, repo);
    expect(resumed.actions.map((a) => a.action.agent)).toEqual(['adversary', 'librarian', 'builder', 'adversary']);
    expect(resumed.state.phaseIndex).toBe(1);
  });

  test('the done marker advances the phase: handoff pings first, then the kickoff to the loop agents', () => {
    const now = T0 + 10 * 60 * SECOND;
    const out = tick(
      launched(),
      now,
      repoObs({ head: 'r1r1r1r1r1r1', commits: [commit('r1r1r1r1r1r1', 'review: gate 1 PASS')], phaseDone: true }),
    );
    expect(sends(out.actions)).toEqual([
      'send builder: ping_sent review review: gate 1 PASS (r1r1r1r)',
      'send builder: ping_sent kickoff for phase p2',
      'send adversary: ping_sent kickoff for phase p2',
    ]);
    // The phase's token window closes too (tested in tokens-accounting); here: the phase events.
    expect(out.events.filter((e) => e.type !== 'tokens_recorded')).toEqual([
      { type: 'phase_completed', phase: 'p1', durationMs: 600_000, message: 'phase p1 done in 600s' },
      { type: 'phase_started', phase: 'p2', message: 'phase p2 started' },
    ]);
    expect(out.tokenRecords.map((r) => r.phase_id)).toEqual(['p1']);
    expect(out.state.phaseIndex).toBe(1);
    expect(out.state.phaseStartedAt).toBe(now);
    expect(out.state.completedPhases).toEqual([{ id: 'p1', startedAt: T0, endedAt: now, durationMs: 600_000 }]);
  });

  test('no done marker, no advance', () => {
    const out = tick(launched(), T0 + 60 * SECOND, repoObs({ head: BASE, phaseDone: false }));
    expect(out.state.phaseIndex).toBe(0);
    expect(out.events).toEqual([]);
  });

  test('after the sequence completes, commits ping nobody', () => {
    const out = tick(
      launched({ phaseIndex: 3 }),
      T0 + 60 * SECOND,
      repoObs({ head: 'c1c1c1c1c1c1', commits: [commit('c1c1c1c1c1c1', 'claim: extra')], phaseDone: true }),
    );
    expect(out.actions).toEqual([]);
    expect(out.events.filter((e) => e.type === 'ping_sent')).toEqual([]);
    expect(out.state.phaseIndex).toBe(3);
  });

  test('a failing fetch is an event and backs off; supervision goes on with the last fetched refs', () => {
    const now = T0 + 20 * SECOND;
    const out = tick(
      launched(),
      now,
      repoObs({
        fetchError: 'fatal: could not read from remote',
        head: 'c1c1c1c1c1c1',
        commits: [commit('c1c1c1c1c1c1', 'claim: gate 1')],
      }),
    );
    expect(out.events).toEqual([
      { type: 'git_fetch_failed', message: 'fatal: could not read from remote (attempt 1; next in 20s)' },
    ]);
    expect(out.state.fetchHealth).toEqual({ failures: 1, retryAt: now + 20 * SECOND });
    expect(out.actions.map((a) => a.action.agent)).toEqual(['adversary', 'librarian']);
  });

  test('without a repo observation: no handoff, no advance, fetch health untouched', () => {
    const state = launched({ fetchHealth: { failures: 2, retryAt: T0 + 40 * SECOND } });
    const out = tick(state, T0 + 20 * SECOND, null);
    expect(out.actions).toEqual([]);
    expect(out.events).toEqual([]);
    expect(out.state.handoff).toEqual(state.handoff);
    expect(out.state.fetchHealth).toEqual(state.fetchHealth);
  });

  test('observed liveness and idle seconds are folded into the agents', () => {
    const state = stateFor(TEAM_TOML);
    const at = T0 + 100 * SECOND;
    const snap = snapshotOf(state, at, null);
    snap.agents.builder = { alive: true, tail: '', windowActivity: Math.floor((at - 42 * SECOND) / 1000) };
    snap.agents.adversary = { alive: false, tail: '', windowActivity: Math.floor((at - 42 * SECOND) / 1000) };
    const out = decideTick(state, snap, at, sessionIdSource());
    expect(out.state.agents.builder).toMatchObject({ alive: true, idleSeconds: 42 });
    expect(out.state.agents.adversary).toMatchObject({ alive: false, idleSeconds: 0 });
    expect(out.state.agents.librarian).toMatchObject({ alive: true, idleSeconds: 0 });
  });
});
