/**
 * Client-side routing: the view is a function of `location.pathname`, links change it with
 * `history.pushState` (no reload), and the back button's `popstate` is heard the same way.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { view: 'overview' }
  | { view: 'build'; build: string }
  | { view: 'agent'; build: string; agent: string }
  | { view: 'tokens' }
  | { view: 'feed' }
  | { view: 'not_found'; path: string };

const enc = encodeURIComponent;

export const pagePaths = {
  overview: () => '/',
  build: (build: string) => `/builds/${enc(build)}`,
  agent: (build: string, agent: string) => `/builds/${enc(build)}/agents/${enc(agent)}`,
  tokens: () => '/tokens',
  /** `query` is the feed's filters as a query string, without the `?`. */
  feed: (query = '') => (query ? `/feed?${query}` : '/feed'),
};

export function parseRoute(pathname: string): Route {
  let parts: string[];
  try {
    parts = pathname
      .split('/')
      .filter((p) => p !== '')
      .map((p) => decodeURIComponent(p));
  } catch {
    return { view: 'not_found', path: pathname }; // a malformed %-escape
  }
  const [first, build, third, agent] = parts;
  if (parts.length === 0) return { view: 'overview' };
  if (parts.length === 1 && first === 'tokens') return { view: 'tokens' };
  if (parts.length === 1 && first === 'feed') return { view: 'feed' };
  if (first === 'builds' && build !== undefined) {
    if (parts.length === 2) return { view: 'build', build };
    if (parts.length === 4 && third === 'agents' && agent !== undefined) return { view: 'agent', build, agent };
  }
  return { view: 'not_found', path: pathname };
}

/** Fired on window after pushState/replaceState, which (unlike the back button) fire nothing. */
const NAVIGATED = 'steward:navigated';

/** Goes to `url` without a reload; `replace` keeps it out of the history (a filter being typed). */
export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, '', url);
  else {
    history.pushState(null, '', url);
    window.scrollTo(0, 0);
  }
  window.dispatchEvent(new Event(NAVIGATED));
}

export interface PageLocation {
  pathname: string;
  search: string;
}

const currentLocation = (): PageLocation => ({ pathname: location.pathname, search: location.search });

/** The page's location, re-rendering its component whenever it changes. */
export function useLocation(): PageLocation {
  const [loc, setLoc] = useState(currentLocation);
  useEffect(() => {
    const update = () => setLoc(currentLocation());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return loc;
}

/**
 * Makes every plain click on a link to a page of this dashboard a pushState navigation, so views
 * write ordinary `<a href>`s. A modified click (new tab), a target, or another origin is left to the browser.
 */
export function interceptLinkClicks(): void {
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const link = e.target instanceof Element ? e.target.closest('a') : null;
    if (!(link instanceof HTMLAnchorElement) || link.target || link.hasAttribute('download')) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/vendor/')) {
      return;
    }
    e.preventDefault();
    navigate(url.pathname + url.search);
  });
}
