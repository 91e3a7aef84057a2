/**
 * The server's JSON routes: their URLs, a GET that throws a readable error, and the build actions
 * (POST with the page's token), which never throw: their outcome is one line to show.
 */
import { actionToken } from './page-meta.js';

const enc = encodeURIComponent;

export const apiPaths = {
  overview: () => '/api/overview',
  build: (build: string) => `/api/builds/${enc(build)}`,
  agent: (build: string, agent: string) => `/api/builds/${enc(build)}/agents/${enc(agent)}`,
  tokens: () => '/api/tokens',
  /** `query` is the feed's query string (filters, `before`, `limit`), without the `?`. */
  feed: (query: string) => (query ? `/api/feed?${query}` : '/api/feed'),
  action: (build: string, action: ActionName) => `/api/builds/${enc(build)}/actions/${action}`,
  stream: () => '/api/stream',
};

/** The server's `{ error }` (or `{ ok: false, error }`) when the body has one. */
function errorOf(body: unknown): string | null {
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string') return body.error;
  return null;
}

async function readJson(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return null;
  }
}

/** GETs a JSON view; throws an Error whose message is the server's error (or the HTTP status). */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  const body = await readJson(res);
  if (!res.ok) throw new Error(errorOf(body) ?? `${res.status} ${res.statusText}`);
  if (body === null) throw new Error(`${path}: the server's answer is not JSON`);
  return body as T;
}

export type ActionName = 'pause' | 'resume' | 'advance' | 'nudge' | 'restart';

export interface ActionOutcome {
  ok: boolean;
  /** The workflow's one-line reply, or what went wrong. */
  text: string;
}

/** POSTs a build action with the page's token. */
export async function postAction(build: string, action: ActionName, body: object): Promise<ActionOutcome> {
  try {
    const res = await fetch(apiPaths.action(build, action), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Steward-Token': actionToken },
      body: JSON.stringify(body),
      cache: 'no-store',
    });
    const answer = await readJson(res);
    const reply = typeof answer === 'object' && answer !== null && 'reply' in answer ? String(answer.reply) : null;
    if (res.ok && errorOf(answer) === null) return { ok: true, text: reply ?? 'done' };
    return { ok: false, text: errorOf(answer) ?? `${res.status} ${res.statusText}` };
  } catch (err) {
    return { ok: false, text: err instanceof Error ? err.message : String(err) };
  }
}
