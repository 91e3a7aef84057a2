/**
 * The dashboard's HTTP routes: the page (one for every view URL), its JSON views, the push
 * channel, the operator actions and the static files. docs/dashboard.md lists them.
 *
 * Guards, for a server that can pause builds and type into agents' panes: every request must
 * name an allowed host (a DNS-rebinding page names its own); an action needs this server's token,
 * sent in a header only a page loaded from this server can know, from an allowed origin; with
 * `readOnly` there are no actions at all.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { agentView } from '../../core/dashboard/agent-view';
import { buildView } from '../../core/dashboard/build-view';
import { feedLimit, feedPage, parseFeedFilter } from '../../core/dashboard/feed';
import { overviewRow, overviewView } from '../../core/dashboard/overview';
import type { BuildSnapshot, OverviewRow } from '../../core/dashboard/types';
import { tokensView } from '../../core/dashboard/tokens-view';
import { UsageError } from '../load-or-exit';
import { firstLine } from '../render/format';
import { actionCall, isDashboardAction, type ActionCall } from './actions';
import type { BuildBoard } from './board';
import { openPushStream } from './push-stream';
import { indexPage, readStatic, staticPath } from './static-files';

export interface DashboardDeps {
  board: BuildBoard;
  /** This server's token: a page gets it when it loads, an action must carry it. */
  token: string;
  readOnly: boolean;
  /** Host names (no port) a request may be addressed to. */
  allowedHosts: ReadonlySet<string>;
  /** Sends the update; a UsageError is the workflow's refusal (or an unknown build), any other error a failure. */
  runAction(build: string, call: ActionCall): Promise<string>;
  /** The last lines of an agent's pane; null when this host cannot read it. */
  paneOf(build: string, agent: string): Promise<string[] | null>;
  now?: () => number;
}

/** Largest action body read. */
const MAX_BODY_BYTES = 16 << 10;
/** A view computed for the board's version is served again for this long (its idle times move with the clock). */
const VIEW_CACHE_MS = 1000;
const PAGE_PATHS = /^\/(?:|tokens|feed|builds\/[^/]+|builds\/[^/]+\/agents\/[^/]+)$/;

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

