/**
 * Every event, newest first, across builds: filters (kept in the URL), pushed events on top, older
 * pages on demand; a row opens to all its fields.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FeedEvent } from '../src/core/dashboard/types';
import { EventList } from './events.js';
import { type FeedQuery, feedQueryString, readFeedQuery } from './feed-query.js';
import { html } from './html.js';
import { navigate, pagePaths } from './router.js';
import { useFeed } from './use-feed.js';
import { ViewFrame } from './view-frame.js';

/** Typing waits this long before the URL (and so the fetch) follows. */
const TYPING_MS = 300;

/** Every value of a field seen so far on this page: the choices of the filter inputs. */
function useSeen(
  events: FeedEvent[] | undefined,
  pick: (e: FeedEvent) => string | undefined,
  current: string,
): string[] {
  const seen = useRef(new Set<string>());
  if (current) seen.current.add(current);
  for (const e of events ?? []) {
    const v = pick(e);
    if (v) seen.current.add(v);
  }
  return [...seen.current].sort();
}

type TextField = 'build' | 'agent' | 'q';

function Filters(props: {
  query: FeedQuery;
  types: string[];
  builds: string[];
  agents: string[];
  onApply: (query: string) => void;
}) {
  const [draft, setDraft] = useState(props.query);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  const apply = (next: FeedQuery, wait: number) => {
    setDraft(next);
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => props.onApply(feedQueryString(next)), wait);
  };
  const text = (field: TextField) => (e: Event) =>
    apply({ ...draft, [field]: (e.currentTarget as HTMLInputElement).value }, TYPING_MS);

  return html`<form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
    <label
      >build <input type="text" list="feed-builds" data-filter="build" value=${draft.build} onInput=${text('build')}
    /></label>
    <datalist id="feed-builds">${props.builds.map((b) => html`<option key=${b} value=${b} />`)}</datalist>
    <label
      >agent <input type="text" list="feed-agents" data-filter="agent" value=${draft.agent} onInput=${text('agent')}
    /></label>
    <datalist id="feed-agents">${props.agents.map((a) => html`<option key=${a} value=${a} />`)}</datalist>
    <label>
      type
      <select
        data-filter="type"
        value=${draft.type}
        onChange=${(e: Event) => apply({ ...draft, type: (e.currentTarget as HTMLSelectElement).value }, 0)}
      >
        <option value="">any</option>
        ${props.types.map((t) => html`<option key=${t} value=${t}>${t}</option>`)}
      </select>
    </label>
    <label>text <input type="search" data-filter="q" value=${draft.q} onInput=${text('q')} /></label>
    <label>
      <input
        type="checkbox"
        data-filter="problems"
        checked=${draft.problems}
        onChange=${(e: Event) => apply({ ...draft, problems: (e.currentTarget as HTMLInputElement).checked }, 0)}
      />
      problems only
    </label>
  </form>`;
}

export function FeedView({ search }: { search: string }) {
  const query = useMemo(() => readFeedQuery(search), [search]);
  const feed = useFeed(query);
  const events = feed.rows?.events;
  const types = useSeen(events, (e) => e.type, query.type);
  const builds = useSeen(events, (e) => e.build, query.build);
  const agents = useSeen(events, (e) => e.agent, query.agent);

  // The form keeps what is being typed. A URL it did not write (back, a link) starts it anew.
  const shown = useRef(search);
  const written = useRef<string | null>(null);
  const formKey = useRef(0);
  if (search !== shown.current) {
    if (search !== written.current) formKey.current++;
    shown.current = search;
  }
  const apply = (qs: string) => {
    written.current = qs ? `?${qs}` : '';
    navigate(pagePaths.feed(qs), true);
  };

  const render = (rows: NonNullable<typeof feed.rows>) =>
    html`<p class="muted">${rows.events.length} shown of ${rows.matched} matching</p>
      <${EventList} events=${rows.events} />
      ${
        rows.next !== null &&
        html`<button
          type="button"
          class="older"
          data-more="older"
          disabled=${feed.loadingOlder}
          onClick=${feed.loadOlder}
        >
          ${feed.loadingOlder ? 'Loading…' : 'Older'}
        </button>`
      }`;

  return html`<${ViewFrame}
    view="feed"
    state=${{ data: feed.rows, error: feed.error }}
    header=${html`<h1>Feed</h1>
      <${Filters}
        key=${formKey.current}
        query=${query}
        types=${types}
        builds=${builds}
        agents=${agents}
        onApply=${apply}
      />`}
    render=${render}
  />`;
}
