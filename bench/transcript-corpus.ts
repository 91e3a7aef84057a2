/**
 * A synthetic Claude Code config dir for the scanning bench: realistic line shapes and sizes
 * (user prompts, large tool results, assistant responses streamed as 1–3 growing snapshots,
 * exact duplicate lines, lines without requestId, subagents that replay a parent message under a
 * new requestId, resumed sessions that repeat earlier messages, summary/system/error lines).
 *
 * While writing it computes the expected totals under two rules, so the bench can say not only
 * whether two tools agree but which one is right:
 * - steward: one count per message.id (else requestId), at its largest snapshot;
 * - ccusage 17.2.1: the first line per `${message.id}:${requestId}`, in files sorted by their
 *   earliest timestamp; lines without a requestId are never deduplicated.
 * Files are written in timestamp order (a session, then its subagents, then its resumption), so
 * generation order is the order ccusage reads them in.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Totals {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

export interface Corpus {
  dir: string;
  bytes: number;
  files: number;
  lines: number;
  messages: number;
  expected: { steward: Totals; ccusage: Totals };
}

interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

interface Message {
  id: string;
  requestId: string | null;
  model: string;
  final: Usage;
  /** The complete lines written for it, final snapshot last (resumptions repeat that one). */
  finalLine: string;
}

const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101', 'claude-sonnet-4-20250514'];
const SUBAGENT_MODEL = 'claude-haiku-4-5-20251001';
const WORDS = (
  'the of and to in is that for it as with was on be by this are or from at which an but not have has had ' +
  'function const return import export interface type string number async await error file path test build ' +
  'commit branch merge workflow activity worker signal query update timer state token usage ledger transcript'
).split(' ');

