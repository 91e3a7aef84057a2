/**
 * A list of events, newest first. Each row is one line; a click opens all its fields as a
 * key/value list. Text is rendered as text (the messages come from agents and commits).
 */
import { useState } from 'preact/hooks';
import type { FeedEvent } from '../src/core/dashboard/types';
import type { StewardEvent } from '../src/core/events';
import { clock, isoTime } from './format.js';
import { html } from './html.js';
import { pagePaths } from './router.js';

/** Types drawn in the problem colour: a visual cue only (the server's problems filter decides membership). */
const PROBLEM_LOOK = /failed|crash|exceeded|unreachable|blocked|rejected|warning|rate_limited|held|lost/;

function fieldText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function EventFields({ event }: { event: StewardEvent }) {
  return html`<dl class="event-fields">
    ${Object.entries(event).map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${k === 'at' ? `${fieldText(v)} (${isoTime(event.at)})` : fieldText(v)}</dd>`,
    )}
  </dl>`;
}

function EventRow(props: { event: StewardEvent; build: string; showBuild: boolean }) {
  const { event: e, build } = props;
  const [open, setOpen] = useState(false);
  const toggle = () => setOpen((o) => !o);
  const onKey = (k: KeyboardEvent) => {
    if (k.key === 'Enter' || k.key === ' ') {
      k.preventDefault();
      toggle();
    }
  };
  return html`<li
    class=${`event${PROBLEM_LOOK.test(e.type) ? ' problem' : ''}${open ? ' open' : ''}`}
    data-event-type=${e.type}
    data-build=${build}
    data-seq=${e.seq}
  >
    <div class="event-line" role="button" tabindex="0" aria-expanded=${open} onClick=${toggle} onKeyDown=${onKey}>
      <time class="event-time" title=${isoTime(e.at)}>${clock(e.at)}</time>
      ${props.showBuild && html`<a class="event-build" href=${pagePaths.build(build)}>${build}</a>`}
      <span class="event-type">${e.type}</span>
      ${e.agent ? html`<a class="event-agent" href=${pagePaths.agent(build, e.agent)}>${e.agent}</a>` : html`<span class="event-agent"></span>`}
      <span class="event-message">${e.message}</span>
    </div>
    ${open && html`<${EventFields} event=${e} />`}
  </li>`;
}

/** A feed event's build and key: the push channel's id, unique across builds. */
function feedIdentity(e: StewardEvent | FeedEvent): [string, string] {
  return 'build' in e ? [e.build, e.id] : ['', String(e.seq)];
}

/**
 * `build`: the build all the events are of (a build or agent view); omit it when they carry their own
 * (the feed), which also shows a build column.
 */
export function EventList(props: { events: (StewardEvent | FeedEvent)[]; build?: string }) {
  if (props.events.length === 0) return html`<p class="muted">No events.</p>`;
  return html`<ol class="events">
    ${props.events.map((e) => {
      // A row keeps its key (and so whether it is open) when a refetch replaces a pushed copy of it.
      const [build, key] = props.build !== undefined ? [props.build, e.seq] : feedIdentity(e);
      return html`<${EventRow} key=${key} event=${e} build=${build} showBuild=${props.build === undefined} />`;
    })}
  </ol>`;
}
