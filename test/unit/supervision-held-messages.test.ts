import type { BuildState } from '../../src/core/state/build';
import type { Snapshot } from '../../src/core/state/snapshot';
import { decideTick } from '../../src/core/tick';
import { operatorDecision } from '../../src/core/operator';
import { commit, repoObs, SECOND, snapshotOf, stateFor, T0, TEAM_TOML } from './support/build-state';

const BASE = 'base0000000000';
const noIds = () => {
  throw new Error('no relaunch expected');
};
/** Claude Code's permission dialog: the pane sits still on it until someone answers. */
const DIALOG =
  '⏺ Bash(rm -rf build/)\n\nDo you want to proceed?\n❯ 1. Yes\n  2. No, and tell Claude what to do differently (esc)\n';
const BLOCKED_AT = T0 + 5 * SECOND;

/** Launched, with the adversary's hook having reported a permission prompt at BLOCKED_AT. */
function blockedAdversary(): BuildState {
  const fresh = stateFor(TEAM_TOML);
  const first = decideTick(fresh, snapshotOf(fresh, T0 + SECOND, repoObs({ head: BASE })), T0 + SECOND, noIds).state;
  return { ...first, agents: { ...first.agents, adversary: { ...first.agents.adversary!, blockedSince: BLOCKED_AT } } };
}

/** The same pane once the dialog was answered: the command ran, the prompt is back. */
const ANSWERED = '⏺ Bash(rm -rf build/)\n  ⎿  (no output)\n\n> ';

/**
 * A tick at `at`; the adversary's pane last changed at `paneChangedAt`, and shows the dialog until
 * it is answered (a change more than the redraw tolerance after the report), unless `screen` says.
 */
function tick(state: BuildState, at: number, paneChangedAt: number, commits: [string, string][], screen?: string) {
  const snap: Snapshot = snapshotOf(
    state,
    at,
    repoObs({ head: commits.at(-1)?.[0] ?? BASE, commits: commits.map(([sha, s]) => commit(sha, s)) }),
  );
  const tail = screen ?? (paneChangedAt <= BLOCKED_AT + 3 * SECOND ? DIALOG : ANSWERED);
  snap.agents.adversary = { alive: true, tail, windowActivity: Math.floor(paneChangedAt / 1000) };
  return decideTick(state, snap, at, noIds);
}
const sends = (d: ReturnType<typeof decideTick>) => d.actions.map((a) => `${a.action.agent}: ${a.event.message}`);

