/**
 * The dashboard's routes on a real HTTP server (port 0) over a board fed by hand: the guards
 * (host, token, origin, read-only), the actions as updates, the views, and the push channel's
 * resume from an event id without gaps or duplicates.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { BuildBoard, listedBuild } from '../../src/client/dashboard/board';
import type { ActionCall } from '../../src/client/dashboard/actions';
import { dashboardHandler, type DashboardDeps } from '../../src/client/dashboard/routes';
import { allowedHosts } from '../../src/client/dashboard/server';
import { UsageError } from '../../src/client/load-or-exit';
import type { StewardEvent } from '../../src/core/events';

const TOKEN = 'the-token';
const ev = (seq: number, type: StewardEvent['type'] = 'ping_sent', agent = 'builder'): StewardEvent => ({
  seq,
  at: 1_000_000 + seq * 1000,
  type,
  agent,
  message: `event ${seq}`,
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let port: number;
let board: BuildBoard;
let calls: { build: string; call: ActionCall }[];
let deps: DashboardDeps;

function call(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const post = (path: string, body: unknown, headers: Record<string, string> = { 'X-Steward-Token': TOKEN }) =>
  call('POST', path, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(body));

/** Opens the push channel and collects its messages until `until` says enough. */
function stream(
  headers: Record<string, string>,
  until: (messages: { id?: string; event: string; data: string }[]) => boolean,
) {
  return new Promise<{ id?: string; event: string; data: string }[]>((resolve, reject) => {
    const messages: { id?: string; event: string; data: string }[] = [];
    let buffer = '';
    const req = request({ host: '127.0.0.1', port, path: '/api/stream', headers }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((l) => !l.startsWith(':') && l.includes(': '))
              .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]),
          );
          if (fields.event) messages.push({ id: fields.id, event: fields.event, data: fields.data });
        }
        if (until(messages)) {
          req.destroy();
          resolve(messages);
        }
      });
    });
    req.on('error', (err) => (err.message.includes('aborted') ? undefined : reject(err)));
    req.end();
  });
}

