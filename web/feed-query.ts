/**
 * The feed's filters, kept in the page's query string (so a filtered feed can be shared or
 * reloaded) with the same names the API takes: build, agent, type, q, problems=1.
 */
import type { FeedEvent } from '../src/core/dashboard/types';

export interface FeedQuery {
  build: string;
  agent: string;
  type: string;
  /** Free text. */
  q: string;
  problems: boolean;
}

export function readFeedQuery(search: string): FeedQuery {
  const p = new URLSearchParams(search);
  return {
    build: p.get('build') ?? '',
    agent: p.get('agent') ?? '',
    type: p.get('type') ?? '',
    q: p.get('q') ?? '',
    problems: p.get('problems') === '1',
  };
}

/** The filter as a query string (set fields only), for the page's URL and the API's. */
export function feedQueryString(f: FeedQuery): string {
  const p = new URLSearchParams();
  if (f.build) p.set('build', f.build);
  if (f.agent) p.set('agent', f.agent);
  if (f.type) p.set('type', f.type);
  if (f.q) p.set('q', f.q);
  if (f.problems) p.set('problems', '1');
  return p.toString();
}

/**
 * Whether a pushed event belongs on the filtered feed, as the server decides it (free text: any
 * case, over the message, type, agent, phase and gate). null when only the server can tell (the
 * problem types are its list): then the feed asks it.
 */
export function matchesFeedQuery(f: FeedQuery, e: FeedEvent): boolean | null {
  if (f.build && e.build !== f.build) return false;
  if (f.agent && e.agent !== f.agent) return false;
  if (f.type && e.type !== f.type) return false;
  if (f.q) {
    const text = f.q.toLowerCase();
    const fields = [e.message, e.type, e.agent, e.phase, e.gate];
    if (!fields.some((v) => v?.toLowerCase().includes(text))) return false;
  }
  return f.problems ? null : true;
}
