import type { BuildState } from '../../src/core/state/build';
import { configReloadDecision } from '../../src/core/config-reload';
import type { ConfigChange } from '../../src/core/state/config-change';
import { newAgentState } from '../../src/core/initial-state';
import { configFor, sessionIdSource, stateFor, T0, TEAM_TOML } from './support/build-state';

const noIds = () => {
  throw new Error('no new session id expected');
};

/** The team with p0 inserted before p1, the librarian dropped and a scribe added. */
const EDITED_TOML = TEAM_TOML.replace('{ id = "p1",', '{ id = "p0", kickoff = "Warm up." },\n  { id = "p1",')
  .replace('[[agent]]\nname = "librarian"\nkind = "persistent"\nkickoff = "You keep the docs."\n', '')
  .replace('claim_pings = ["adversary", "librarian"]', 'claim_pings = ["adversary"]')
  .replace('[loop]', '[[agent]]\nname = "scribe"\nkind = "persistent"\nkickoff = "Keep the changelog."\n\n[loop]');

function valid(toml: string, hash: string): ConfigChange {
  return { hash, ok: true, config: configFor(toml) };
}

describe('configReloadDecision', () => {
  test('no change reported, or the same hash as the build: nothing', () => {
    const state = stateFor(TEAM_TOML);
    expect(configReloadDecision(state, null, noIds, T0)).toEqual({ state, actions: [], events: [] });
    const same = configReloadDecision(state, valid(EDITED_TOML, 'hash-0'), noIds, T0);
    expect(same.state).toBe(state);
    expect(same.events).toEqual([]);
  });

  test('an invalid edit is refused once with every problem; the same hash stays silent; the last good config stays', () => {
    const state = stateFor(TEAM_TOML);
    const bad: ConfigChange = {
      hash: 'hash-bad',
      ok: false,
      problems: 'agent[0].kind: invalid option\nloop.repo: required',
    };
    const first = configReloadDecision(state, bad, noIds, T0);
    expect(first.events).toEqual([
      {
        type: 'config_rejected',
        message:
          'config edit refused; the build keeps its last good config:\nagent[0].kind: invalid option\nloop.repo: required',
      },
    ]);
    expect(first.state).toEqual({ ...state, rejectedConfigHash: 'hash-bad' });
    expect(first.state.config).toBe(state.config);
    expect(first.state.configHash).toBe('hash-0');

    const second = configReloadDecision(first.state, bad, noIds, T0);
    expect(second.events).toEqual([]);
    expect(second.state).toBe(first.state);

    const another = configReloadDecision(
      first.state,
      { hash: 'hash-bad-2', ok: false, problems: 'name: bad' },
      noIds,
      T0,
    );
    expect(another.events.map((e) => e.type)).toEqual(['config_rejected']);
    expect(another.state.rejectedConfigHash).toBe('hash-bad-2');
  });

  test('a valid edit replaces the config and hash, clears the refusal, and says where it came from', () => {
    const state = stateFor(TEAM_TOML, { rejectedConfigHash: 'hash-bad' });
    const change = valid(EDITED_TOML, 'hash-1');
    const out = configReloadDecision(state, change, sessionIdSource(), T0);
    expect(out.state.config).toBe(change.ok ? change.config : null);
    expect(out.state.configHash).toBe('hash-1');
    expect(out.state.rejectedConfigHash).toBeNull();
    expect(out.events).toEqual([{ type: 'config_reloaded', message: 'config reloaded from /srv/steward/team.toml' }]);
  });

  test('the current phase is kept by id when phases are inserted before it', () => {
    const state = stateFor(TEAM_TOML, { phaseIndex: 1, phaseStartedAt: T0 + 1000 });
    const out = configReloadDecision(state, valid(EDITED_TOML, 'hash-1'), sessionIdSource(), T0);
    expect(out.state.config.loop?.phases.map((p) => p.id)).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(out.state.phaseIndex).toBe(2);
    expect(out.state.phaseStartedAt).toBe(T0 + 1000);
  });

  test('agents: kept ones keep their state, new ones get fresh session ids in file order, removed ones are dropped', () => {
    const state = stateFor(TEAM_TOML);
    const builder = { ...state.agents.builder!, reboots: [T0], crashLooped: true, startedAt: T0 };
    const before: BuildState = { ...state, agents: { ...state.agents, builder } };
    const ids = sessionIdSource('uuid');
    const twoNew = EDITED_TOML.replace('[loop]', '[[agent]]\nname = "tester"\nkind = "task"\n\n[loop]');
    const out = configReloadDecision(before, valid(twoNew, 'hash-1'), ids, T0);
    expect(Object.keys(out.state.agents)).toEqual(['builder', 'adversary', 'migrator', 'scribe', 'tester']);
    expect(out.state.agents.builder).toBe(builder);
    expect(out.state.agents.adversary).toBe(before.agents.adversary);
    expect(out.state.agents.scribe).toEqual(newAgentState('uuid-1'));
    expect(out.state.agents.tester).toEqual(newAgentState('uuid-2'));
    expect(ids.count()).toBe(2);
    expect(out.state.agents.librarian).toBeUndefined();
  });

  test('when the current phase is gone, the build stays at the same index', () => {
    const state = stateFor(TEAM_TOML, { phaseIndex: 1 });
    const withoutP2 = TEAM_TOML.replace('  { id = "p2", kickoff = "Write the CLI." },\n', '');
    const out = configReloadDecision(state, valid(withoutP2, 'hash-1'), noIds, T0);
    expect(out.state.config.loop?.phases.map((p) => p.id)).toEqual(['p1', 'p3']);
    expect(out.state.phaseIndex).toBe(1);
  });

  test('when fewer phases remain than the index, the sequence reads as complete (index clamped to the end)', () => {
    const state = stateFor(TEAM_TOML, { phaseIndex: 2 });
    const onlyP1 = TEAM_TOML.replace('  { id = "p2", kickoff = "Write the CLI." },\n', '').replace(
      '  { id = "p3", status = "final/STATUS.md", kickoff = "Ship it." },\n',
      '',
    );
    const out = configReloadDecision(state, valid(onlyP1, 'hash-1'), noIds, T0);
    expect(out.state.phaseIndex).toBe(1);
  });

  test('other state (handoff, completed phases, fetch health, events) is untouched by a reload', () => {
    const state = stateFor(TEAM_TOML, {
      handoff: { lastSha: 'abc', inboxHashes: { 'state/inbox/builder.md': 'h1' } },
      completedPhases: [{ id: 'p1', startedAt: T0, endedAt: T0 + 1, durationMs: 1 }],
      phaseIndex: 1,
      fetchHealth: { failures: 2, retryAt: T0 + 40_000 },
      launched: true,
    });
    const out = configReloadDecision(
      state,
      valid(TEAM_TOML.replace('signal_interval = "10s"', 'signal_interval = "20s"'), 'hash-1'),
      noIds,
      T0,
    );
    expect(out.state.config.watchdog.signal_interval).toBe(20_000);
    const { config: _c, configHash: _h, ...rest } = out.state;
    const { config: _c0, configHash: _h0, ...restBefore } = state;
    expect(rest).toEqual(restBefore);
  });

  test('phases added to a complete sequence resume it: the first new phase starts now, kicked off to the loop agents', () => {
    const state = stateFor(TEAM_TOML, { phaseIndex: 3, phaseStartedAt: T0 });
    const out = configReloadDecision(
      state,
      valid(TEAM_TOML.replace('signal_interval = "10s"', 'signal_interval = "20s"'), 'hash-same-phases'),
      noIds,
      T0 + 5000,
    );
    expect(out.actions).toEqual([]); // the same phases: still complete

    const appended = TEAM_TOML.replace(
      'kickoff = "Ship it." },',
      'kickoff = "Ship it." },\n  { id = "p4", kickoff = "Write the docs." },',
    );
    const resumed = configReloadDecision(state, valid(appended, 'hash-1'), noIds, T0 + 5000);
    expect(resumed.state.phaseIndex).toBe(3);
    expect(resumed.state.phaseStartedAt).toBe(T0 + 5000);
    expect(resumed.events.map((e) => `${e.type} ${e.message}`)).toEqual([
      'config_reloaded config reloaded from /srv/steward/team.toml',
      'phase_started phase p4 started (the sequence resumes)',
    ]);
    expect(resumed.actions.map((a) => `${a.action.agent} ${a.event.message}`)).toEqual([
      'builder kickoff for phase p4',
      'adversary kickoff for phase p4',
    ]);
    const kickoff = resumed.actions[0]!.action;
    expect(kickoff.type === 'send' && kickoff.text).toMatch(/^Phase p4 begins\. Write the docs\./);
  });
});

