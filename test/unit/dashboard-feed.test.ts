import { feedLimit, feedMatches, feedPage, parseFeedFilter, PROBLEM_EVENTS } from '../../src/core/dashboard/feed';
import { MAX_LANE_MARKS, MAX_LANE_SEGMENTS } from '../../src/core/dashboard/agent-lanes';
import { buildView } from '../../src/core/dashboard/build-view';
import { overviewView } from '../../src/core/dashboard/overview';
import type { FeedEvent, FeedFilter } from '../../src/core/dashboard/types';
import { EVENT_TYPES, type EventType } from '../../src/core/events';
import { at, feedEvents, log, snapshot, type Spec } from './support/dashboard-fixtures';

const alpha = log(
  [0, 'build_started'],
  [1, 'agent_started', { agent: 'builder', message: 'Started with its kickoff' }],
  [2, 'gate_claimed', { agent: 'builder', gate: 'Parser-Gate', phase: 'p1', message: 'claimed' }],
  [3, 'gate_failed', { agent: 'builder', gate: 'Parser-Gate', phase: 'p1', message: 'failed review' }],
  [4, 'agent_rate_limited', { agent: 'adversary', message: 'usage limit' }],
);
const beta = log([0, 'build_started'], [5, 'crash_loop', { agent: 'builder', phase: 'Final', message: 'loops' }]);
/** Oldest first, as the journal holds them: alpha's five, then beta's two. */
const feed: FeedEvent[] = [...feedEvents('alpha', alpha), ...feedEvents('beta', beta, alpha.length + 1)];
const ids = (events: FeedEvent[]) => events.map((e) => e.id);
const matching = (filter: FeedFilter) => ids(feed.filter((e) => feedMatches(e, filter)));

describe('feedMatches', () => {
  it('by build, agent and type', () => {
    expect(matching({ build: 'beta' })).toEqual(['e1.6', 'e1.7']);
    expect(matching({ agent: 'builder' })).toEqual(['e1.2', 'e1.3', 'e1.4', 'e1.7']);
    expect(matching({ type: 'build_started' })).toEqual(['e1.1', 'e1.6']);
    expect(matching({ build: 'alpha', agent: 'builder', type: 'gate_failed' })).toEqual(['e1.4']);
  });

  it('by text in any case over the message, type, agent, phase and gate', () => {
    expect(matching({ text: 'KICKOFF' })).toEqual(['e1.2']);
    expect(matching({ text: 'rate_lim' })).toEqual(['e1.5']);
    expect(matching({ text: 'ADVERSARY' })).toEqual(['e1.5']);
    expect(matching({ text: 'final' })).toEqual(['e1.7']);
    expect(matching({ text: 'parser-gate' })).toEqual(['e1.3', 'e1.4']);
    expect(matching({ text: 'nothing like it' })).toEqual([]);
  });

  it('problems only: the PROBLEM_EVENTS types', () => {
    expect(matching({ problems: true })).toEqual(['e1.4', 'e1.5', 'e1.7']);
    expect(matching({ problems: false })).toHaveLength(feed.length);
    // One event of every type: the escalations, failures, refusals, limits and restarts are kept, nothing routine.
    const everyType = feedEvents('all', log(...EVENT_TYPES.map((t): Spec => [0, t])));
    const kept = everyType.filter((e) => feedMatches(e, { problems: true })).map((e) => e.type);
    expect(kept).toHaveLength(12);
    expect(kept).toEqual(expect.arrayContaining(['crash_loop', 'host_unreachable', 'config_rejected', 'message_held']));
    expect(kept).not.toContain('gate_passed');
    expect(kept).toEqual(EVENT_TYPES.filter((t) => PROBLEM_EVENTS.has(t)));
  });
});

