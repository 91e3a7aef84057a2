/**
 * A view's root (`data-view`, the tests' hook) with its loading and error states, so each view
 * renders only the data it got.
 */
import type { ComponentChildren } from 'preact';
import { html } from './html.js';
import type { ViewData } from './use-view-data.js';

export type ViewName = 'overview' | 'build' | 'agent' | 'tokens' | 'feed';

export function ViewFrame<T>(props: {
  view: ViewName;
  state: ViewData<T>;
  /** Shown whatever the state (the feed's filters). */
  header?: ComponentChildren;
  render: (data: T) => ComponentChildren;
}) {
  const { data, error } = props.state;
  return html`<main data-view=${props.view}>
    ${props.header} ${error && html`<p class="error" role="alert">${data ? `Could not refresh: ${error}` : error}</p>`}
    ${data ? props.render(data) : !error && html`<p class="muted">Loading…</p>`}
  </main>`;
}

/** A titled part of a view. */
export function Section({ title, children }: { title: string; children?: ComponentChildren }) {
  return html`<section>
    <h2>${title}</h2>
    ${children}
  </section>`;
}
