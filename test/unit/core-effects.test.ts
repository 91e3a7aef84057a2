import type { PlannedAction } from '../../src/core/state/actions';
import type { BuildState } from '../../src/core/state/build';
import { effectChains, effectFailureEvent, effectOutcomes } from '../../src/core/effects';
import type { EffectResult } from '../../src/core/state/effects';
import { stampEvents } from '../../src/core/events';
import type { Snapshot } from '../../src/core/state/snapshot';
import { decideTick } from '../../src/core/tick';
import { isHandoffPing, keptPendingAfterFailure } from '../../src/core/undelivered';
import { commit, repoObs, SECOND, sessionIdSource, snapshotOf, stateFor, T0, TEAM_TOML } from './support/build-state';

const BASE = 'base0000000000';
const GONE = { type: 'AgentGone', message: 'session team-adversary is not running' };
const noIds = () => {
  throw new Error('no relaunch expected');
};

/** The state after the first tick at T0 + 1s, which recorded BASE as the baseline. */
function launched(): BuildState {
  const fresh = stateFor(TEAM_TOML);
  return decideTick(fresh, snapshotOf(fresh, T0 + SECOND, repoObs({ head: BASE })), T0 + SECOND, noIds).state;
}

const send = (agent: string, event: PlannedAction['event']): PlannedAction => ({
  action: { type: 'send', agent, text: `to ${agent}` },
  event,
});
const launch = (agent: string): PlannedAction => ({
  action: { type: 'launch', agent, fresh: true, prompt: 'go' },
  event: { type: 'agent_healed', agent, message: 'healed' },
});
const ok = (planned: PlannedAction, at: number): EffectResult => ({ planned, ok: true, at });
const failed = (planned: PlannedAction, at: number, failure = GONE): EffectResult => ({
  planned,
  ok: false,
  failure,
  at,
});
const claimPing = send('adversary', {
  type: 'ping_sent',
  agent: 'adversary',
  message: 'claim claim: gate 1 (c1c1c1c)',
});
const kickoff = send('adversary', {
  type: 'ping_sent',
  agent: 'adversary',
  phase: 'p2',
  message: 'kickoff for phase p2',
});
const nudge = send('adversary', { type: 'agent_nudged', agent: 'adversary', message: 'operator nudge: hi' });

describe('effectFailureEvent: a failed effect becomes an event', () => {
  test('action_failed with the action and the cause', () => {
    expect(effectFailureEvent({ type: 'send', agent: 'adversary', text: 'x' }, GONE)).toEqual({
      type: 'action_failed',
      agent: 'adversary',
      message: 'send: session team-adversary is not running',
    });
    expect(
      effectFailureEvent(
        { type: 'launch', agent: 'builder', fresh: true, prompt: '' },
        { message: 'Activity task timed out' },
      ),
    ).toEqual({
      type: 'action_failed',
      agent: 'builder',
      message: 'launch: Activity task timed out',
    });
  });
});

describe('effectChains: one chain per tmux session, planned order kept inside it', () => {
  test("each agent's effects stay in order; different agents' are separate chains", () => {
    const state = launched();
    const planned = [
      launch('builder'),
      claimPing,
      send('builder', { type: 'ping_sent', agent: 'builder', message: 'review' }),
      send('librarian', { type: 'ping_sent', agent: 'librarian', message: 'claim' }),
      nudge,
    ];
    const chains = effectChains(state, planned);
    expect(chains.map((c) => c.map((p) => `${p.action.type} ${p.action.agent} ${p.event.message}`))).toEqual([
      ['launch builder healed', 'send builder review'],
      ['send adversary claim claim: gate 1 (c1c1c1c)', 'send adversary operator nudge: hi'],
      ['send librarian claim'],
    ]);
  });

  test('a service is its own chain, by its session', () => {
    const state = stateFor(`${TEAM_TOML}\n[[service]]\nname = "db"\ncommand = "postgres"\n`);
    const start: PlannedAction = {
      action: { type: 'start-service', agent: 'db' },
      event: { type: 'service_started', agent: 'db', message: 'started' },
    };
    const chains = effectChains(state, [start, launch('builder')]);
    expect(chains).toEqual([[start], [launch('builder')]]);
  });
});

