/**
 * The dashboard's entry: a nav bar, and the view the URL names (`router.ts`), re-rendered when
 * the URL changes without a reload. The push channel is opened once for the page.
 */
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { AgentPage } from './agent.js';
import { BuildPage } from './build.js';
import { FeedView } from './feed.js';
import { html } from './html.js';
import { OverviewPage } from './overview.js';
import { readOnly } from './page-meta.js';
import { type Route, interceptLinkClicks, pagePaths, parseRoute, useLocation } from './router.js';
import { startStream } from './stream.js';
import { TokensPage } from './tokens.js';

function Nav({ route }: { route: Route }) {
  const link = (name: 'overview' | 'tokens' | 'feed', href: string, label: string) =>
    html`<a href=${href} data-nav=${name} class=${route.view === name ? 'active' : ''}>${label}</a>`;
  return html`<nav class="topnav">
    <strong class="brand">Steward</strong>
    ${link('overview', pagePaths.overview(), 'Overview')} ${link('tokens', pagePaths.tokens(), 'Tokens')}
    ${link('feed', pagePaths.feed(), 'Feed')}
    <span class="spacer"></span>
    ${readOnly && html`<span class="badge">read-only</span>`}
    <span class="live-indicator" title="Live updates from the server">live</span>
  </nav>`;
}

/** The view the route names; `key` gives each page (each build, each agent) fresh state. */
function View({ route, search }: { route: Route; search: string }) {
  switch (route.view) {
    case 'overview':
      return html`<${OverviewPage} />`;
    case 'build':
      return html`<${BuildPage} key=${route.build} build=${route.build} />`;
    case 'agent':
      return html`<${AgentPage} key=${`${route.build}/${route.agent}`} build=${route.build} agent=${route.agent} />`;
    case 'tokens':
      return html`<${TokensPage} />`;
    case 'feed':
      return html`<${FeedView} search=${search} />`;
    case 'not_found':
      return html`<main data-view="not-found">
        <p class="error">No such page: ${route.path}</p>
        <a href=${pagePaths.overview()}>Back to the overview</a>
      </main>`;
  }
}

/** The tab's title: which build or agent, so several open tabs can be told apart. */
function pageTitle(route: Route): string {
  switch (route.view) {
    case 'build':
      return `${route.build} · Steward`;
    case 'agent':
      return `${route.agent} (${route.build}) · Steward`;
    case 'tokens':
      return 'Tokens · Steward';
    case 'feed':
      return 'Feed · Steward';
    default:
      return 'Steward';
  }
}

function App() {
  const { pathname, search } = useLocation();
  const route = parseRoute(pathname);
  const title = pageTitle(route);
  useEffect(() => {
    document.title = title;
  }, [title]);
  return html`<${Nav} route=${route} /><${View} route=${route} search=${search} />`;
}

interceptLinkClicks();
startStream();
const root = document.getElementById('app');
if (root) render(html`<${App} />`, root);
