/**
 * A Claude Code JSONL transcript as readable, greppable text (`steward log`). Pure and total:
 * any text in, entries out, never a throw — transcripts are written by another program, mid-stream.
 *
 * One entry per user prompt, assistant text block, tool call, tool result and turn's usage. An
 * assistant message is written by Claude Code as several lines sharing one `message.id` (one per
 * content block, or growing snapshots of the same blocks): they are merged into one turn, shown
 * where the message first appears, each distinct block once, with the usage of its final line.
 */
import { oneLine } from './format';

export type EntryKind =
  | 'summary'
  | 'user'
  | 'meta'
  | 'assistant'
  | 'thinking'
  | 'tool'
  | 'result'
  | 'usage'
  | 'system'
  | 'error'
  | 'unreadable';

export interface TranscriptEntry {
  kind: EntryKind;
  /** ISO timestamp of the line, or null when it has none. */
  at: string | null;
  /** Full text: prompts and replies as written; tools and results as one line, unshortened. */
  text: string;
  /** Tool name, for `tool` and `result`. */
  tool?: string;
  /** True for a tool result that reported an error. */
  isError?: boolean;
  /** A subagent's (sidechain) line. */
  sidechain?: boolean;
  /** For `usage`: the figures and the model. */
  usage?: { input: number; output: number; cacheWrite: number; cacheRead: number; model: string };
  /** 1-based line number in the file, for `unreadable`. */
  line?: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

interface Turn {
  at: string | null;
  sidechain: boolean;
  blocks: Json[];
  seen: Set<string>;
  usage: Json | null;
  model: string;
  apiError: boolean;
}

type Slot = { entries: TranscriptEntry[] } | { turn: Turn };

/** Parses a whole transcript into entries, in file order. */
export function transcriptEntries(text: string): TranscriptEntry[] {
  const slots: Slot[] = [];
  const turns = new Map<string, Turn>();
  const seenUsers = new Set<string>();
  const toolNames = new Map<string, string>();
  const lines = text.split('\n');

  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      slots.push({ entries: [{ kind: 'unreadable', at: null, text: oneLine(line, 80), line: index + 1 }] });
      return;
    }
    if (!isObject(record)) {
      slots.push({ entries: [{ kind: 'unreadable', at: null, text: oneLine(line, 80), line: index + 1 }] });
      return;
    }
    const at = str(record.timestamp) || null;
    const sidechain = record.isSidechain === true;
    const message = isObject(record.message) ? record.message : null;
    switch (record.type) {
      case 'summary':
        slots.push({ entries: [{ kind: 'summary', at, text: str(record.summary) }] });
        return;
      case 'system': {
        const content = str(record.content) || str(record.subtype);
        if (content) slots.push({ entries: [{ kind: 'system', at, text: content, sidechain }] });
        return;
      }
      case 'assistant': {
        if (!message) return;
        const key = str(message.id) || str(record.requestId) || str(record.uuid) || `line-${index}`;
        let turn = turns.get(key);
        if (!turn) {
          turn = {
            at,
            sidechain,
            blocks: [],
            seen: new Set(),
            usage: null,
            model: str(message.model),
            apiError: record.isApiErrorMessage === true,
          };
          turns.set(key, turn);
          slots.push({ turn });
        }
        const content =
          typeof message.content === 'string'
            ? [{ type: 'text', text: message.content }]
            : Array.isArray(message.content)
              ? message.content
              : [];
        for (const block of content) {
          if (!isObject(block)) continue;
          const signature = JSON.stringify(block);
          if (turn.seen.has(signature)) continue;
          turn.seen.add(signature);
          // A growing snapshot of a text block replaces the shorter one it extends.
          const previous = turn.blocks.findIndex(
            (b) => b.type === 'text' && block.type === 'text' && str(block.text).startsWith(str(b.text)),
          );
          if (previous >= 0) turn.blocks[previous] = block;
          else turn.blocks.push(block);
          if (block.type === 'tool_use' && typeof block.id === 'string') toolNames.set(block.id, str(block.name));
        }
        if (
          isObject(message.usage) &&
          (!turn.usage || num(message.usage.output_tokens) >= num(turn.usage.output_tokens))
        )
          turn.usage = message.usage;
        return;
      }
      case 'user': {
        if (!message) return;
        const uuid = str(record.uuid);
        if (uuid) {
          if (seenUsers.has(uuid)) return;
          seenUsers.add(uuid);
        }
        slots.push({ entries: userEntries(message.content, at, sidechain, record.isMeta === true, toolNames) });
        return;
      }
      default:
        return;
    }
  });

  return slots.flatMap((slot) => ('entries' in slot ? slot.entries : turnEntries(slot.turn)));
}