function send(res: ServerResponse, status: number, body: string, contentType: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': contentType,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
const failure = (res: ServerResponse, status: number, error: string) => json(res, status, { ok: false, error });

/** The host name a request is addressed to (Host header, port and IPv6 brackets removed). */
export function requestHostName(req: IncomingMessage): string | null {
  const host = req.headers.host;
  if (!host) return null;
  try {
    return new URL(`http://${host}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
}

function sameToken(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A browser names the page's origin on a POST: it must be this server as the request names it. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new UsageError(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError('request body is not JSON');
  }
}

export function dashboardHandler(deps: DashboardDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const now = deps.now ?? Date.now;
  const cached = new Map<string, { version: number; at: number; body: string }>();
  const rows = new Map<string, { version: number; at: number; row: OverviewRow }>();
  /**
   * A build's overview row, recomputed only when that build changed, or (a running build's idle
   * times and cost per hour move with the clock) a second passed: one busy build does not refold the others.
   */
  const cachedRow = (snapshot: BuildSnapshot, t: number): OverviewRow => {
    const version = deps.board.versionOf(snapshot.name);
    const hit = rows.get(snapshot.name);
    const fresh = snapshot.workflowStatus !== 'RUNNING' || t - (hit?.at ?? -Infinity) < VIEW_CACHE_MS;
    if (hit && hit.version === version && fresh) return hit.row;
    const row = overviewRow(snapshot, t);
    rows.set(snapshot.name, { version, at: t, row });
    return row;
  };
  /** A whole-board view, computed at most once per board version and second. */
  const boardView = (key: string, compute: () => unknown): string => {
    const hit = cached.get(key);
    const t = now();
    if (hit && hit.version === deps.board.version && t - hit.at < VIEW_CACHE_MS) return hit.body;
    const body = JSON.stringify(compute());
    cached.set(key, { version: deps.board.version, at: t, body });
    return body;
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]): Promise<void> => {
    const { board } = deps;
    if (req.method === 'POST' && parts[0] === 'builds' && parts[2] === 'actions' && parts.length === 4) {
      return action(req, res, parts[1]!, parts[3]!);
    }
    if (req.method !== 'GET') return failure(res, 405, `${req.method} not allowed on ${url.pathname}`);
    if (parts.length === 1 && parts[0] === 'overview') {
      const body = boardView('overview', () => {
        for (const name of rows.keys()) if (!board.snapshot(name)) rows.delete(name);
        return overviewView(board.snapshots(), now(), cachedRow);
      });
      return send(res, 200, body, 'application/json; charset=utf-8');
    }
    if (parts.length === 1 && parts[0] === 'tokens') {
      const body = boardView('tokens', () => tokensView(board.snapshots(), now()));
      return send(res, 200, body, 'application/json; charset=utf-8');
    }
    if (parts.length === 1 && parts[0] === 'feed') {
      const query = Object.fromEntries(url.searchParams);
      const page = feedPage(board.journal.all(), parseFeedFilter(query), {
        before: query.before || undefined,
        limit: feedLimit(query.limit),
      });
      return json(res, 200, page);
    }
    if (parts.length === 1 && parts[0] === 'stream') return openPushStream(req, res, board, url);
    if (parts[0] === 'builds' && (parts.length === 2 || (parts.length === 4 && parts[2] === 'agents'))) {
      const snapshot = board.snapshot(parts[1]!);
      if (!snapshot) return failure(res, 404, `no build named ${parts[1]}`);
      if (parts.length === 2) return json(res, 200, buildView(snapshot, now()));
      const agent = parts[3]!;
      const view = agentView(snapshot, agent, await deps.paneOf(snapshot.name, agent).catch(() => null), now());
      return view ? json(res, 200, view) : failure(res, 404, `build ${snapshot.name} has no agent ${agent}`);
    }
    return failure(res, 404, `no such route: ${url.pathname}`);
  };

  const action = async (req: IncomingMessage, res: ServerResponse, build: string, name: string): Promise<void> => {
    if (deps.readOnly) return failure(res, 403, 'this dashboard is read-only (started with --read-only)');
    if (!sameToken(req.headers['x-steward-token'], deps.token) || !sameOrigin(req)) {
      return failure(res, 403, "missing or wrong token: actions are taken only from this server's own page");
    }
    if (!isDashboardAction(name)) return failure(res, 404, `no action ${name}`);
    const call = actionCall(name, await readBody(req));
    if ('error' in call) return failure(res, 400, call.error);
    try {
      return json(res, 200, { ok: true, reply: await deps.runAction(build, call) });
    } catch (err) {
      const message = firstLine(err instanceof Error ? err.message : String(err));
      return failure(res, err instanceof UsageError ? 409 : 502, message);
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hostName = requestHostName(req);
    const hosts = deps.allowedHosts;
    if (hostName === null || !hosts.has(hostName)) {
      return failure(res, 403, `requests must be addressed to ${[...hosts].join(' or ')}`);
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname.startsWith('/api/')) {
      const parts = url.pathname.slice(5).split('/').map(decodeURIComponent);
      return api(req, res, url, parts);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return failure(res, 405, `${req.method} not allowed`);
    if (PAGE_PATHS.test(url.pathname)) {
      return send(res, 200, await indexPage(deps.token, deps.readOnly), 'text/html; charset=utf-8');
    }
    const path = staticPath(url.pathname);
    const file = path === null ? null : await readStatic(path);
    if (!file) return failure(res, 404, `not found: ${url.pathname}`);
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.contentType, 'Cache-Control': 'no-cache' });
    res.end(file.body);
  };

  return (req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      const message = firstLine(err instanceof Error ? err.message : String(err));
      failure(res, err instanceof UsageError || err instanceof URIError ? 400 : 500, message);
    });
  };
}
