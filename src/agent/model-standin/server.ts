import { appendFileSync, readFileSync } from 'node:fs';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ContentBlock,
  errorJson,
  formatReset,
  isMainConversation,
  isWarmup,
  lastTurn,
  messageJson,
  MessagesRequest,
  replyBlocks,
  sseEvents,
  sseFrame,
  workingDirectory,
} from './protocol';
import {
  ActiveMode,
  Failure,
  matchRule,
  parseMode,
  parseStandinScript,
  StandinMode,
  StandinScriptInput,
  StandinUsage,
} from './script';

/** One line of the request log: what was asked and exactly what was answered. */
export interface StandinRequest {
  time: string;
  method: string;
  path: string;
  model: string | null;
  stream: boolean;
  /** False for side calls (titles, warmups, token counts): those never reach the agent's own turns. */
  main: boolean;
  /** Index of the rule that answered, in the script's `on` list; null for a default or failed reply. */
  rule: number | null;
  status: number;
  fail: Failure | null;
  /** The message id and usage returned; null when no message was returned. */
  id: string | null;
  usage: StandinUsage | null;
  /** A main turn's newest user text (what was just typed); null for a tool result or a side call. */
  prompt: string | null;
  /** The agent's working directory as its request states it (tells agents sharing a stand-in apart). */
  cwd: string | null;
  /** A side call that still reaches a transcript: 2.0.x's subagent Warmups, in the session's sidechain files. */
  sidechain: boolean;
}

export interface ModelStandin {
  url: string;
  port: number;
  requests(): StandinRequest[];
  /** Overrides every rule's mode for /v1/messages from now on; null goes back to the script's. */
  setMode(mode: StandinMode | null): void;
  close(): Promise<void>;
}

export interface ModelStandinOptions {
  script?: string | StandinScriptInput;
  scriptFile?: string;
  port?: number;
  host?: string;
  logFile?: string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Starts the stand-in; it speaks the Messages API as Claude Code uses it (ANTHROPIC_BASE_URL=url). */
export async function startModelStandin(opts: ModelStandinOptions): Promise<ModelStandin> {
  const source = opts.script ?? (opts.scriptFile ? readFileSync(opts.scriptFile, 'utf8') : undefined);
  if (source === undefined) throw new Error('startModelStandin needs a script or a scriptFile');
  const script = parseStandinScript(source);
  const log: StandinRequest[] = [];
  const fired = new Set<string>();
  let override: ActiveMode | null = null;
  let requestCount = 0;
  let messageCount = 0;
  let toolCount = 0;

  const record = (entry: Omit<StandinRequest, 'time'>): void => {
    const line = { time: new Date().toISOString(), ...entry };
    log.push(line);
    // Written before the response goes out, so a test that saw the reply also sees its line.
    if (opts.logFile) appendFileSync(opts.logFile, JSON.stringify(line) + '\n');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Claude Code stores this header as the transcript line's requestId.
    res.setHeader('request-id', `req_standin_${++requestCount}`);
    const path = (req.url ?? '/').split('?')[0];
    const rawBody = await readBody(req);
    const base = {
      method: req.method ?? 'GET',
      path,
      rule: null,
      fail: null,
      id: null,
      usage: null,
      prompt: null,
      cwd: null,
      sidechain: false,
    };
    let body: MessagesRequest = {};
    try {
      body = rawBody ? (JSON.parse(rawBody) as MessagesRequest) : {};
    } catch {
      record({ ...base, model: null, stream: false, main: false, status: 400 });
      return sendJson(res, 400, errorJson('invalid_request_error', 'request body is not JSON'));
    }
    const model = typeof body.model === 'string' ? body.model : null;
    const stream = body.stream === true;

    if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      record({ ...base, model, stream, main: false, status: 200 });
      return sendJson(res, 200, { input_tokens: Math.ceil(rawBody.length / 4) });
    }
    if (req.method !== 'POST' || path !== '/v1/messages') {
      record({ ...base, model, stream, main: false, status: 404 });
      return sendJson(
        res,
        404,
        errorJson('not_found_error', `${req.method} ${path} is not served by the model stand-in`),
      );
    }

    const main = isMainConversation(body);
    const said = main ? lastTurn(body) : null;
    // A runtime failure is the service refusing the request: the rule it would have matched keeps its once-gate.
    const turn = !override?.fail ? said : null;
    const cwd = workingDirectory(body);
    const matched = turn ? matchRule(script, turn, fired, cwd) : null;
    const mode: ActiveMode | null = override ?? matched?.rule ?? null;
    if (mode?.delay_ms) await new Promise((r) => setTimeout(r, mode.delay_ms));

    const id = `msg_standin_${++messageCount}`;
    const blocks: ContentBlock[] =
      matched && matched.rule.reply.length > 0
        ? replyBlocks(matched.rule.reply, matched.vars, workingDirectory(body), () => `toolu_standin_${++toolCount}`)
        : [{ type: 'text', text: script.default_text }];
    const usage = main ? (matched?.rule.usage ?? script.usage) : script.side_usage;
    const entry = {
      ...base,
      model,
      stream,
      main,
      cwd,
      sidechain: isWarmup(body),
      rule: matched?.index ?? null,
      prompt: said?.kind === 'text' ? said.text.slice(0, 2000) : null,
    };

    if (mode?.fail === '429' || mode?.fail === '529' || mode?.fail === '429-subscription') {
      const status = mode.fail === '529' ? 529 : 429;
      record({ ...entry, status, fail: mode.fail });
      if (mode.fail === '529') return sendJson(res, 529, errorJson('overloaded_error', 'Overloaded'));
      if (mode.fail === '429')
        return sendJson(
          res,
          429,
          errorJson('rate_limit_error', 'This request would exceed your rate limit (model stand-in).'),
        );
      // The subscription form: Claude Code (signed in to a plan) reads these headers and prints the reset.
      const reset = Math.floor(Date.now() / 1000) + mode.reset_in_s;
      return sendJson(
        res,
        429,
        errorJson('rate_limit_error', `You've hit your 5-hour limit · resets ${formatReset(reset)}`),
        {
          'anthropic-ratelimit-unified-status': 'rejected',
          'anthropic-ratelimit-unified-reset': String(reset),
          'anthropic-ratelimit-unified-representative-claim': 'five_hour',
        },
      );
    }

    const fullModel = model ?? 'claude-standin';
    if (mode?.fail === 'broken') {
      record({ ...entry, status: 200, fail: 'broken', id });
      res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
      // Headers and the start of the message, then the connection drops with no message_stop.
      const start = stream
        ? sseEvents(id, fullModel, blocks, usage).slice(0, 3).map(sseFrame).join('')
        : `{"id":"${id}"`;
      res.write(start, () => res.socket?.destroy());
      return;
    }

    record({ ...entry, status: 200, id, usage });
    if (!stream) return sendJson(res, 200, messageJson(id, fullModel, blocks, usage));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const event of sseEvents(id, fullModel, blocks, usage)) res.write(sseFrame(event));
    res.end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorJson('api_error', String(err)));
      else res.destroy();
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    requests: () => [...log],
    setMode: (mode) => {
      override = mode === null ? null : parseMode(mode);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Claude Code keeps connections alive; without this close() would wait for them.
        server.closeAllConnections();
      }),
  };
}
