import type { BuildState } from '../../src/core/state/build';
import { handoffDecision } from '../../src/core/handoff';
import { commit, repoObs, stateFor, TEAM_TOML } from './support/build-state';

const claimText = (subject: string, short: string) =>
  `watchdog ping: the other loop pushed a gate CLAIM commit: "${subject}" (${short}) on origin/main. Pull and verify the claimed gate now.`;
const reviewText = (subject: string, short: string) =>
  `watchdog ping: the other loop pushed a verdict/finding commit: "${subject}" (${short}) on origin/main. Pull the review and act.`;
const inboxText = (path: string) =>
  `watchdog ping: the other loop pushed ${path} on origin/main — pull, read it, act, then delete the file (commit + push) to mark it consumed.`;

/** A planned ping: `text` sent to `agent`, and the ping_sent event with `message` that records it. */
const ping = (agent: string, text: string, message: string) => ({
  action: { type: 'send', agent, text },
  event: { type: 'ping_sent', agent, message },
});

/** An observation of new commits on origin/main, oldest first, the last of them the head. */
const newCommits = (...commits: [sha: string, subject: string][]) =>
  repoObs({ head: commits.at(-1)![0], commits: commits.map(([sha, subject]) => commit(sha, subject)) });

const BUILDER_INBOX = 'state/inbox/builder.md';
const ADVERSARY_INBOX = 'state/inbox/adversary.md';

/** A running build that has already recorded its baseline: head `base000…`, both inboxes absent. */
function afterBaseline(overrides: Partial<BuildState> = {}): BuildState {
  return stateFor(TEAM_TOML, {
    launched: true,
    handoff: { lastSha: 'base0000000000', inboxHashes: { [BUILDER_INBOX]: null, [ADVERSARY_INBOX]: null } },
    ...overrides,
  });
}