describe('messages for an agent at a permission prompt are held until it is answered', () => {
  test('a claim ping is held for the blocked adversary and goes to the librarian at once', () => {
    const d = tick(blockedAdversary(), T0 + 20 * SECOND, BLOCKED_AT, [['c1c1c1c1c1c1', 'claim: gate 1']]);
    expect(sends(d)).toEqual(['librarian: claim claim: gate 1 (c1c1c1c)']);
    expect(d.events.filter((e) => e.type === 'message_held')).toEqual([
      {
        type: 'message_held',
        agent: 'adversary',
        message: 'held until its permission prompt is answered: claim claim: gate 1 (c1c1c1c)',
      },
    ]);
    expect(d.state.agents.adversary!.held!.map((p) => p.event.message)).toEqual(['claim claim: gate 1 (c1c1c1c)']);
    expect(d.state.handoff.lastSha).toBe('c1c1c1c1c1c1'); // handled: held, not forgotten or re-pinged
  });

  test('held messages pile up in order while the dialog stays, then go out first once the pane moves', () => {
    let d = tick(blockedAdversary(), T0 + 20 * SECOND, BLOCKED_AT, [['c1c1c1c1c1c1', 'claim: gate 1']]);
    d = tick(d.state, T0 + 30 * SECOND, BLOCKED_AT + 2 * SECOND, [['c2c2c2c2c2c2', 'claim: gate 2']]);
    expect(sends(d)).toEqual(['librarian: claim claim: gate 2 (c2c2c2c)']);
    expect(d.state.agents.adversary!.held).toHaveLength(2);

    // The operator answered the dialog: the pane changed after the report.
    d = tick(d.state, T0 + 40 * SECOND, T0 + 35 * SECOND, [['c3c3c3c3c3c3', 'claim: gate 3']]);
    expect(sends(d)).toEqual([
      'adversary: claim claim: gate 1 (c1c1c1c)',
      'adversary: claim claim: gate 2 (c2c2c2c)',
      'adversary: claim claim: gate 3 (c3c3c3c)',
      'librarian: claim claim: gate 3 (c3c3c3c)',
    ]);
    expect(d.state.agents.adversary!.held).toEqual([]);
    expect(d.events.some((e) => e.type === 'message_held')).toBe(false);
  });

  test('a Stop hook (blockedSince cleared) releases them too, with nothing new planned', () => {
    const d = tick(blockedAdversary(), T0 + 20 * SECOND, BLOCKED_AT, [['c1c1c1c1c1c1', 'claim: gate 1']]);
    const answered = {
      ...d.state,
      agents: { ...d.state.agents, adversary: { ...d.state.agents.adversary!, blockedSince: null } },
    };
    const next = tick(answered, T0 + 30 * SECOND, BLOCKED_AT, [], ANSWERED);
    expect(sends(next)).toEqual(['adversary: claim claim: gate 1 (c1c1c1c)']);
  });

  test('a dialog on screen holds messages even when no hook reported it, and says so once', () => {
    const fresh = stateFor(TEAM_TOML);
    const first = decideTick(fresh, snapshotOf(fresh, T0 + SECOND, repoObs({ head: BASE })), T0 + SECOND, noIds).state;
    let d = tick(first, T0 + 20 * SECOND, BLOCKED_AT, [['c1c1c1c1c1c1', 'claim: gate 1']]);
    expect(sends(d)).toEqual(['librarian: claim claim: gate 1 (c1c1c1c)']);
    expect(d.events.filter((e) => e.agent === 'adversary').map((e) => `${e.type}: ${e.message}`)).toEqual([
      'agent_blocked: a dialog is on screen: Do you want to proceed?',
      'message_held: held until its permission prompt is answered: claim claim: gate 1 (c1c1c1c)',
    ]);
    d = tick(d.state, T0 + 30 * SECOND, BLOCKED_AT, [['c2c2c2c2c2c2', 'claim: gate 2']]);
    expect(d.events.filter((e) => e.type === 'agent_blocked')).toEqual([]);
    // However long ago the pane last changed, a dialog still on screen is still unanswered.
    d = tick(d.state, T0 + 90 * SECOND, T0 + 60 * SECOND, [], DIALOG);
    expect(sends(d)).toEqual([]);
    d = tick(d.state, T0 + 100 * SECOND, T0 + 95 * SECOND, []);
    expect(sends(d)).toEqual(['adversary: claim claim: gate 1 (c1c1c1c)', 'adversary: claim claim: gate 2 (c2c2c2c)']);
    // Answered, the block is over; the next dialog is reported again, though no hook says so.
    expect(d.state.agents.adversary!.blockedSince).toBeNull();
    d = tick(d.state, T0 + 120 * SECOND, T0 + 118 * SECOND, [], DIALOG);
    expect(d.events.filter((e) => e.type === 'agent_blocked').map((e) => e.message)).toEqual([
      'a dialog is on screen: Do you want to proceed?',
    ]);
  });

  test("an operator's nudge to the blocked agent is held too, and goes out with the rest once it is answered", () => {
    const out = operatorDecision(
      blockedAdversary(),
      { type: 'nudge', agent: 'adversary', message: 'pull and review' },
      T0 + 10 * SECOND,
      'unused',
    );
    expect(out.reply).toBe(
      'held for adversary: it waits at a permission prompt; the message is typed once that is answered',
    );
    expect(out.actions).toEqual([]);
    expect(out.events.map((e) => e.type)).toEqual(['message_held']);
    const d = tick(out.state, T0 + 40 * SECOND, T0 + 35 * SECOND, []);
    expect(sends(d)).toEqual(['adversary: operator nudge: pull and review']);
    // An agent not reported at a prompt is nudged at once.
    expect(
      operatorDecision(blockedAdversary(), { type: 'nudge', agent: 'builder' }, T0, 'unused').actions,
    ).toHaveLength(1);
  });

  test('an agent relaunched while messages wait for it gets them after the launch, in its new session', () => {
    const d = tick(blockedAdversary(), T0 + 20 * SECOND, BLOCKED_AT, [['c1c1c1c1c1c1', 'claim: gate 1']]);
    // Its session died; the next heavy tick heals it.
    const at = T0 + 5 * 60 * SECOND;
    const snap = snapshotOf(d.state, at, repoObs({ head: 'c1c1c1c1c1c1' }));
    snap.agents.adversary = { alive: false, tail: '', windowActivity: null };
    const healed = decideTick(d.state, snap, at, () => 'sid-healed');
    expect(healed.actions.map((a) => `${a.action.type} ${a.action.agent}`)).toEqual([
      'launch adversary',
      'send adversary',
    ]);
    expect(healed.actions[1]!.event.message).toBe('claim claim: gate 1 (c1c1c1c)');
    expect(healed.state.agents.adversary!.held).toEqual([]);
  });

  test("an operator's restart keeps the held messages for the new session", () => {
    const d = tick(blockedAdversary(), T0 + 20 * SECOND, BLOCKED_AT, [['c1c1c1c1c1c1', 'claim: gate 1']]);
    const restarted = operatorDecision(d.state, { type: 'restart', agent: 'adversary' }, T0 + 30 * SECOND, 'sid-new');
    expect(restarted.state.agents.adversary).toMatchObject({ sessionId: 'sid-new', blockedSince: null });
    expect(restarted.state.agents.adversary!.held!.map((p) => p.event.message)).toEqual([
      'claim claim: gate 1 (c1c1c1c)',
    ]);
    const next = tick(restarted.state, T0 + 40 * SECOND, T0 + 35 * SECOND, []);
    expect(sends(next)).toEqual(['adversary: claim claim: gate 1 (c1c1c1c)']);
  });
});