function userEntries(
  content: unknown,
  at: string | null,
  sidechain: boolean,
  meta: boolean,
  toolNames: Map<string, string>,
): TranscriptEntry[] {
  const kind: EntryKind = meta ? 'meta' : 'user';
  if (typeof content === 'string') return content.trim() ? [{ kind, at, text: content, sidechain }] : [];
  if (!Array.isArray(content)) return [];
  const out: TranscriptEntry[] = [];
  for (const block of content) {
    if (!isObject(block)) continue;
    if (block.type === 'text' && str(block.text).trim()) out.push({ kind, at, text: str(block.text), sidechain });
    else if (block.type === 'image') out.push({ kind, at, text: '[image]', sidechain });
    else if (block.type === 'tool_result') {
      const tool = toolNames.get(str(block.tool_use_id)) ?? '?';
      out.push({
        kind: 'result',
        at,
        tool,
        text: resultText(block.content),
        isError: block.is_error === true,
        sidechain,
      });
    }
  }
  return out;
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isObject(part) ? (part.type === 'text' ? str(part.text) : `[${str(part.type) || 'part'}]`) : ''))
    .filter((s) => s !== '')
    .join('\n');
}

function turnEntries(turn: Turn): TranscriptEntry[] {
  const { at, sidechain } = turn;
  const out: TranscriptEntry[] = [];
  for (const block of turn.blocks) {
    if (block.type === 'text') {
      if (str(block.text).trim())
        out.push({ kind: turn.apiError ? 'error' : 'assistant', at, text: str(block.text), sidechain });
    } else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
      out.push({ kind: 'thinking', at, text: str(block.thinking), sidechain });
    } else if (block.type === 'tool_use' || block.type === 'server_tool_use') {
      out.push({
        kind: 'tool',
        at,
        tool: str(block.name) || '?',
        text: toolInput(str(block.name), block.input),
        sidechain,
      });
    }
  }
  const u = turn.usage;
  if (u && turn.model !== '<synthetic>' && !turn.apiError) {
    out.push({
      kind: 'usage',
      at,
      sidechain,
      text: '',
      usage: {
        input: num(u.input_tokens),
        output: num(u.output_tokens),
        cacheWrite: num(u.cache_creation_input_tokens),
        cacheRead: num(u.cache_read_input_tokens),
        model: turn.model,
      },
    });
  }
  return out;
}

/** Keys shown first, in this order, when a tool's input has them. */
const LEADING_KEYS = [
  'command',
  'file_path',
  'notebook_path',
  'path',
  'pattern',
  'url',
  'query',
  'description',
  'subagent_type',
  'prompt',
];

/**
 * A tool call's input on one line, unshortened: `$ cmd` for Bash, else `key=value` pairs with the
 * telling keys first (so a shortened line keeps them), lists as their length.
 */
