/**
 * What the server wrote into the page for this session: the action token and whether the
 * dashboard is read-only. The server replaces the meta tags' placeholders when it serves index.html.
 */

function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
}

/** The token actions must carry (`X-Steward-Token`); never put in a URL or shown. */
export const actionToken = meta('steward-token');

/** Read-only dashboards render no action controls at all. */
export const readOnly = meta('steward-read-only') !== 'false';