describe('handoffDecision: commits', () => {
  test('the first observation records the baseline and pings nothing for history', () => {
    const state = stateFor(TEAM_TOML);
    const decision = handoffDecision(
      state,
      repoObs({
        head: 'bbbbbbbbbbbb',
        commits: [commit('aaaaaaaaaaaa', 'claim: gate 1'), commit('bbbbbbbbbbbb', 'review: gate 1 passed')],
        inboxes: { [BUILDER_INBOX]: 'h-builder-1' },
      }),
    );
    expect(decision.actions).toEqual([]);
    expect(decision.state).toEqual({
      lastSha: 'bbbbbbbbbbbb',
      inboxHashes: { [BUILDER_INBOX]: 'h-builder-1', [ADVERSARY_INBOX]: null },
    });
  });

  test('a claim commit pings every claim_pings agent, in order, with the subject and short sha', () => {
    const decision = handoffDecision(afterBaseline(), newCommits(['c1a1m00000000', 'claim: gate 2 (parser)']));
    expect(decision.actions).toEqual([
      ping('adversary', claimText('claim: gate 2 (parser)', 'c1a1m00'), 'claim claim: gate 2 (parser) (c1a1m00)'),
      ping('librarian', claimText('claim: gate 2 (parser)', 'c1a1m00'), 'claim claim: gate 2 (parser) (c1a1m00)'),
    ]);
    expect(decision.state.lastSha).toBe('c1a1m00000000');
  });

  test('a review commit pings the review_pings agents only', () => {
    const decision = handoffDecision(afterBaseline(), newCommits(['feedbeef0001', 'review: gate 2 FAIL, 3 findings']));
    expect(decision.actions).toEqual([
      ping(
        'builder',
        reviewText('review: gate 2 FAIL, 3 findings', 'feedbee'),
        'review review: gate 2 FAIL, 3 findings (feedbee)',
      ),
    ]);
  });

  test('patterns are matched case-insensitively and other commits ping nobody', () => {
    const decision = handoffDecision(
      afterBaseline(),
      newCommits(
        ['111111111111', 'fix: typo'],
        ['222222222222', 'CLAIM gate 3'],
        ['333333333333', 'docs: a reclaim of space'],
      ),
    );
    expect(decision.actions.map((a) => [a.action.type, a.action.agent, a.event.message])).toEqual([
      ['send', 'adversary', 'claim CLAIM gate 3 (2222222)'],
      ['send', 'librarian', 'claim CLAIM gate 3 (2222222)'],
    ]);
  });

  test('a commit matching both patterns pings the claim agents, then the review agents', () => {
    const state = stateFor(
      TEAM_TOML.replace('[loop.handoff]', '[loop.handoff]\nclaim_pattern = "claim"\nreview_pattern = "review"'),
      {
        handoff: { lastSha: 'base0000000000', inboxHashes: {} },
      },
    );
    const subject = 'claim gate 4 after review of gate 3';
    const decision = handoffDecision(state, newCommits(['b0th00000000', subject]));
    expect(decision.actions.map((a) => a.action)).toEqual([
      { type: 'send', agent: 'adversary', text: claimText(subject, 'b0th000') },
      { type: 'send', agent: 'librarian', text: claimText(subject, 'b0th000') },
      { type: 'send', agent: 'builder', text: reviewText(subject, 'b0th000') },
    ]);
  });

  test('several new commits are pinged oldest first, each once', () => {
    const decision = handoffDecision(
      afterBaseline(),
      newCommits(
        ['c1c1c1c1c1c1', 'claim: gate 1'],
        ['r1r1r1r1r1r1', 'review: gate 1 ok'],
        ['r2r2r2r2r2r2', 'review: gate 2 ok'],
      ),
    );
    expect(decision.actions.map((a) => `${a.action.agent} ${a.event.message}`)).toEqual([
      'adversary claim claim: gate 1 (c1c1c1c)',
      'librarian claim claim: gate 1 (c1c1c1c)',
      'builder review review: gate 1 ok (r1r1r1r)',
      'builder review review: gate 2 ok (r2r2r2r)',
    ]);
  });

  test('each commit is pinged once: after lastSha moved, the next observation (nothing since) pings nothing, a later commit only itself', () => {
    let state = afterBaseline();
    const first = handoffDecision(state, newCommits(['c1c1c1c1c1c1', 'claim: gate 1']));
    expect(first.actions).toHaveLength(2);
    state = { ...state, handoff: first.state };
    expect(state.handoff.lastSha).toBe('c1c1c1c1c1c1');

    // observe lists the commits after lastSha: none now.
    const again = handoffDecision(state, repoObs({ head: 'c1c1c1c1c1c1', commits: [] }));
    expect(again.actions).toEqual([]);
    expect(again.state).toEqual(state.handoff);
    state = { ...state, handoff: again.state };

    const later = handoffDecision(state, newCommits(['r1r1r1r1r1r1', 'review: gate 1 ok']));
    expect(later.actions.map((a) => a.event.message)).toEqual(['review review: gate 1 ok (r1r1r1r)']);
  });

  test('without a head (empty or unreadable repo) nothing moves', () => {
    const state = afterBaseline();
    const decision = handoffDecision(
      state,
      repoObs({ head: null, commits: [commit('c1c1c1c1c1c1', 'claim: gate 1')], inboxes: { [BUILDER_INBOX]: 'h1' } }),
    );
    expect(decision).toEqual({ state: state.handoff, actions: [], events: [] });
  });

  test('a loop without [loop.handoff] neither pings nor records', () => {
    const toml = TEAM_TOML.slice(0, TEAM_TOML.indexOf('[loop.handoff]'));
    const state = stateFor(toml, { handoff: { lastSha: 'base0000000000', inboxHashes: {} } });
    const decision = handoffDecision(state, newCommits(['c1c1c1c1c1c1', 'claim: gate 1']));
    expect(decision).toEqual({ state: state.handoff, actions: [], events: [] });
  });

  test('default pings: a claim pings "adversary" and a review "builder" when those agents exist', () => {
    const toml = TEAM_TOML.replace('claim_pings = ["adversary", "librarian"]\nreview_pings = ["builder"]\n', '');
    const state = stateFor(toml, { handoff: { lastSha: 'base0000000000', inboxHashes: {} } });
    const decision = handoffDecision(state, newCommits(['c1c1c1c1c1c1', 'claim: g1'], ['r1r1r1r1r1r1', 'review: g1']));
    expect(decision.actions.map((a) => a.action.agent)).toEqual(['adversary', 'builder']);
  });
});

