/**
 * The feed's rows for one filter: page 1 (newest first), older pages on demand, and pushed events
 * on top while they come. Pushes never grow the rows past the cap: the oldest go, and "older"
 * fetches from the oldest row kept. Only a person asking for older pages adds rows past it, 100 a click.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FeedEvent, FeedPage } from '../src/core/dashboard/types';
import { apiPaths, getJson } from './api.js';
import { type FeedQuery, feedQueryString, matchesFeedQuery } from './feed-query.js';
import { listen } from './stream.js';
import { REFETCH_INTERVAL_MS, throttle } from './throttle.js';

export const PAGE_SIZE = 100;
/** Most rows the feed keeps. */
export const FEED_ROWS_CAP = 500;

export interface FeedRows {
  events: FeedEvent[];
  /** Events matching the filter in all, as last counted. */
  matched: number;
  /** `before` for the next older page; null at the end. */
  next: string | null;
}

export interface FeedState {
  rows: FeedRows | null;
  error: string | null;
  loadingOlder: boolean;
  loadOlder: () => void;
}

/**
 * `newer` (newest first) on top of `rows`, without repeats, cut to the cap; the cut moves the
 * "older" cursor. `matched`: the server's count when it gave one, else one more for each row added.
 */
function withNewer(rows: FeedRows, newer: FeedEvent[], matched: number | null): FeedRows {
  const known = new Set(rows.events.map((e) => e.id));
  const added = newer.filter((e) => !known.has(e.id));
  const count = matched ?? rows.matched + added.length;
  if (added.length === 0) return { ...rows, matched: count };
  const events = [...added, ...rows.events];
  if (events.length <= FEED_ROWS_CAP) return { events, matched: count, next: rows.next };
  const kept = events.slice(0, FEED_ROWS_CAP);
  return { events: kept, matched: count, next: kept[kept.length - 1]!.id };
}

/** Page 1 fetched again on top of the rows; when none of it is known, the rows in between are missing: start over from it. */
function withFirstPage(rows: FeedRows | null, page: FeedPage): FeedRows {
  const fresh = { events: page.events, matched: page.matched, next: page.next };
  if (!rows || rows.events.length === 0) return fresh;
  const known = new Set(rows.events.map((e) => e.id));
  return page.events.some((e) => known.has(e.id)) ? withNewer(rows, page.events, page.matched) : fresh;
}

function pagePath(query: FeedQuery, before: string | null): string {
  const p = new URLSearchParams(feedQueryString(query));
  if (before !== null) p.set('before', before);
  p.set('limit', String(PAGE_SIZE));
  return apiPaths.feed(p.toString());
}

export function useFeed(query: FeedQuery): FeedState {
  const [rows, setRows] = useState<FeedRows | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  // Bumped when the filter changes: answers for an earlier filter are dropped.
  const generation = useRef(0);
  const key = feedQueryString(query);

  useEffect(() => {
    const gen = ++generation.current;
    setRows(null);
    setError(null);
    const fetchFirst = (merge: boolean) => {
      getJson<FeedPage>(pagePath(query, null)).then(
        (page) => {
          if (gen !== generation.current) return;
          setError(null);
          setRows((old) => withFirstPage(merge ? old : null, page));
        },
        (err: unknown) => {
          if (gen === generation.current) setError(err instanceof Error ? err.message : String(err));
        },
      );
    };
    fetchFirst(false);
    // For pushes only the server can match: page 1 again, its new rows put on top.
    const mergeFirst = throttle(() => fetchFirst(true), REFETCH_INTERVAL_MS);
    const unlisten = listen({
      events: (batch) => {
        const matches = batch.map((e) => matchesFeedQuery(query, e));
        if (matches.includes(null)) mergeFirst.call();
        const newest = batch.filter((_, i) => matches[i] === true).reverse();
        if (newest.length > 0) setRows((old) => (old ? withNewer(old, newest, null) : old));
      },
      resync: () => fetchFirst(false),
    });
    return () => {
      generation.current++;
      mergeFirst.cancel();
      unlisten();
    };
    // `key` stands for `query`'s fields.
  }, [key]);

  const loadOlder = () => {
    const before = rows?.next;
    if (!before || loadingOlder) return;
    const gen = generation.current;
    setLoadingOlder(true);
    getJson<FeedPage>(pagePath(query, before)).then(
      (page) => {
        setLoadingOlder(false);
        if (gen !== generation.current) return;
        setRows((old) => {
          if (!old) return old;
          const known = new Set(old.events.map((e) => e.id));
          return {
            events: [...old.events, ...page.events.filter((e) => !known.has(e.id))],
            matched: page.matched,
            next: page.next,
          };
        });
      },
      (err: unknown) => {
        setLoadingOlder(false);
        if (gen === generation.current) setError(err instanceof Error ? err.message : String(err));
      },
    );
  };

  return { rows, error, loadingOlder, loadOlder };
}
