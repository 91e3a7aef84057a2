import { isAbsolute, resolve } from 'node:path';
import { render } from '../script';
import type { LastTurn, ReplyContent, StandinUsage } from './script';

/** The parts of an Anthropic Messages API request the stand-in reads. Everything else is ignored. */
export interface MessagesRequest {
  model?: string;
  stream?: boolean;
  max_tokens?: number;
  system?: unknown;
  tools?: unknown[];
  messages?: { role?: string; content?: unknown }[];
}

export type ContentBlock =
  { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, string> };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The texts of a content field: a string, or the `text` of each block. */
function texts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  return Array.isArray(content) ? content.map((b) => (isObject(b) && typeof b.text === 'string' ? b.text : '')) : [];
}

/** The non-empty text blocks of a content field without Claude Code's system reminders. */
function textBlocks(content: unknown): string[] {
  // Reminders carry git status and recent commit subjects: a rule must not match those.
  return texts(content)
    .map((t) => t.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '').trim())
    .filter(Boolean);
}

/**
 * The last user-role message: its tool results if it has any, else its last text block. Claude
 * Code 2.1 may append role "system" messages after it, and after a failed request it merges the
 * next prompt into the same user message, so only the last block is what was just typed.
 */
export function lastTurn(body: MessagesRequest): LastTurn | null {
  const user = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  if (!user) return null;
  const results = Array.isArray(user.content)
    ? user.content.filter((b) => isObject(b) && b.type === 'tool_result')
    : [];
  const typed = textBlocks(user.content).at(-1);
  // A prompt typed after an interrupted tool call (a dialog answered "No") joins its tool_result.
  if (results.length > 0 && (typed === undefined || /^\[Request interrupted/.test(typed))) {
    return { kind: 'tool_result', text: results.map((r) => textBlocks((r as Json).content).join('\n')).join('\n') };
  }
  return { kind: 'text', text: typed ?? '' };
}

/**
 * Whether a request belongs to a conversation that reaches a transcript as the agent's own turns.
 * Side calls offer no tools (titles, topic and file-suggestion prompts on the small model), ask
 * for one token (2.0.x's token-count fallback), or are 2.0.x's "Warmup" of its subagents. Streaming
 * is no sign: after a failed stream 2.0.x repeats the same turn without streaming.
 */
export function isMainConversation(body: MessagesRequest): boolean {
  if (!Array.isArray(body.tools) || body.tools.length === 0 || (body.max_tokens ?? 2) <= 1) return false;
  return !isWarmup(body);
}

/** 2.0.x's subagent "Warmup": a side call, but written to the session's sidechain transcript (agent-*.jsonl). */
export function isWarmup(body: MessagesRequest): boolean {
  const first = body.messages?.find((m) => m.role === 'user');
  return textBlocks(first?.content).join('\n') === 'Warmup';
}

/** The agent's cwd as Claude Code states it in its environment section (system prompt or a system message). */
export function workingDirectory(body: MessagesRequest): string | null {
  const all = [body.system, ...(body.messages ?? []).map((m) => m.content)].flatMap(texts).join('\n');
  return /(?:Primary working directory|Working directory): (\/[^\n]*)/.exec(all)?.[1] ?? null;
}

/** Turns a rule's reply into content blocks; `toolId` names each tool_use. */
export function replyBlocks(
  reply: ReplyContent[],
  vars: Record<string, string>,
  cwd: string | null,
  toolId: () => string,
): ContentBlock[] {
  return reply.map((c): ContentBlock => {
    if ('text' in c) return { type: 'text', text: render(c.text, vars) };
    if ('bash' in c) {
      const command = render(c.bash, vars);
      return {
        type: 'tool_use',
        id: toolId(),
        name: 'Bash',
        input: { command, description: c.description ?? command.slice(0, 60) },
      };
    }
    // Claude Code's Write tool rejects a relative file_path.
    const path = render(c.write, vars);
    const file_path = isAbsolute(path) || cwd === null ? path : resolve(cwd, path);
    return { type: 'tool_use', id: toolId(), name: 'Write', input: { file_path, content: render(c.content, vars) } };
  });
}

export function apiUsage(u: StandinUsage) {
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cache_creation,
    cache_read_input_tokens: u.cache_read,
    output_tokens: u.output,
  };
}

export function stopReason(blocks: ContentBlock[]): 'tool_use' | 'end_turn' {
  return blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
}

/** The non-streaming response body. */
export function messageJson(id: string, model: string, blocks: ContentBlock[], usage: StandinUsage) {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: blocks,
    stop_reason: stopReason(blocks),
    stop_sequence: null,
    usage: apiUsage(usage),
  };
}

export interface SseEvent {
  event: string;
  data: Json;
}

/**
 * The event sequence of a streamed reply, in the API's order. message_start carries the input and
 * cache counts with output_tokens 1, and message_delta the final output_tokens, as the API does:
 * Claude Code writes the merged usage to its transcript.
 */
export function sseEvents(id: string, model: string, blocks: ContentBlock[], usage: StandinUsage): SseEvent[] {
  const ev = (type: string, rest: Json = {}): SseEvent => ({ event: type, data: { type, ...rest } });
  const events = [
    ev('message_start', {
      message: {
        ...messageJson(id, model, [], usage),
        stop_reason: null,
        usage: { ...apiUsage(usage), output_tokens: 1 },
      },
    }),
  ];
  blocks.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      if (index === 0) events.push(ev('ping'));
      events.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } }));
    } else {
      events.push(ev('content_block_start', { index, content_block: { ...block, input: {} } }));
      if (index === 0) events.push(ev('ping'));
      events.push(
        ev('content_block_delta', {
          index,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
        }),
      );
    }
    events.push(ev('content_block_stop', { index }));
  });
  events.push(
    ev('message_delta', {
      delta: { stop_reason: stopReason(blocks), stop_sequence: null },
      usage: { output_tokens: usage.output },
    }),
  );
  events.push(ev('message_stop'));
  return events;
}

export function sseFrame(e: SseEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/** Anthropic's error body. */
export function errorJson(type: string, message: string) {
  return { type: 'error', error: { type, message } };
}

/**
 * A reset time as Claude Code 2.x formats it (its function, re-done with an explicit zone): the
 * time within a day ("3pm", "3:30pm"), else month, day and time; then the zone: "3pm (UTC)".
 */
export function formatReset(
  resetEpochS: number,
  now: Date = new Date(),
  timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone,
): string {
  const at = new Date(resetEpochS * 1000);
  const minute =
    Number(new Intl.DateTimeFormat('en-US', { timeZone, minute: 'numeric' }).format(at)) === 0
      ? undefined
      : ('2-digit' as const);
  const text =
    at.getTime() - now.getTime() > 24 * 3600_000
      ? at.toLocaleString('en-US', { timeZone, month: 'short', day: 'numeric', hour: 'numeric', minute, hour12: true })
      : at.toLocaleTimeString('en-US', { timeZone, hour: 'numeric', minute, hour12: true });
  return `${text.replace(/ ([AP]M)/i, (_, ap: string) => ap.toLowerCase())} (${timeZone})`;
}