beforeEach(async () => {
  board = new BuildBoard();
  board.put('demo', {}, () => listedBuild('demo', 'build/demo', 'RUNNING'));
  board.addEvents('demo', [ev(1, 'build_started'), ev(2)]);
  calls = [];
  deps = {
    board,
    token: TOKEN,
    readOnly: false,
    allowedHosts: new Set(['127.0.0.1', 'localhost']),
    runAction: async (build, c) => {
      calls.push({ build, call: c });
      if (c.update.name === 'advance') throw new UsageError('no phase to advance: the sequence is complete');
      return `${c.update.name} done`;
    },
    paneOf: async () => ['$ npm test', 'ok'],
    now: () => 2_000_000,
  };
  server = createServer((req, res) => dashboardHandler(deps)(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  board.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('guards', () => {
  it('an action without the token, or with a wrong one, is refused (403) and sends nothing', async () => {
    expect((await post('/api/builds/demo/actions/pause', {}, {})).status).toBe(403);
    expect((await post('/api/builds/demo/actions/pause', {}, { 'X-Steward-Token': 'guess' })).status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('an action from another origin is refused even with the token', async () => {
    const r = await post(
      '/api/builds/demo/actions/pause',
      {},
      { 'X-Steward-Token': TOKEN, Origin: 'http://evil.example' },
    );
    expect(r.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it("listening on every interface adds this machine's own names, never any name", () => {
    const wildcard = allowedHosts('0.0.0.0');
    expect(wildcard.has(hostname())).toBe(true);
    expect(wildcard.has('127.0.0.1')).toBe(true);
    expect(wildcard.has('evil.example')).toBe(false);
    expect(allowedHosts('127.0.0.1').has(hostname())).toBe(false);
  });

  it('a request addressed to another host name (DNS rebinding) is refused', async () => {
    const r = await call('GET', '/api/overview', { Host: `evil.example:${port}` });
    expect(r.status).toBe(403);
  });

  it('read-only: actions are refused and the page says so', async () => {
    deps.readOnly = true;
    const r = await post('/api/builds/demo/actions/resume', {});
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error).toMatch(/read-only/);
    const page = await call('GET', '/builds/demo');
    expect(page.body).toContain('content="true"');
    expect(page.body).not.toContain('{{TOKEN}}');
  });

  it('the page carries the token and forbids framing', async () => {
    const page = await call('GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain(`content="${TOKEN}"`);
    expect(page.headers['x-frame-options']).toBe('DENY');
  });
});

describe('actions', () => {
  it('each action is the CLI update with its arguments, and the reply comes back', async () => {
    const pause = await post('/api/builds/demo/actions/pause', { reason: 'lunch' });
    expect(JSON.parse(pause.body)).toEqual({ ok: true, reply: 'pause done' });
    await post('/api/builds/demo/actions/nudge', { agent: 'builder', text: 'pull main' });
    await post('/api/builds/demo/actions/restart', { agent: 'builder' });
    await post('/api/builds/demo/actions/resume', {});
    expect(calls.map((c) => [c.build, c.call.update.name, c.call.args])).toEqual([
      ['demo', 'pause', ['lunch']],
      ['demo', 'nudge', [{ agent: 'builder', message: 'pull main' }]],
      ['demo', 'restart', [{ agent: 'builder' }]],
      ['demo', 'resume', []],
    ]);
  });

  it("the workflow's refusal is a 409 with its reason; a bad body a 400; an unknown action a 404", async () => {
    const refused = await post('/api/builds/demo/actions/advance', {});
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.body).error).toMatch(/sequence is complete/);
    expect((await post('/api/builds/demo/actions/nudge', { agent: 'a b; rm' })).status).toBe(400);
    expect((await post('/api/builds/demo/actions/nudge', {})).status).toBe(400);
    expect((await post('/api/builds/demo/actions/explode', {})).status).toBe(404);
    const notJson = await call('POST', '/api/builds/demo/actions/resume', { 'X-Steward-Token': TOKEN }, '{oops');
    expect(notJson.status).toBe(400);
  });
});

describe('views', () => {
  it('overview, build, agent (with its pane), tokens and feed answer JSON; unknown names are 404', async () => {
    const overview = JSON.parse((await call('GET', '/api/overview')).body);
    expect(overview.builds.map((b: { build: string }) => b.build)).toEqual(['demo']);
    const build = JSON.parse((await call('GET', '/api/builds/demo')).body);
    expect(build.events.map((e: StewardEvent) => e.seq)).toEqual([2, 1]);
    expect((await call('GET', '/api/builds/nope')).status).toBe(404);
    expect((await call('GET', '/api/tokens')).status).toBe(200);
    const feed = JSON.parse((await call('GET', '/api/feed?type=ping_sent')).body);
    expect(feed.events.map((e: { seq: number }) => e.seq)).toEqual([2]);
  });

  it('static files: only the three libraries and the app folder', async () => {
    expect((await call('GET', '/vendor/preact/dist/preact.mjs')).status).toBe(200);
    expect((await call('GET', '/vendor/preact/../../package.json')).status).toBe(404);
    expect((await call('GET', '/vendor/jest/package.json')).status).toBe(404);
    expect((await call('GET', '/vendor/preact/%2e%2e/%2e%2e/package.json')).status).toBe(404);
  });
});

describe('push channel', () => {
  it('a new event is pushed with its id, then a changed message names its build', async () => {
    const got = stream({}, (m) => m.some((x) => x.event === 'changed'));
    await new Promise((r) => setTimeout(r, 50));
    board.addEvents('demo', [ev(3, 'gate_claimed')]);
    const messages = await got;
    const event = messages.find((m) => m.event === 'event')!;
    expect(JSON.parse(event.data)).toMatchObject({ build: 'demo', seq: 3, type: 'gate_claimed', id: event.id });
    expect(JSON.parse(messages.find((m) => m.event === 'changed')!.data)).toEqual({ builds: ['demo'] });
  });

  it('resuming from an id replays exactly the missed events, then live ones, none twice', async () => {
    const [first] = board.journal.all();
    board.addEvents('demo', [ev(3), ev(4)]);
    const got = stream({ 'Last-Event-ID': first!.id }, (m) => m.filter((x) => x.event === 'event').length >= 4);
    await new Promise((r) => setTimeout(r, 50));
    board.addEvents('demo', [ev(4), ev(5)]); // 4 again: a repeat from the other source
    const seqs = (await got).filter((m) => m.event === 'event').map((m) => JSON.parse(m.data).seq);
    expect(seqs).toEqual([2, 3, 4, 5]);
  });

  it('an id from another server run gets a reset', async () => {
    const messages = await stream({ 'Last-Event-ID': 'deadbeef.3' }, (m) => m.length >= 1);
    expect(messages[0]!.event).toBe('reset');
  });
});
