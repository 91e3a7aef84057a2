import type { BuildState } from '../../src/core/state/build';
import type { PlannedAction } from '../../src/core/state/actions';
import type { Snapshot } from '../../src/core/state/snapshot';
import type { InboxItem } from '../../src/core/inbox';
import { commandReplies } from '../../src/core/inbox';
import { configReloadDecision } from '../../src/core/config-reload';
import { decideTick } from '../../src/core/tick';
import { TurnInput, turnDecision } from '../../src/core/turn';
import {
  commit,
  configFor,
  MINUTE,
  repoObs,
  SECOND,
  sessionIdSource,
  snapshotOf,
  stateFor,
  T0,
  TEAM_TOML,
} from './support/build-state';

const BASE = 'base0000000000';
const NOW = T0 + 10 * MINUTE;
const noIds = () => {
  throw new Error('no fresh id expected');
};

/** The team after its first tick at T0 + 1s, which launched everyone and recorded BASE. */
function launched(overrides: Partial<BuildState> = {}): BuildState {
  const fresh = stateFor(TEAM_TOML);
  return {
    ...decideTick(fresh, snapshotOf(fresh, T0 + SECOND, repoObs({ head: BASE })), T0 + SECOND, noIds).state,
    ...overrides,
  };
}

const snapshot = (state: BuildState, patch: Partial<Snapshot> = {}): Snapshot => ({
  ...snapshotOf(state, NOW, repoObs({ head: BASE })),
  ...patch,
});
/** A turn's input; `observeError`: the build's host's look failed with it. */
const input = ({ observeError = null, ...patch }: Partial<TurnInput> & { observeError?: string | null }): TurnInput => {
  const snapshot = patch.snapshot ?? null;
  return {
    inbox: [],
    snapshot,
    hosts: { 'host-a': { observed: snapshot !== null, observeError, timeoutMs: 30_000 } },
    now: NOW,
    newId: noIds,
    holdPending: true,
    ...patch,
  };
};
const op = (id: number, cmd: Extract<InboxItem, { type: 'operator' }>['cmd']): InboxItem => ({
  type: 'operator',
  id,
  cmd,
});
const PAUSE = op(1, { type: 'pause', reason: 'lunch' });
const CLAIM = repoObs({ head: 'c1c1c1c1c1c1', commits: [commit('c1c1c1c1c1c1', 'claim: gate 1')] });

describe('turnDecision: a stop', () => {
  test('ends the turn: stopped, no effects even for commands before it, no host check, no tick', () => {
    const state = launched({ hostLost: true });
    const ids = sessionIdSource();
    const turn = turnDecision(
      state,
      input({
        inbox: [
          PAUSE,
          op(2, { type: 'nudge', agent: 'builder', message: 'hi' }),
          { type: 'stop', reason: 'done for today' },
        ],
        snapshot: snapshot(state, { repo: CLAIM }),
        newId: ids,
      }),
    );
    expect(turn.stopped).toBe(true);
    expect(turn.actions).toEqual([]);
    expect(turn.tokenRecords).toEqual([]);
    expect(turn.events).toEqual([
      { type: 'paused', message: 'lunch' },
      { type: 'stopped', message: 'done for today' },
    ]);
    expect(turn.state).toEqual({ ...state, status: 'stopped', operatorPaused: true });
    expect(turn.inbox.applied.map((c) => c.actions.length)).toEqual([0, 1]);
    expect(commandReplies(turn.inbox, [])).toEqual([
      [1, { ok: true, text: 'paused: lunch' }],
      [
        2,
        {
          ok: false,
          text: 'nudge builder failed: send builder: not done: the build was stopped in the same tick',
          failureType: 'OperatorActionFailed',
        },
      ],
    ]);
  });
});

describe('turnDecision: without a snapshot, only the inbox and the host', () => {
  test('a failed look: the inbox, then host_unreachable; no tick (the fresh build is not launched)', () => {
    const ids = sessionIdSource();
    const turn = turnDecision(
      stateFor(TEAM_TOML),
      input({ inbox: [PAUSE], newId: ids, observeError: 'activity timed out' }),
    );
    expect(turn).toMatchObject({ stopped: false, actions: [], tokenRecords: [] });
    expect(turn.events).toEqual([
      { type: 'paused', message: 'lunch' },
      {
        type: 'host_unreachable',
        message: 'no worker served steward@host-a within 30s: its agents are unsupervised (activity timed out)',
      },
    ]);
    expect(turn.state).toMatchObject({ launched: false, hostLost: true, status: 'paused' });
    expect(ids.count()).toBe(1);
  });

  test('a cancelled look says nothing', () => {
    const state = launched();
    const turn = turnDecision(state, input({}));
    expect(turn).toMatchObject({ state, stopped: false, actions: [], events: [], tokenRecords: [] });
  });
});