/** mulberry32: a small seeded PRNG, so every run writes the same corpus. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateCorpus(dir: string, targetBytes: number, seed = 42): Corpus {
  const rand = prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  // One long text to slice filler from: cheap, and varied enough to look like prose and code.
  const text = Array.from({ length: 200_000 }, () => pick(WORDS)).join(' ');
  const filler = (n: number): string => {
    const at = int(0, text.length - n - 1);
    return text.slice(at, at + n);
  };
  let clock = Date.parse('2025-10-01T08:00:00.000Z');
  const ts = (): string => new Date((clock += int(1, 20) * 1000)).toISOString();
  let counter = 0;
  const id = (prefix: string): string =>
    `${prefix}_${(++counter).toString(36).padStart(10, '0')}${Math.floor(rand() * 1e9).toString(36)}`;
  const uuid = (): string => {
    const h = (n: number): string => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
    return `${h(8)}-${h(4)}-4${h(3)}-8${h(3)}-${h(12)}`;
  };

  const steward: Totals = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
  const ccusage: Totals = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
  const ccusageSeen = new Set<string>();
  const add = (t: Totals, u: Usage): void => {
    t.input += u.input_tokens;
    t.output += u.output_tokens;
    t.cacheWrite += u.cache_creation_input_tokens;
    t.cacheRead += u.cache_read_input_tokens;
  };
  /** What ccusage counts for one written assistant line. */
  const ccusageLine = (m: { id: string; requestId: string | null }, u: Usage): void => {
    if (m.requestId === null) return add(ccusage, u);
    const hash = `${m.id}:${m.requestId}`;
    if (ccusageSeen.has(hash)) return;
    ccusageSeen.add(hash);
    add(ccusage, u);
  };

  let bytes = 0;
  let files = 0;
  let lines = 0;
  let messages = 0;

  const base = (sessionId: string, sidechain: boolean): Record<string, unknown> => ({
    parentUuid: uuid(),
    isSidechain: sidechain,
    userType: 'external',
    cwd: '/home/dev/project',
    sessionId,
    version: '2.0.14',
    gitBranch: 'main',
  });

  const assistantLine = (
    sessionId: string,
    sidechain: boolean,
    m: { id: string; requestId: string | null; model: string },
    u: Usage,
    content: unknown[],
  ): string => {
    const line: Record<string, unknown> = {
      ...base(sessionId, sidechain),
      type: 'assistant',
      uuid: uuid(),
      timestamp: ts(),
    };
    if (m.requestId !== null) line.requestId = m.requestId;
    line.message = {
      id: m.id,
      type: 'message',
      role: 'assistant',
      model: m.model,
      content,
      stop_reason: null,
      stop_sequence: null,
      usage: { ...u, service_tier: 'standard' },
    };
    return JSON.stringify(line);
  };

  const userLine = (sessionId: string, sidechain: boolean): string => {
    const toolResult = rand() < 0.7;
    const content = toolResult
      ? [
          {
            tool_use_id: id('toolu'),
            type: 'tool_result',
            content: filler(rand() < 0.05 ? int(5000, 20000) : int(100, 3000)),
          },
        ]
      : filler(int(40, 600));
    return JSON.stringify({
      ...base(sessionId, sidechain),
      type: 'user',
      message: { role: 'user', content },
      uuid: uuid(),
      timestamp: ts(),
    });
  };

  /** One response: 1–3 lines with the same message.id and requestId, output growing. */
  const respond = (out: string[], sessionId: string, sidechain: boolean, model: string, context: number): Message => {
    const requestId = rand() < 0.02 ? null : id('req');
    const m = { id: id('msg'), requestId, model };
    const creation = rand() < 0.6 ? int(100, 6000) : 0;
    const oneHour = rand() < 0.2 ? creation : 0;
    const finalOutput = int(20, 2000);
    const snapshots = rand() < 0.5 ? 1 : int(2, 3);
    let finalLine = '';
    let last: Usage | undefined;
    for (let s = 1; s <= snapshots; s++) {
      const u: Usage = {
        input_tokens: int(1, 8),
        output_tokens: s === snapshots ? finalOutput : Math.max(1, Math.floor((finalOutput * s) / (snapshots + 1))),
        cache_creation_input_tokens: creation,
        cache_read_input_tokens: context,
        cache_creation: { ephemeral_5m_input_tokens: creation - oneHour, ephemeral_1h_input_tokens: oneHour },
      };
      if (last) u.input_tokens = last.input_tokens; // only output grows between snapshots
      const block =
        rand() < 0.5
          ? { type: 'text', text: filler(int(20, 800)) }
          : {
              type: 'tool_use',
              id: id('toolu'),
              name: pick(['Bash', 'Read', 'Edit', 'Grep']),
              input: { command: filler(int(20, 300)) },
            };
      finalLine = assistantLine(sessionId, sidechain, m, u, [block]);
      out.push(finalLine);
      ccusageLine(m, u);
      last = u;
    }
    // Exact duplicate lines happen (rewrites, retries).
    if (rand() < 0.03) {
      out.push(finalLine);
      ccusageLine(m, last!);
    }
    add(steward, last!);
    messages += 1;
    return { ...m, final: last!, finalLine };
  };

  const writeFile = (file: string, out: string[]): void => {
    mkdirSync(path.dirname(file), { recursive: true });
    const body = out.join('\n') + '\n';
    writeFileSync(file, body);
    bytes += Buffer.byteLength(body);
    files += 1;
    lines += out.length;
  };

  const conversation = (
    out: string[],
    sessionId: string,
    sidechain: boolean,
    turns: number,
    model: () => string,
    done: Message[],
  ): void => {
    let context = int(8000, 20000);
    for (let turn = 0; turn < turns; turn++) {
      out.push(userLine(sessionId, sidechain));
      done.push(respond(out, sessionId, sidechain, model(), context));
      context = Math.min(190_000, context + int(200, 3000)); // below ccusage's 200k tiered-price threshold
      if (rand() < 0.01) {
        out.push(
          JSON.stringify({
            ...base(sessionId, sidechain),
            type: 'system',
            subtype: 'informational',
            content: 'Conversation compacted',
            level: 'info',
            uuid: uuid(),
            timestamp: ts(),
          }),
        );
      }
      if (rand() < 0.003) {
        // API errors: <synthetic>, zero usage; neither tool counts tokens for them.
        const text =
          rand() < 0.5
            ? `Claude AI usage limit reached|${Math.floor(clock / 1000) + 3600}`
            : 'API Error: 500 Internal server error';
        out.push(
          JSON.stringify({
            ...base(sessionId, sidechain),
            type: 'assistant',
            uuid: uuid(),
            timestamp: ts(),
            isApiErrorMessage: true,
            message: {
              id: uuid(),
              model: '<synthetic>',
              role: 'assistant',
              type: 'message',
              content: [{ type: 'text', text }],
              usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
            },
          }),
        );
      }
    }
  };

  const projects = ['-home-dev-steward', '-home-dev-api-server', '-home-dev-web-client', '-home-dev-infra'];
  while (bytes < targetBytes) {
    const project = path.join(dir, 'projects', pick(projects));
    const sessionId = uuid();
    const model = pick(MODELS);
    const out = [JSON.stringify({ type: 'summary', summary: filler(60), leafUuid: uuid() })];
    const done: Message[] = [];
    conversation(out, sessionId, false, int(150, 700), () => (rand() < 0.9 ? model : pick(MODELS)), done);
    writeFile(path.join(project, `${sessionId}.jsonl`), out);

    for (let a = rand() < 0.3 ? int(1, 3) : 0; a > 0; a--) {
      // A subagent first replays a parent message under a new requestId (same message.id).
      const parent = pick(done);
      const replay = { ...parent, requestId: id('req') };
      const sub = [
        userLine(sessionId, true),
        assistantLine(sessionId, true, replay, parent.final, [{ type: 'text', text: filler(200) }]),
      ];
      ccusageLine(replay, parent.final);
      conversation(sub, sessionId, true, int(10, 80), () => SUBAGENT_MODEL, []);
      writeFile(path.join(project, sessionId, 'subagents', `agent-${uuid().slice(0, 8)}.jsonl`), sub);
    }

    if (rand() < 0.15) {
      // A resumed session repeats the tail of the old one, then goes on.
      const resumedId = uuid();
      const resumed = [JSON.stringify({ type: 'summary', summary: filler(60), leafUuid: uuid() })];
      for (const m of done.slice(-int(5, 30))) {
        resumed.push(m.finalLine);
        ccusageLine(m, m.final);
      }
      conversation(resumed, resumedId, false, int(20, 200), () => model, []);
      writeFile(path.join(project, `${resumedId}.jsonl`), resumed);
    }
  }
  return { dir, bytes, files, lines, messages, expected: { steward, ccusage } };
}

/** More lines for an existing session file, for the incremental tick: about `targetBytes`. */
export function appendLines(sessionId: string, targetBytes: number, seed = 7): string {
  const rand = prng(seed);
  const out: string[] = [];
  let size = 0;
  for (let n = 0; size < targetBytes; n++) {
    const line = JSON.stringify({
      type: 'assistant',
      sessionId,
      requestId: `req_append_${n}`,
      uuid: `append-${n}`,
      timestamp: new Date(Date.parse('2026-01-01T00:00:00Z') + n * 1000).toISOString(),
      message: {
        id: `msg_append_${n}`,
        model: MODELS[0],
        role: 'assistant',
        content: [{ type: 'text', text: 'x'.repeat(500 + Math.floor(rand() * 1500)) }],
        usage: { input_tokens: 3, output_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 1000 },
      },
    });
    out.push(line);
    size += line.length + 1;
  }
  return out.join('\n') + '\n';
}