export function toolInput(name: string, input: unknown): string {
  if (!isObject(input)) return input === undefined ? '' : oneLine(JSON.stringify(input));
  if (name === 'Bash' && typeof input.command === 'string') {
    const rest = Object.entries(input).filter(([k]) => k !== 'command' && k !== 'description');
    return `${oneLine(`$ ${input.command}`)}${rest.length ? ` [${pairs(rest)}]` : ''}`;
  }
  const keys = Object.keys(input);
  const ordered = [...LEADING_KEYS.filter((k) => keys.includes(k)), ...keys.filter((k) => !LEADING_KEYS.includes(k))];
  if (ordered.length === 1 && typeof input[ordered[0]!] === 'string') return oneLine(input[ordered[0]!] as string);
  return pairs(ordered.map((k) => [k, input[k]]));
}

function pairs(entries: [string, unknown][]): string {
  return entries
    .map(([k, v]) => {
      if (typeof v === 'string') return `${k}=${/^[^\s"=]+$/.test(v) ? v : JSON.stringify(oneLine(v))}`;
      if (Array.isArray(v)) return `${k}=[${v.length} item${v.length === 1 ? '' : 's'}]`;
      return `${k}=${oneLine(JSON.stringify(v) ?? String(v))}`;
    })
    .join(' ');
}

export interface RenderOptions {
  /** Longest tool input or result shown, in characters; Infinity for no limit. Default 200. */
  maxWidth?: number;
}

const LABEL: Record<EntryKind, string> = {
  summary: 'summary',
  user: 'user',
  meta: 'meta',
  assistant: 'assistant',
  thinking: 'thinking',
  tool: 'tool',
  result: 'result',
  usage: 'usage',
  system: 'system',
  error: 'error',
  unreadable: 'unreadable',
};
const LABEL_WIDTH = 10;
/** `HH:MM:SS ` + label + space: where continuation lines of a text start. */
const INDENT = ' '.repeat(9 + LABEL_WIDTH + 1);

/**
 * Entries as text: `HH:MM:SS label text`, a `--- YYYY-MM-DD ---` line whenever the date changes.
 * Prompts and replies are printed whole (continuation lines indented); tool calls, results and
 * thinking are one line each, shortened.
 */
export function renderTranscript(entries: readonly TranscriptEntry[], options: RenderOptions = {}): string[] {
  const max = options.maxWidth ?? 200;
  const out: string[] = [];
  let day = '';
  for (const e of entries) {
    const date = e.at?.slice(0, 10) ?? '';
    if (date && date !== day && /^\d{4}-\d{2}-\d{2}$/.test(date)) {
      out.push(`--- ${date} ---`);
      day = date;
    }
    const time = e.at && /T(\d{2}:\d{2}:\d{2})/.exec(e.at)?.[1];
    const prefix = `${time || '--:--:--'} ${(e.sidechain ? `~${LABEL[e.kind]}` : LABEL[e.kind]).padEnd(LABEL_WIDTH)} `;
    out.push(...(prefix + entryText(e, max, prefix.length)).split('\n').map((l) => l.trimEnd()));
  }
  return out;
}

function entryText(e: TranscriptEntry, max: number, indent: number): string {
  switch (e.kind) {
    case 'user':
    case 'meta':
    case 'assistant':
    case 'error':
    case 'summary':
    case 'system':
      return e.text.replace(/\r?\n/g, `\n${INDENT.slice(0, indent)}`);
    case 'thinking':
      return e.text ? `(${e.text.length} chars) ${oneLine(e.text, Math.min(max, 120))}` : '(redacted)';
    case 'tool':
      return `${e.tool} ${oneLine(e.text, max)}`.trimEnd();
    case 'result': {
      const lines = e.text.split('\n').length;
      const more = lines > 1 ? ` (${lines} lines)` : '';
      return `${e.tool}${e.isError ? ' ERROR' : ''}${more}: ${oneLine(e.text, max)}`.trimEnd();
    }
    case 'usage': {
      const u = e.usage!;
      return `in ${u.input} · out ${u.output} · cache write ${u.cacheWrite} · cache read ${u.cacheRead} · ${u.model || 'unknown model'}`;
    }
    case 'unreadable':
      return `line ${e.line}: ${e.text}`;
  }
}
