import type { BuildState } from '../../src/core/state/build';
import type { CommitSubject } from '../../src/core/state/snapshot';
import { emptyGates, MAX_OPEN_GATES } from '../../src/core/state/gates';
import { authorAgent, gatesDecision } from '../../src/core/gates';
import { firstVerdict, reviewVerdict, verdictWords } from '../../src/core/review-verdict';
import { labelledSubject } from '../../src/core/gate-label';
import { decideTick } from '../../src/core/tick';
import { MINUTE, repoObs, SECOND, snapshotOf, stateFor, T0, TEAM_TOML } from './support/build-state';

/** The team build with one reviewer pinged on claims: the adversary. */
const ONE_REVIEWER = TEAM_TOML.replace('claim_pings = ["adversary", "librarian"]', 'claim_pings = ["adversary"]');

const claim = (sha: string, gate: string, author = 'builder'): CommitSubject => ({
  sha,
  subject: `claim(${gate}): ready`,
  author,
});
const review = (sha: string, subject: string, author = 'adversary', reviewText?: string): CommitSubject => ({
  sha,
  subject,
  author,
  ...(reviewText === undefined ? {} : { reviewText }),
});

/** Runs the commits through `gatesDecision` one tick each, at the given times: every event, and the last state. */
function run(state: BuildState, ticks: Array<[number, CommitSubject]>) {
  let next = state;
  const events = [];
  for (const [at, commit] of ticks) {
    const d = gatesDecision(next, [commit], at);
    expect(d.actions).toEqual([]);
    events.push(...d.events);
    next = { ...next, gates: d.state };
  }
  return { events, gates: next.gates! };
}