describe('feedPage', () => {
  it('newest first, counting every match, with the id to page on', () => {
    const page = feedPage(feed, {}, { limit: 3 });
    expect(ids(page.events)).toEqual(['e1.7', 'e1.6', 'e1.5']);
    expect(page).toMatchObject({ matched: 7, next: 'e1.5' });
    const last = feedPage(feed, {}, { before: 'e1.3', limit: 3 });
    expect(ids(last.events)).toEqual(['e1.2', 'e1.1']);
    expect(last).toMatchObject({ matched: 7, next: null });
  });

  it('pages through a filtered feed without gaps or repeats', () => {
    const filter = { agent: 'builder' };
    const seen: string[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = feedPage(feed, filter, { before, limit: 1 });
      expect(page.matched).toBe(4);
      seen.push(...ids(page.events));
      if (page.next === null) break;
      before = page.next;
    }
    expect(seen).toEqual(['e1.7', 'e1.4', 'e1.3', 'e1.2']);
  });

  it('exactly a page left: no next', () => {
    expect(feedPage(feed, { build: 'beta' }, { limit: 2 })).toMatchObject({ next: null, matched: 2 });
  });

  it('an id no longer held pages on from where it stood; one of another epoch or none at all gives nothing', () => {
    const held = feed.filter((e) => e.id !== 'e1.4');
    expect(ids(feedPage(held, {}, { before: 'e1.4', limit: 10 }).events)).toEqual(['e1.3', 'e1.2', 'e1.1']);
    expect(feedPage(feed, {}, { before: 'e0.4', limit: 10 }).events).toEqual([]);
    expect(feedPage(feed, {}, { before: 'junk', limit: 10 }).events).toEqual([]);
  });

  it('50,000 events: pages through them all in order; the overview and the lanes fold them', () => {
    const types: EventType[] = ['agent_busy', 'agent_idle', 'ping_sent', 'gate_failed', 'tokens_recorded'];
    const specs: Spec[] = [];
    for (let i = 0; i < 50_000; i++) specs.push([i / 60, types[i % 5], { agent: i % 2 ? 'builder' : 'adversary' }]);
    const events = log(...specs);
    const big = feedEvents('big', events);
    const seqs: number[] = [];
    let before: string | undefined;
    for (;;) {
      const page = feedPage(big, { problems: true }, { before, limit: 500 });
      expect(page.matched).toBe(10_000);
      seqs.push(...page.events.map((e) => e.seq));
      if (page.next === null) break;
      before = page.next;
    }
    expect(seqs).toEqual(
      events
        .filter((e) => e.type === 'gate_failed')
        .map((e) => e.seq)
        .reverse(),
    );

    const overview = overviewView([snapshot({ events })], at(60 * 24 * 35));
    expect(overview.builds[0]).toMatchObject({ lastEventAt: events.at(-1)!.at, gatesPassed: 0 });
    const lanes = buildView(snapshot({ events }), at(60 * 24 * 35)).lanes;
    expect(lanes.map((l) => [l.agent, l.segments.length, l.marks.length])).toEqual([
      ['builder', MAX_LANE_SEGMENTS, MAX_LANE_MARKS],
      ['adversary', MAX_LANE_SEGMENTS, MAX_LANE_MARKS],
      ['librarian', 0, 0],
      ['migrator', 0, 0],
    ]);
  });
});

describe('parseFeedFilter and feedLimit', () => {
  it('reads build, agent, type, q and problems; empty values are no filter', () => {
    expect(parseFeedFilter({ build: 'alpha', agent: 'builder', type: 'crash_loop', q: 'Loop', problems: '1' })).toEqual(
      {
        build: 'alpha',
        agent: 'builder',
        type: 'crash_loop',
        text: 'Loop',
        problems: true,
      },
    );
    expect(parseFeedFilter({ build: '', agent: ' ', q: '', problems: 'true', other: 'x' })).toEqual({ problems: true });
    expect(parseFeedFilter({ problems: '0' })).toEqual({});
    expect(parseFeedFilter({})).toEqual({});
  });

  it('a limit is a whole number from 1 to 500, 100 when absent or not a number', () => {
    expect(feedLimit(undefined)).toBe(100);
    expect(feedLimit('')).toBe(100);
    expect(feedLimit('abc')).toBe(100);
    expect(feedLimit('0')).toBe(1);
    expect(feedLimit('-5')).toBe(1);
    expect(feedLimit('25.9')).toBe(25);
    expect(feedLimit('9999')).toBe(500);
    expect(feedLimit(42)).toBe(42);
  });
});