describe('turnDecision: with a snapshot', () => {
  test('the host is back before the config edit is read', () => {
    const state = launched({ hostLost: true });
    const turn = turnDecision(
      state,
      input({
        snapshot: snapshot(state, { config: { hash: 'hash-9', ok: false, problems: 'agent[0].kind: unknown' } }),
      }),
    );
    expect(turn.events).toEqual([
      { type: 'host_recovered', message: 'a worker serves steward@host-a again' },
      {
        type: 'config_rejected',
        message: 'config edit refused; the build keeps its last good config:\nagent[0].kind: unknown',
      },
    ]);
    expect(turn.state).toMatchObject({ hostLost: false, rejectedConfigHash: 'hash-9' });
  });

  /**
   * A light turn (no healing) with an edit adding an agent, the phase done, and a held message
   * for a builder seen dead: what configReloadDecision then decideTick decide when composed by hand.
   */
  const REVIEWER = `${TEAM_TOML}\n[[agent]]\nname = "reviewer"\nkind = "persistent"\nkickoff = "Review."\n`;
  const HELD: PlannedAction = {
    action: { type: 'send', agent: 'builder', text: 'held text' },
    event: { type: 'ping_sent', agent: 'builder', message: 'held ping' },
  };
  function scene() {
    const base = launched({ lastHeavyAt: NOW - SECOND });
    const state = { ...base, agents: { ...base.agents, builder: { ...base.agents.builder!, held: [HELD] } } };
    const snap = snapshot(state, {
      repo: { ...CLAIM, phaseDone: true },
      config: { hash: 'hash-1', ok: true, config: configFor(REVIEWER) },
    });
    snap.agents.builder = { alive: false, tail: '', windowActivity: null };
    return { state, snap };
  }
  function byHand(holdPending: boolean) {
    const { state, snap } = scene();
    const ids = sessionIdSource();
    const reload = configReloadDecision(state, snap.config, ids, NOW);
    const tick = decideTick(reload.state, snap, NOW, ids, { heldWaitForLiveAgent: holdPending });
    return {
      ids: ids.count(),
      state: tick.state,
      actions: [...reload.actions, ...tick.actions],
      events: [...reload.events, ...tick.events],
      tokenRecords: tick.tokenRecords,
    };
  }

  test('the scene exercises reload, tick, token records and holdPending', () => {
    const hand = byHand(true);
    expect(hand.ids).toBeGreaterThan(0);
    expect(hand.events[0]?.type).toBe('config_reloaded');
    expect(hand.tokenRecords.map((r) => r.phase_id)).toEqual(['p1']);
    expect(byHand(false).actions).not.toEqual(hand.actions);
  });

  test.each([true, false])(
    'holdPending %s: the same as configReloadDecision then decideTick by hand',
    (holdPending) => {
      const { state, snap } = scene();
      const ids = sessionIdSource();
      const turn = turnDecision(state, input({ snapshot: snap, newId: ids, holdPending }));
      const { ids: handIds, ...hand } = byHand(holdPending);
      expect(turn).toEqual({
        ...hand,
        stopped: false,
        inbox: { state, actions: [], events: [], stopReason: null, refused: [], applied: [] },
      });
      expect(ids.count()).toBe(handIds);
    },
  );

  test('telemetry (the workflow sets it behind its patch) reaches the tick; left out, it is off', () => {
    const state = launched();
    const snap = snapshot(state, {
      repo: repoObs({ head: 'c1c1c1c1c1c1', commits: [commit('c1c1c1c1c1c1', 'claim(g1): ready')] }),
    });
    const types = (turn: ReturnType<typeof turnDecision>) =>
      turn.events.filter((e) => e.type.startsWith('gate_')).map((e) => e.type);
    expect(types(turnDecision(state, input({ snapshot: snap, telemetry: true })))).toEqual(['gate_claimed']);
    expect(types(turnDecision(state, input({ snapshot: snap })))).toEqual([]);
  });
});