describe('gatesDecision', () => {
  test('a gate failed twice, then passed: three rounds, each claim timed from its own round', () => {
    const { events, gates } = run(stateFor(ONE_REVIEWER), [
      [T0, claim('c1c1c1c1c1', 'p1-gate')],
      [T0 + 2 * MINUTE, review('r1r1r1r1r1', 'review(p1-gate): FAIL')],
      [T0 + 5 * MINUTE, claim('c2c2c2c2c2', 'p1-gate')],
      [T0 + 6 * MINUTE, review('r2r2r2r2r2', 'review(p1-gate): rejected, still broken')],
      [T0 + 9 * MINUTE, claim('c3c3c3c3c3', 'p1-gate')],
      [T0 + 10 * MINUTE, review('r3r3r3r3r3', 'review(p1-gate): LGTM')],
    ]);
    expect(events).toEqual([
      {
        type: 'gate_claimed',
        agent: 'builder',
        gate: 'p1-gate',
        builder: 'builder',
        sha: 'c1c1c1c1c1',
        attempt: 1,
        phase: 'p1',
        message: 'p1-gate claimed by builder (round 1, c1c1c1c)',
      },
      {
        type: 'gate_reviewed',
        agent: 'adversary',
        reviewer: 'adversary',
        gate: 'p1-gate',
        builder: 'builder',
        sha: 'r1r1r1r1r1',
        verdict: 'fail',
        attempt: 1,
        durationMs: 2 * MINUTE,
        phase: 'p1',
        message: 'p1-gate reviewed by adversary: fail (round 1, 2m after its claim, r1r1r1r)',
      },
      {
        type: 'gate_failed',
        agent: 'builder',
        gate: 'p1-gate',
        reviewer: 'adversary',
        builder: 'builder',
        attempt: 1,
        sha: 'r1r1r1r1r1',
        phase: 'p1',
        message: 'p1-gate failed review by adversary in round 1: back to builder',
      },
      expect.objectContaining({ type: 'gate_claimed', sha: 'c2c2c2c2c2', attempt: 2 }),
      expect.objectContaining({ type: 'gate_reviewed', verdict: 'fail', attempt: 2, durationMs: MINUTE }),
      expect.objectContaining({ type: 'gate_failed', attempt: 2, sha: 'r2r2r2r2r2' }),
      expect.objectContaining({ type: 'gate_claimed', sha: 'c3c3c3c3c3', attempt: 3 }),
      expect.objectContaining({ type: 'gate_reviewed', verdict: 'pass', attempt: 3, durationMs: MINUTE }),
      {
        type: 'gate_passed',
        agent: 'builder',
        gate: 'p1-gate',
        builder: 'builder',
        attempt: 3,
        durationMs: 10 * MINUTE,
        phase: 'p1',
        message: 'p1-gate passed in round 3, 10m after its first claim',
      },
    ]);
    // A passed gate is dropped; only its label is kept.
    expect(gates).toEqual({ open: {}, latest: null, passed: ['p1-gate'] });
  });

  test('two pinged reviewers: one pass is not enough, both are; a fail by either fails the round', () => {
    const state = stateFor(TEAM_TOML); // claims ping the adversary and the librarian
    const first = run(state, [
      [T0, claim('c1', 'g')],
      [T0 + MINUTE, review('r1', 'review(g): PASS', 'adversary')],
    ]);
    expect(first.events.map((e) => e.type)).toEqual(['gate_claimed', 'gate_reviewed']);
    expect(first.gates.open.g).toMatchObject({ round: 1, verdicts: { adversary: 'pass' } });

    const both = run({ ...state, gates: first.gates }, [
      [T0 + 2 * MINUTE, review('r2', 'review(g): PASS', 'librarian')],
    ]);
    expect(both.events.map((e) => [e.type, e.agent, e.attempt, e.durationMs])).toEqual([
      ['gate_reviewed', 'librarian', 1, 2 * MINUTE],
      ['gate_passed', 'builder', 1, 2 * MINUTE],
    ]);

    const split = run(state, [
      [T0, claim('c1', 'g')],
      [T0 + MINUTE, review('r1', 'review(g): FAIL', 'librarian')],
      [T0 + 2 * MINUTE, review('r2', 'review(g): PASS', 'adversary')],
    ]);
    expect(split.events.map((e) => `${e.type} ${e.reviewer ?? ''}`)).toEqual([
      'gate_claimed ',
      'gate_reviewed librarian',
      'gate_failed librarian',
      'gate_reviewed adversary',
    ]);
    // The librarian changes its mind in the same round: both latest verdicts are passes now.
    const changed = run({ ...state, gates: split.gates }, [
      [T0 + 3 * MINUTE, review('r3', 'review(g): PASS', 'librarian')],
    ]);
    expect(changed.events.map((e) => e.type)).toEqual(['gate_reviewed', 'gate_passed']);
  });

  test('a review of a gate whose claim was never seen: no builder, no times, round 1; its late claim fills them in', () => {
    const state = stateFor(ONE_REVIEWER);
    const unknown = run(state, [[T0, review('r1', 'review(old-gate): FAIL')]]);
    expect(unknown.events).toEqual([
      {
        type: 'gate_reviewed',
        agent: 'adversary',
        reviewer: 'adversary',
        gate: 'old-gate',
        sha: 'r1',
        verdict: 'fail',
        attempt: 1,
        phase: 'p1',
        message: 'old-gate reviewed by adversary: fail (round 1, r1)',
      },
      {
        type: 'gate_failed',
        gate: 'old-gate',
        reviewer: 'adversary',
        attempt: 1,
        sha: 'r1',
        phase: 'p1',
        message: 'old-gate failed review by adversary in round 1: back to its builder',
      },
    ]);
    const reclaimed = run({ ...state, gates: unknown.gates }, [
      [T0 + MINUTE, claim('c2', 'old-gate')],
      [T0 + 3 * MINUTE, review('r2', 'review(old-gate): PASS')],
    ]);
    expect(reclaimed.events.map((e) => [e.type, e.builder, e.attempt, e.durationMs])).toEqual([
      ['gate_claimed', 'builder', 2, undefined],
      ['gate_reviewed', 'builder', 2, 2 * MINUTE],
      // Its first claim was never seen: no length for the gate.
      ['gate_passed', 'builder', 2, undefined],
    ]);

    // A claim commit that names no gate is no gate event.
    expect(gatesDecision(state, [{ sha: 'c9', subject: 'claim: the parser', author: 'builder' }], T0).events).toEqual(
      [],
    );
  });

  test('a review naming no gate reviews the latest claim; a late review of a passed gate passes nothing again', () => {
    const state = stateFor(ONE_REVIEWER);
    const { events, gates } = run(state, [
      [T0, claim('c1', 'g1')],
      [T0 + MINUTE, review('r1', 'review: approved')],
      [T0 + 2 * MINUTE, review('r2', 'review(g1): PASS', 'librarian')],
      [T0 + 3 * MINUTE, review('r3', 'review: PASS')],
    ]);
    expect(events.map((e) => `${e.type} ${e.gate ?? '-'} ${e.verdict ?? ''}`)).toEqual([
      'gate_claimed g1 ',
      'gate_reviewed g1 pass',
      'gate_passed g1 ',
      'gate_reviewed g1 pass',
      'gate_reviewed - pass',
    ]);
    expect(events[3]!.message).toBe('g1 (passed already) reviewed by librarian: pass (r2)');
    expect(gates.open).toEqual({});
  });

  test('the verdict: the subject first, else the lines the review commit added', () => {
    const state = stateFor(ONE_REVIEWER);
    const verdicts = (commits: CommitSubject[]) =>
      gatesDecision(state, commits, T0)
        .events.filter((e) => e.type === 'gate_reviewed')
        .map((e) => e.verdict);
    expect(
      verdicts([
        review('r1', 'review(g1): findings', 'adversary', '# g1\n\nVerdict: REJECTED — the parser drops tabs\n'),
        review('r2', 'review(g2): PASS', 'adversary', 'FAIL on the first run, then fixed'),
        review('r3', 'review(g3): notes', 'adversary', 'nothing decided yet'),
        review('r4', 'review(g4): notes'),
      ]),
    ).toEqual(['fail', 'pass', 'unknown', 'unknown']);
  });

  test('configured words replace the defaults', () => {
    const toml = ONE_REVIEWER.replace(
      'review_pings = ["builder"]',
      'review_pings = ["builder"]\npass_words = ["ship it"]\nfail_words = ["nope"]',
    );
    const state = stateFor(toml);
    const d = gatesDecision(
      state,
      [
        claim('c1', 'g'),
        review('r1', 'review(g): PASS'),
        review('r2', 'review(g): nope'),
        review('r3', 'review(g): Ship  it'),
      ],
      T0,
    );
    expect(d.events.filter((e) => e.type === 'gate_reviewed').map((e) => e.verdict)).toEqual([
      'unknown',
      'fail',
      'pass',
    ]);
  });

  test('authors name agents in any case; anyone else keeps their name', () => {
    const agents = ['builder', 'adversary'];
    expect(authorAgent('Adversary', agents)).toBe('adversary');
    expect(authorAgent(' builder ', agents)).toBe('builder');
    expect(authorAgent('Jane Doe', agents)).toBe('Jane Doe');
    expect(authorAgent('', agents)).toBeNull();
    expect(authorAgent(undefined, agents)).toBeNull();
    // Anyone who can push picks an author name: it is made safe for a terminal line and cut short.
    expect(authorAgent('evil\x1b]0;x\x07\x1b[2J', agents)).toBe('evil\\x1b]0;x\\x07\\x1b[2J');
    expect(authorAgent('x'.repeat(500), agents)).toBe('x'.repeat(64));
    const d = gatesDecision(stateFor(ONE_REVIEWER), [claim('c1', 'g', 'Jane Doe')], T0);
    expect(d.events[0]).toMatchObject({ agent: 'Jane Doe', builder: 'Jane Doe' });
  });

  test('at most MAX_OPEN_GATES gates stay open: the longest untouched go first', () => {
    const commits = Array.from({ length: MAX_OPEN_GATES + 2 }, (_, i) => claim(`c${i}`, `g${i}`));
    let state = stateFor(ONE_REVIEWER);
    commits.forEach((c, i) => {
      state = { ...state, gates: gatesDecision(state, [c], T0 + i * SECOND).state };
    });
    const open = Object.keys(state.gates!.open);
    expect(open).toHaveLength(MAX_OPEN_GATES);
    expect(open).not.toContain('g0');
    expect(open).not.toContain('g1');
    expect(state.gates!.latest).toBe(`g${MAX_OPEN_GATES + 1}`);
  });

  test('no handoff or no commits: nothing, and a state from before gates existed reads as none', () => {
    const state = stateFor(ONE_REVIEWER);
    expect(state.gates).toBeUndefined();
    expect(gatesDecision(state, [], T0)).toEqual({ state: emptyGates(), actions: [], events: [] });
    const solo = stateFor(TEAM_TOML.replace(/\[loop\.handoff\][\s\S]*$/, ''));
    expect(gatesDecision(solo, [claim('c1', 'g')], T0).events).toEqual([]);
  });
});