describe('handoffDecision: inboxes', () => {
  test('first sight of an inbox (even after the commit baseline) is its baseline: no ping', () => {
    const state = stateFor(TEAM_TOML, { handoff: { lastSha: 'base0000000000', inboxHashes: {} } });
    const decision = handoffDecision(
      state,
      repoObs({ head: 'base0000000000', inboxes: { [BUILDER_INBOX]: 'h-old', [ADVERSARY_INBOX]: 'h-adv' } }),
    );
    expect(decision.actions).toEqual([]);
    expect(decision.state.inboxHashes).toEqual({ [BUILDER_INBOX]: 'h-old', [ADVERSARY_INBOX]: 'h-adv' });
  });

  test('a changed hash pings the inbox agent with the file path, once', () => {
    const state = afterBaseline({
      handoff: { lastSha: 'base0000000000', inboxHashes: { [BUILDER_INBOX]: 'aaaaaaaaaa11', [ADVERSARY_INBOX]: null } },
    });
    const decision = handoffDecision(
      state,
      repoObs({ head: 'base0000000000', inboxes: { [BUILDER_INBOX]: 'bbbbbbbbbb22', [ADVERSARY_INBOX]: null } }),
    );
    expect(decision.actions).toEqual([
      ping('builder', inboxText(BUILDER_INBOX), `inbox ${BUILDER_INBOX} changed (bbbbbbb)`),
    ]);
    expect(decision.state.inboxHashes[BUILDER_INBOX]).toBe('bbbbbbbbbb22');

    const again = handoffDecision(
      { ...state, handoff: decision.state },
      repoObs({ head: 'base0000000000', inboxes: { [BUILDER_INBOX]: 'bbbbbbbbbb22' } }),
    );
    expect(again.actions).toEqual([]);
  });

  test('a created inbox (absent → present) pings its agent', () => {
    const decision = handoffDecision(
      afterBaseline(),
      repoObs({ head: 'base0000000000', inboxes: { [ADVERSARY_INBOX]: 'cccccccccc33' } }),
    );
    expect(decision.actions.map((a) => [a.action.agent, a.event.message])).toEqual([
      ['adversary', `inbox ${ADVERSARY_INBOX} changed (ccccccc)`],
    ]);
  });

  test('a deleted inbox (null: consumed) does not ping and is remembered as absent; re-created, it pings again', () => {
    let state = afterBaseline({
      handoff: { lastSha: 'base0000000000', inboxHashes: { [BUILDER_INBOX]: 'aaaaaaaaaa11', [ADVERSARY_INBOX]: null } },
    });
    const deleted = handoffDecision(state, repoObs({ head: 'base0000000000', inboxes: { [BUILDER_INBOX]: null } }));
    expect(deleted.actions).toEqual([]);
    expect(deleted.state.inboxHashes).toEqual({ [BUILDER_INBOX]: null, [ADVERSARY_INBOX]: null });
    state = { ...state, handoff: deleted.state };

    // Same content as before the deletion: a new message with the same text is still a new message.
    const recreated = handoffDecision(
      state,
      repoObs({ head: 'base0000000000', inboxes: { [BUILDER_INBOX]: 'aaaaaaaaaa11' } }),
    );
    expect(recreated.actions.map((a) => [a.action.agent, a.event.message])).toEqual([
      ['builder', `inbox ${BUILDER_INBOX} changed (aaaaaaa)`],
    ]);
  });

  test('commit pings come before inbox pings in one decision', () => {
    const decision = handoffDecision(
      afterBaseline(),
      repoObs({
        head: 'r1r1r1r1r1r1',
        commits: [commit('r1r1r1r1r1r1', 'review: g1')],
        inboxes: { [BUILDER_INBOX]: 'dddddddddd44' },
      }),
    );
    expect(decision.actions.map((a) => a.event.message)).toEqual([
      'review review: g1 (r1r1r1r)',
      `inbox ${BUILDER_INBOX} changed (ddddddd)`,
    ]);
  });

  // resolve.ts: "One entry per pinged agent: an inbox naming several agents pings each of them."
  test('BUG: an inbox naming several agents pings each of them when it changes', () => {
    const toml = TEAM_TOML.replace(
      '{ file = "inbox/builder.md", agent = "builder" }',
      '{ file = "inbox/all.md", agent = ["builder", "adversary"] }',
    );
    const state = stateFor(toml, {
      handoff: { lastSha: 'base0000000000', inboxHashes: { 'state/inbox/all.md': 'eeeeeeeeee55' } },
    });
    expect(state.config.loop?.handoff?.inboxes.slice(0, 2)).toEqual([
      { file: 'inbox/all.md', agent: 'builder' },
      { file: 'inbox/all.md', agent: 'adversary' },
    ]);
    const decision = handoffDecision(
      state,
      repoObs({ head: 'base0000000000', inboxes: { 'state/inbox/all.md': 'ffffffffff66' } }),
    );
    expect(decision.actions.map((a) => a.action.agent)).toEqual(['builder', 'adversary']);
  });
});
