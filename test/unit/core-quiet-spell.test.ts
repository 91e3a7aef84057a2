import type { BuildState } from '../../src/core/state/build';
import type { Snapshot } from '../../src/core/state/snapshot';
import { decideTick } from '../../src/core/tick';
import { lookSignature } from '../../src/core/look-signature';
import { MAX_QUIET_TICKS, quietSpanMs, quietSpellOn, steadyLook, stillQuiet } from '../../src/core/quiet-spell';
import type { TickOptions } from '../../src/core/tick';
import { textDigest } from '../../src/core/pane/digest';
import { zeroUsage } from '../../src/core/tokens/usage';
import { MINUTE, repoObs, SECOND, stateFor, T0 } from './support/build-state';
import { idlePane } from './supervision-fixtures';

const INTERVAL = 15 * SECOND;
/** One loop agent, a 15 s tick, a 10 min stall window after a 3 min grace, healing every 2 min. */
const TOML = `
name = "quiet"
[watchdog]
signal_interval = "15s"
heavy_interval = "2m"
stall_grace = "3m"
stall_idle = "10m"
[[agent]]
name = "builder"
kind = "loop"
kickoff = "You are the builder."
[loop]
repo = "work"
phases = [{ id = "p1" }]
`;
const IDLE = idlePane('⏺ Waiting for the adversary.');
const opts = { heldWaitForLiveAgent: true, telemetry: true };
/** The build host's spell, as the workflow asks for it (null: a plain look). */
function quietSpell(state: BuildState, last: Snapshot | null, now: number, options: TickOptions) {
  const forMs = quietSpanMs(state, last, now, options);
  return forMs === null || !last ? null : quietSpellOn(state, last, undefined, now, forMs, state.hostId);
}
const noIds = () => 'fresh';

/** The build after its first tick at T0 (the agent launched then) and a second one at `at` with the same idle pane. */
function settled(at: number, tail = IDLE, lastOutput = T0): { state: BuildState; snap: Snapshot } {
  const fresh = stateFor(TOML);
  const look = (when: number): Snapshot => ({
    at: when,
    agents: { builder: { alive: true, tail, windowActivity: Math.floor(lastOutput / 1000), digest: textDigest(tail) } },
    repo: repoObs({ head: 'base' }),
    config: null,
    tokens: null,
  });
  const first = decideTick(fresh, look(T0), T0, noIds, opts);
  const second = decideTick(first.state, look(at), at, noIds, opts);
  expect(second.actions).toEqual([]);
  return { state: second.state, snap: look(at) };
}

/** The first tick of the grid from `now` at which the real rules act, ticking "today's" way: every interval. */
function firstActingTick(state: BuildState, snap: Snapshot, now: number): number {
  let s = state;
  for (let t = now + INTERVAL; ; t += INTERVAL) {
    const tick = decideTick(s, { ...snap, at: t }, t, noIds, opts);
    if (tick.actions.length || tick.events.length) return t;
    s = tick.state;
  }
}

describe('quietSpell: how long the observe may keep looking before a time-based rule is due', () => {
  test('an idle agent: until the first tick past its stall window (launch + 10 min idle), as ticking would find it', () => {
    const now = T0 + 6 * MINUTE;
    const { state, snap } = settled(now);
    const spell = quietSpell(state, snap, now, opts);
    // The idle clock runs from the launch (T0): the stall verdict is due at T0 + 10 min.
    expect(spell?.forMs).toBe(4 * MINUTE);
    expect(now + (spell?.forMs ?? 0)).toBe(firstActingTick(state, snap, now));
    // Further off than MAX_QUIET_TICKS, the spell ends at the cap (and the next one goes on from there).
    const early = settled(T0 + 2 * MINUTE);
    expect(quietSpell(early.state, early.snap, T0 + 2 * MINUTE, opts)?.forMs).toBe(MAX_QUIET_TICKS * INTERVAL);
  });

  test('a spell never runs past MAX_QUIET_TICKS, nor past a fetch that is backing off', () => {
    const now = T0 + 2 * MINUTE;
    const { state, snap } = settled(now, IDLE, now);
    expect(quietSpell(state, snap, now, opts)?.forMs).toBe(MAX_QUIET_TICKS * INTERVAL);
    const backingOff = { ...state, fetchHealth: { failures: 2, retryAt: now + 70 * SECOND } };
    expect(quietSpell(backingOff, snap, now, opts)?.forMs).toBe(70 * SECOND);
  });

  test('a wake due in 2 minutes ends the spell at the tick it is due', () => {
    const now = T0 + 2 * MINUTE;
    const { state, snap } = settled(now, IDLE, now);
    const woken = stateFor(TOML.replace('kind = "loop"', 'kind = "persistent"\nwake = { interval = "4m" }'));
    const withWake = { ...state, config: woken.config };
    const spell = quietSpell(withWake, snap, now, opts);
    // The agent was started (and so last woken) at T0: the wake is due at T0 + 4 min.
    expect(spell?.forMs).toBe(2 * MINUTE);
    expect(now + (spell?.forMs ?? 0)).toBe(firstActingTick(withWake, snap, now));
  });

  test('a usage limit: until the first tick at or after its reset', () => {
    const now = T0 + 2 * MINUTE;
    const { state, snap } = settled(now, IDLE, now);
    const limited: BuildState = {
      ...state,
      agents: {
        builder: { ...state.agents.builder!, rateLimitedUntil: now + 100 * SECOND, rateLimitedSince: now - MINUTE },
      },
    };
    const spell = quietSpell(limited, snap, now, opts);
    expect(spell?.forMs).toBe(105 * SECOND); // 7 ticks: the first at or after the reset
    expect(now + (spell?.forMs ?? 0)).toBe(firstActingTick(limited, snap, now));
  });

  test('a dead agent is healed on the heavy tick: the spell ends there', () => {
    const now = T0 + 4 * MINUTE;
    const { state, snap } = settled(now, IDLE, now);
    const dead: Snapshot = { ...snap, agents: { builder: { alive: false, tail: '', windowActivity: null } } };
    const seen = decideTick(state, dead, now, noIds, opts).state;
    const spell = quietSpell(seen, dead, now, opts);
    expect(now + (spell?.forMs ?? 0)).toBe(firstActingTick(seen, dead, now));
    expect(spell?.forMs).toBeLessThanOrEqual(2 * MINUTE);
  });

  test('no spell before the first tick, without a look, or when a rule is due at the next tick anyway', () => {
    const fresh = stateFor(TOML);
    const { snap } = settled(T0 + MINUTE);
    expect(quietSpell(fresh, snap, T0, opts)).toBeNull();
    const { state } = settled(T0 + 2 * MINUTE);
    expect(quietSpell(state, null, T0 + 2 * MINUTE, opts)).toBeNull();
    // Idle since T0, at T0 + 9:50: the stall verdict is due at the next tick.
    const late = T0 + 9 * MINUTE + 50 * SECOND;
    const due = settled(late);
    expect(quietSpell(due.state, due.snap, late, opts)).toBeNull();
  });
});