describe('decideTick runs the gates with the handoff', () => {
  const BASE = 'base0000000000';
  const noIds = () => {
    throw new Error('no relaunch expected');
  };
  const launched = () => {
    const fresh = stateFor(ONE_REVIEWER);
    return decideTick(fresh, snapshotOf(fresh, T0, repoObs({ head: BASE })), T0, noIds, { telemetry: true }).state;
  };
  const repo = repoObs({ head: 'c1c1c1c1c1c1', commits: [claim('c1c1c1c1c1c1', 'p1-gate')] });

  test('a claim seen on a tick: gate_claimed before the pings go out', () => {
    const state = launched();
    const out = decideTick(state, snapshotOf(state, T0 + MINUTE, repo), T0 + MINUTE, noIds, { telemetry: true });
    expect(out.events.filter((e) => e.type.startsWith('gate_')).map((e) => [e.type, e.gate, e.attempt])).toEqual([
      ['gate_claimed', 'p1-gate', 1],
    ]);
    expect(out.actions.map((a) => a.event.type)).toEqual(['ping_sent']);
    expect(out.state.gates?.open['p1-gate']).toMatchObject({ builder: 'builder', round: 1, claimAt: T0 + MINUTE });
  });

  test('paused: the commit waits for the resume, as its ping does; without telemetry (the default), no gate events', () => {
    const paused = { ...launched(), status: 'paused' as const };
    const out = decideTick(paused, snapshotOf(paused, T0 + MINUTE, repo), T0 + MINUTE, noIds, { telemetry: true });
    expect(out.events).toEqual([]);
    expect(out.state.gates).toEqual(paused.gates);

    const state = launched();
    const quiet = decideTick(state, snapshotOf(state, T0 + MINUTE, repo), T0 + MINUTE, noIds);
    expect(quiet.events).toEqual([]);
    expect(quiet.state.gates).toEqual(state.gates);
    expect(quiet.actions.map((a) => a.event.type)).toEqual(['ping_sent']);
  });
});