describe('effectOutcomes: events stamped when each effect finished', () => {
  test('a success records its planned event at its finish time; events come in the order the effects finished', () => {
    const state = launched();
    const slow = launch('builder');
    const fast = send('librarian', { type: 'ping_sent', agent: 'librarian', message: 'claim' });
    const out = effectOutcomes(state, [ok(slow, T0 + 17 * SECOND), ok(fast, T0 + 2 * SECOND)], { holdPending: true });
    expect(out.events).toEqual([
      { type: 'ping_sent', agent: 'librarian', message: 'claim', at: T0 + 2 * SECOND },
      { type: 'agent_healed', agent: 'builder', message: 'healed', at: T0 + 17 * SECOND },
    ]);
    expect(out.state).toBe(state);
  });

  test('a failure records action_failed with its cause', () => {
    const out = effectOutcomes(
      launched(),
      [failed(launch('builder'), T0 + 5 * SECOND, { type: 'ConfigError', message: 'command not found: x' })],
      { holdPending: true },
    );
    expect(out.events).toEqual([
      { type: 'action_failed', agent: 'builder', message: 'launch: command not found: x', at: T0 + 5 * SECOND },
    ]);
  });
});

describe('an undelivered handoff stays pending until its agent is back', () => {
  test('which failures are kept: handoff pings to a session that is gone', () => {
    expect(isHandoffPing(claimPing)).toBe(true);
    expect(isHandoffPing(kickoff)).toBe(false);
    expect(isHandoffPing(nudge)).toBe(false);
    expect(keptPendingAfterFailure(claimPing, GONE)).toBe(true);
    expect(keptPendingAfterFailure(claimPing, { type: 'InvalidInput', message: 'unsafe' })).toBe(false);
    expect(keptPendingAfterFailure(claimPing, { message: 'timed out' })).toBe(false);
    // A relaunched loop agent is told the phase's kickoff anyway; an operator's nudge fails its update instead.
    expect(keptPendingAfterFailure(kickoff, GONE)).toBe(false);
    expect(keptPendingAfterFailure(nudge, GONE)).toBe(false);
  });

  test('a message the delivery refused because a dialog had appeared is kept until it is answered', () => {
    const blocked = { type: 'AgentBlocked', message: 'session team-adversary shows a dialog: nothing typed' };
    for (const p of [claimPing, kickoff]) expect(keptPendingAfterFailure(p, blocked)).toBe(true);
    // An operator's nudge fails its update instead; a text already typed is never typed again.
    expect(keptPendingAfterFailure(nudge, blocked)).toBe(false);
    expect(keptPendingAfterFailure(claimPing, { ...blocked, type: 'AgentBlockedTyped' })).toBe(false);
    const out = effectOutcomes(launched(), [failed(claimPing, T0 + 3 * SECOND, blocked)], { holdPending: true });
    expect(out.events.map((e) => e.type)).toEqual(['message_held']);
    expect(out.events[0]!.message).toContain('pending until its dialog is answered');
  });

  test('a claim ping whose session was gone is held (message_held), not dropped', () => {
    const out = effectOutcomes(launched(), [failed(claimPing, T0 + 3 * SECOND)], { holdPending: true });
    expect(out.events).toEqual([
      {
        type: 'message_held',
        agent: 'adversary',
        message:
          'not delivered (session team-adversary is not running); pending until its session is back: claim claim: gate 1 (c1c1c1c)',
        at: T0 + 3 * SECOND,
      },
    ]);
    expect(out.state.agents.adversary!.held).toEqual([claimPing]);
    // Without the patch (a run recorded before it) it is dropped, as it was.
    const old = effectOutcomes(launched(), [failed(claimPing, T0 + 3 * SECOND)], { holdPending: false });
    expect(old.events.map((e) => e.type)).toEqual(['action_failed']);
    expect(old.state.agents.adversary!.held).toBeUndefined();
  });

  test('the tmux server killed: the claim ping fails, waits while the agent is down, and is typed once after the heal', () => {
    const ids = sessionIdSource();
    const start = launched();
    const heavy = start.config.watchdog.heavy_interval;
    const opts = { heldWaitForLiveAgent: true };
    // The claim lands; the adversary looked alive, but its session is gone by the time the ping is typed.
    const t1 = T0 + 20 * SECOND;
    const claimTick = decideTick(
      start,
      snapshotOf(start, t1, repoObs({ head: 'c1c1c1c1c1c1', commits: [commit('c1c1c1c1c1c1', 'claim: gate 1')] })),
      t1,
      noIds,
      opts,
    );
    const ping = claimTick.actions.find((p) => p.action.agent === 'adversary')!;
    expect(ping.event.message).toBe('claim claim: gate 1 (c1c1c1c)');
    const afterClaim = effectOutcomes(
      claimTick.state,
      claimTick.actions.map((p) => (p === ping ? failed(p, t1) : ok(p, t1))),
      { holdPending: true },
    ).state;
    expect(afterClaim.agents.adversary!.held).toHaveLength(1);

    // Dead, and not a heavy tick: nothing is typed into the missing session; the ping stays pending.
    const dead = (state: BuildState, at: number): Snapshot => {
      const snap = snapshotOf(state, at, repoObs({ head: 'c1c1c1c1c1c1' }));
      snap.agents.adversary = { alive: false, tail: '', windowActivity: null };
      return snap;
    };
    const t2 = t1 + 5 * SECOND;
    const waiting = decideTick(afterClaim, dead(afterClaim, t2), t2, noIds, opts);
    expect(waiting.actions).toEqual([]);
    expect(waiting.state.agents.adversary!.held).toEqual([ping]);

    // The heavy tick heals it: the launch first, then the pending ping, once.
    const t3 = T0 + SECOND + heavy + SECOND;
    const healed = decideTick(waiting.state, dead(waiting.state, t3), t3, ids, opts);
    expect(healed.actions.map((p) => `${p.action.type} ${p.action.agent} ${p.event.message}`)).toEqual([
      'launch adversary session was dead — restarted with its kickoff',
      'send adversary claim claim: gate 1 (c1c1c1c)',
    ]);
    expect(healed.state.agents.adversary!.held).toEqual([]);
    const delivered = effectOutcomes(
      healed.state,
      healed.actions.map((p) => ok(p, t3)),
      { holdPending: true },
    );
    expect(delivered.events.map((e) => e.type)).toEqual(['agent_healed', 'ping_sent']);
    const later = decideTick(
      delivered.state,
      snapshotOf(delivered.state, t3 + 10 * SECOND, repoObs({ head: 'c1c1c1c1c1c1' })),
      t3 + 10 * SECOND,
      noIds,
      opts,
    );
    expect(later.actions).toEqual([]);
  });

  test('a pending message goes out on the first tick that sees its agent alive again (restarted by hand)', () => {
    const state = launched();
    const pending = {
      ...state,
      agents: { ...state.agents, adversary: { ...state.agents.adversary!, held: [claimPing] } },
    };
    const at = T0 + 30 * SECOND;
    const out = decideTick(pending, snapshotOf(pending, at, repoObs({ head: BASE })), at, noIds, {
      heldWaitForLiveAgent: true,
    });
    expect(out.actions).toEqual([claimPing]);
    expect(out.state.agents.adversary!.held).toEqual([]);
  });
});

describe('stampEvents: decision events carry the time of the decision', () => {
  test('stamps events that do not say when they happened, keeps those that do', () => {
    expect(
      stampEvents(
        [
          { type: 'phase_started', phase: 'p2', message: 'phase p2 started' },
          { type: 'action_failed', message: 'x', at: 5 },
        ],
        3,
      ),
    ).toEqual([
      { type: 'phase_started', phase: 'p2', message: 'phase p2 started', at: 3 },
      { type: 'action_failed', message: 'x', at: 5 },
    ]);
  });
});