describe('configReloadDecision: an agent moved to another host', () => {
  const MOVED = TEAM_TOML.replace(
    'kickoff = "You are the adversary."',
    'kickoff = "You are the adversary."\nhost = "gpu-2"',
  );

  test('its session on the old host is closed and it is launched afresh, with its kickoff, on the new one', () => {
    const state = stateFor(TEAM_TOML, { launched: true });
    const ids = sessionIdSource('moved');
    const out = configReloadDecision(state, valid(MOVED, 'hash-1'), ids, T0 + 60_000);
    expect(out.actions.map((p) => p.action)).toEqual([
      { type: 'close', agent: 'adversary', host: 'host-a' },
      { type: 'launch', agent: 'adversary', fresh: true, prompt: expect.stringContaining('You are the adversary.') },
    ]);
    expect(out.actions.map((p) => p.event.message)).toEqual([
      'moved from host host-a to gpu-2: its session there closed',
      'started on host gpu-2 in session team-adversary',
    ]);
    expect(out.state.agents.adversary).toMatchObject({ sessionId: 'moved-1', startedAt: T0 + 60_000 });
    // Moving back closes it on gpu-2.
    const back = configReloadDecision(out.state, valid(TEAM_TOML, 'hash-2'), ids, T0 + 120_000);
    expect(back.actions[0]?.action).toEqual({ type: 'close', agent: 'adversary', host: 'gpu-2' });
  });

  test('before the first launch there is nothing to move', () => {
    const out = configReloadDecision(stateFor(TEAM_TOML), valid(MOVED, 'hash-1'), noIds, T0);
    expect(out.actions).toEqual([]);
  });
});