describe('review verdicts', () => {
  const words = verdictWords({});

  test.each([
    ['PASS', 'pass'],
    ['pass: all good', 'pass'],
    ['Approved with nits', 'pass'],
    ['lgtm!', 'pass'],
    ['VETO', 'fail'],
    ['reject — see notes', 'fail'],
    ['FAIL after PASS', 'fail'],
    ['PASS, though it failed once', 'pass'],
    ['bypass the cache', null],
    ['passed', null],
    ['fail_fast', null],
    ['', null],
  ])('%j → %s', (text, verdict) => expect(firstVerdict(text, words)).toBe(verdict));

  test('the subject after its label: a gate named like a verdict word is no verdict', () => {
    const parsed = labelledSubject('review(fail-fast): approved', 'review');
    expect(parsed).toEqual({ label: 'fail-fast', rest: ': approved' });
    expect(reviewVerdict(parsed!.rest, undefined, words)).toBe('pass');
    expect(reviewVerdict(': see file', 'Verdict: PASS', words)).toBe('pass');
    expect(reviewVerdict(': see file', undefined, words)).toBe('unknown');
  });

  test('phrases match across any whitespace; regex characters are literal', () => {
    const custom = { pass: ['ship it', 'a+'], fail: ['no.go'] };
    expect(firstVerdict('we can ship\n  it now', custom)).toBe('pass');
    expect(firstVerdict('grade: a+', custom)).toBe('pass');
    expect(firstVerdict('noXgo', custom)).toBeNull();
    expect(firstVerdict('verdict no.go', custom)).toBe('fail');
  });
});

describe('odd labels and subjects', () => {
  test.each(['__proto__', 'constructor', 'toString'])('a gate labelled %s is a gate like any other', (gate) => {
    const { events, gates } = run(stateFor(ONE_REVIEWER), [
      [T0, claim('c1', gate)],
      [T0 + MINUTE, review('r1', `review(${gate}): FAIL`)],
      [T0 + 2 * MINUTE, claim('c2', gate)],
      [T0 + 3 * MINUTE, review('r2', `review(${gate}): PASS`)],
    ]);
    expect(events.map((e) => [e.type, e.gate, e.attempt])).toEqual([
      ['gate_claimed', gate, 1],
      ['gate_reviewed', gate, 1],
      ['gate_failed', gate, 1],
      ['gate_claimed', gate, 2],
      ['gate_reviewed', gate, 2],
      ['gate_passed', gate, 2],
    ]);
    expect(Object.keys(gates.open)).toEqual([]);
  });

  test('a label after a long run of spaces is read (the label pattern is linear)', () => {
    expect(labelledSubject(`claim(${' '.repeat(20_000)}g1${' '.repeat(20_000)}): ready`, 'claim')).toEqual({
      label: 'g1',
      rest: ': ready',
    });
    expect(labelledSubject(`claim(${' '.repeat(20_000)}`, 'claim')).toBeNull();
  });
});
