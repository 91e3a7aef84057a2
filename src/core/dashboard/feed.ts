/**
 * The event feed: every build's events, filtered and paged newest first. One pass over the events
 * a page, so a feed of tens of thousands stays cheap. Pure.
 */
import type { EventType } from '../events';
import { parseEventId } from './event-journal';
import type { FeedEvent, FeedFilter, FeedPage } from './types';

/** What `problems` keeps: escalations, failures, refusals, limits and the supervisor's restarts. */
export const PROBLEM_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'crash_loop',
  'host_unreachable',
  'budget_exceeded',
  'budget_warning',
  'agent_blocked',
  'agent_rate_limited',
  'action_failed',
  'git_fetch_failed',
  'config_rejected',
  'agent_rebooted',
  'message_held',
  'gate_failed',
]);

export const DEFAULT_FEED_LIMIT = 100;
export const MAX_FEED_LIMIT = 500;

/** The filter as one test, its text lower-cased once rather than once an event. */
export function feedPredicate(filter: FeedFilter): (event: FeedEvent) => boolean {
  const { build, agent, type, problems } = filter;
  const text = filter.text?.toLowerCase();
  const has = (field: string | undefined): boolean => field !== undefined && field.toLowerCase().includes(text!);
  return (e) =>
    (build === undefined || e.build === build) &&
    (agent === undefined || e.agent === agent) &&
    (type === undefined || e.type === type) &&
    (!problems || PROBLEM_EVENTS.has(e.type)) &&
    (text === undefined || has(e.message) || has(e.type) || has(e.agent) || has(e.phase) || has(e.gate));
}

export function feedMatches(event: FeedEvent, filter: FeedFilter): boolean {
  return feedPredicate(filter)(event);
}

/**
 * Where the events older than `before` end (exclusive): the position of that id; else, for an id
 * of the same epoch no longer held, after the newest event numbered below it; else (another
 * epoch, no id at all) nowhere: nothing is known to be older.
 */
function olderThan(events: readonly FeedEvent[], before: string | undefined): number {
  if (before === undefined) return events.length;
  for (let i = events.length - 1; i >= 0; i--) if (events[i].id === before) return i;
  const bound = parseEventId(before);
  if (!bound) return 0;
  for (let i = events.length - 1; i >= 0; i--) {
    const id = parseEventId(events[i].id);
    if (id && id.epoch === bound.epoch && id.n < bound.n) return i + 1;
  }
  return 0;
}

/**
 * A page of the events (oldest first) that match `filter`, newest first: at most `limit` of those
 * older than the event `before` (all when absent). `matched` counts the matches of the whole feed;
 * `next` is the last one returned while older matches remain.
 */
export function feedPage(
  events: readonly FeedEvent[],
  filter: FeedFilter,
  options: { before?: string; limit: number },
): FeedPage {
  const matches = feedPredicate(filter);
  const end = olderThan(events, options.before);
  const page: FeedEvent[] = [];
  let matched = 0;
  let more = false;
  for (let i = events.length - 1; i >= 0; i--) {
    if (!matches(events[i])) continue;
    matched++;
    if (i >= end) continue;
    if (page.length < options.limit) page.push(events[i]);
    else more = true;
  }
  return { events: page, matched, next: more ? page[page.length - 1].id : null };
}

/** The page size asked for, as a whole number in 1..MAX_FEED_LIMIT; DEFAULT_FEED_LIMIT when absent or not a number. */
export function feedLimit(raw: string | number | undefined): number {
  const n = typeof raw === 'number' ? raw : raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n)) return DEFAULT_FEED_LIMIT;
  return Math.min(MAX_FEED_LIMIT, Math.max(1, Math.floor(n)));
}

/** A filter from a query string's parameters (build, agent, type, q, problems=1|true); empty ones are no filter. */
export function parseFeedFilter(query: Record<string, string | undefined>): FeedFilter {
  const given = (name: string): string | undefined => {
    const value = query[name]?.trim();
    return value ? value : undefined;
  };
  const filter: FeedFilter = {};
  const build = given('build');
  const agent = given('agent');
  const type = given('type');
  const text = given('q');
  const problems = given('problems');
  if (build !== undefined) filter.build = build;
  if (agent !== undefined) filter.agent = agent;
  if (type !== undefined) filter.type = type;
  if (text !== undefined) filter.text = text;
  if (problems === '1' || problems?.toLowerCase() === 'true') filter.problems = true;
  return filter;
}