describe('lookSignature and stillQuiet: when the host stops looking and reports', () => {
  const now = T0 + 2 * MINUTE;
  const { state, snap } = settled(now, IDLE, now);
  const spell = quietSpell(state, snap, now, opts)!;
  const look = (patch: Partial<Snapshot>): Snapshot => ({ ...snap, at: now + MINUTE, ...patch });
  const pane = (tail: string, alive = true) => ({
    builder: { alive, tail, windowActivity: Math.floor(now / 1000) + 30, digest: textDigest(tail) },
  });

  test('the same world, a minute later and with a later pane activity time, is still quiet', () => {
    expect(stillQuiet({ quiet: spell, waitMs: INTERVAL }, look({ agents: pane(IDLE) }), MINUTE)).toBe(true);
  });

  test.each<[string, Partial<Snapshot>]>([
    ['new pane text', { agents: pane(idlePane('⏺ Done.')) }],
    ['a dead session', { agents: pane(IDLE, false) }],
    ['origin/main moved', { repo: repoObs({ head: 'next' }) }],
    ['the phase marked done', { repo: repoObs({ head: 'base', phaseDone: true }) }],
    ['an inbox file changed', { repo: repoObs({ head: 'base', inboxes: { 'state/inbox.md': 'h1' } }) }],
    ['a failing fetch', { repo: repoObs({ head: 'base', fetchError: 'unreachable' }) }],
    ['a config edit', { config: { hash: 'h2', ok: false, problems: 'x' } }],
  ])('%s ends the spell', (_what, patch) => {
    expect(stillQuiet({ quiet: spell, waitMs: INTERVAL }, look(patch), MINUTE)).toBe(false);
  });

  test('the spell ends when its time is up, and never without a wait between looks', () => {
    expect(stillQuiet({ quiet: spell, waitMs: INTERVAL }, look({}), 0)).toBe(false);
    expect(stillQuiet({ quiet: spell, waitMs: 0 }, look({}), MINUTE)).toBe(false);
    expect(stillQuiet({ waitMs: INTERVAL }, look({}), MINUTE)).toBe(false);
  });

  test('a config edit the build refused stays in the steady world: it does not end every spell', () => {
    const refused = { hash: 'bad', ok: false as const, problems: 'x' };
    const withEdit = { ...snap, config: refused };
    const kept = { ...state, rejectedConfigHash: 'bad' };
    expect(steadyLook(kept, withEdit, now).config).toEqual(refused);
    expect(lookSignature(steadyLook(kept, withEdit, now))).toBe(lookSignature({ ...withEdit, at: now + MINUTE }));
    // Taken in: the host reports no change any more.
    expect(steadyLook({ ...state, configHash: 'bad' }, withEdit, now).config).toBeNull();
  });

  test('token totals are part of the world; how much was read is not', () => {
    const tokens = (input: number, bytesRead: number): Snapshot['tokens'] => ({
      agents: {
        builder: {
          usage: { ...zeroUsage(), input_tokens: input },
          costUsd: 0,
          unpriced: [],
        },
      },
      limits: [],
      sessions: {},
      read: { files: 1, filesRead: 1, bytesRead, resets: 0, fresh: false, saved: false },
    });
    const base = lookSignature(look({ tokens: tokens(10, 100) }));
    expect(lookSignature(look({ tokens: tokens(10, 900) }))).toBe(base);
    expect(lookSignature(look({ tokens: tokens(11, 100) }))).not.toBe(base);
  });
});
