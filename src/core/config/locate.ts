/**
 * Finds the line that defines a TOML path, so `config check` can say `agents.toml:14: agent[1].backend: …`.
 * Best effort over text that smol-toml has already accepted: it follows headers, arrays of tables,
 * dotted keys, inline tables and arrays (also across lines), and skips strings and comments. A path
 * it cannot place (a default that was never written) falls back to its nearest written ancestor.
 */
import type { PathSegment } from './issues';
import { tomlPath } from './issues';

export function lineLocator(text: string): (path: string) => number | undefined {
  const lines = definitionLines(text);
  return (path) => {
    for (let at: string | undefined = path; at !== undefined; at = parentPath(at)) {
      const line = lines.get(at);
      if (line !== undefined) return line;
    }
    return undefined;
  };
}

/** "agent[1].wake.interval" → "agent[1].wake" → "agent[1]" → "agent" → undefined. */
function parentPath(path: string): string | undefined {
  const stripped = path.replace(/(?:\.(?:"(?:[^"\\]|\\.)*"|[^."[]+)|\[\d+\])$/, '');
  return stripped === path || stripped === '' ? undefined : stripped;
}

const BARE_KEY_CHAR = /[A-Za-z0-9_-]/;

function definitionLines(text: string): Map<string, number> {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) line++;
    return line + 1;
  };

  const found = new Map<string, number>();
  const note = (segments: PathSegment[], offset: number) => {
    const path = tomlPath(segments);
    if (!found.has(path)) found.set(path, lineAt(offset));
  };
  let pos = 0;

  const skipBlank = (acrossLines: boolean) => {
    while (pos < text.length) {
      const c = text[pos];
      if (c === ' ' || c === '\t' || c === '\r' || (acrossLines && c === '\n')) pos++;
      else if (c === '#') while (pos < text.length && text[pos] !== '\n') pos++;
      else break;
    }
  };

  const skipString = () => {
    const quote = text[pos];
    const triple = text.startsWith(quote.repeat(3), pos);
    const close = triple ? quote.repeat(3) : quote;
    pos += close.length;
    while (pos < text.length && !text.startsWith(close, pos)) pos += quote === '"' && text[pos] === '\\' ? 2 : 1;
    pos += close.length;
    // A multi-line string may end with up to two extra quotes ("""a""""").
    while (triple && text[pos] === quote) pos++;
  };

  const readKey = (): string => {
    if (text[pos] === '"' || text[pos] === "'") {
      const start = pos;
      skipString();
      const quoted = text.slice(start, pos);
      try {
        return quoted.startsWith('"') ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
      } catch {
        return quoted.slice(1, -1);
      }
    }
    const start = pos;
    while (pos < text.length && BARE_KEY_CHAR.test(text[pos])) pos++;
    return text.slice(start, pos);
  };

  const readDottedKey = (): string[] => {
    const keys = [readKey()];
    for (skipBlank(false); text[pos] === '.'; skipBlank(false)) {
      pos++;
      skipBlank(false);
      keys.push(readKey());
    }
    return keys;
  };

  const readValue = (at: PathSegment[]) => {
    skipBlank(false);
    const c = text[pos];
    if (c === '"' || c === "'") skipString();
    else if (c === '[') {
      pos++;
      for (let index = 0; ; index++) {
        skipBlank(true);
        if (pos >= text.length || text[pos] === ']') break;
        note([...at, index], pos);
        readValue([...at, index]);
        skipBlank(true);
        if (text[pos] === ',') pos++;
      }
      pos++;
    } else if (c === '{') {
      pos++;
      for (skipBlank(false); pos < text.length && text[pos] !== '}'; skipBlank(false)) {
        readKeyValue(at);
        skipBlank(false);
        if (text[pos] === ',') pos++;
      }
      pos++;
    } else while (pos < text.length && !',]}\n#'.includes(text[pos])) pos++;
  };

  const readKeyValue = (table: PathSegment[]) => {
    const start = pos;
    const keys = readDottedKey();
    for (let depth = 1; depth <= keys.length; depth++) note([...table, ...keys.slice(0, depth)], start);
    skipBlank(false);
    if (text[pos] === '=') pos++;
    readValue([...table, ...keys]);
  };

  const arrayLengths = new Map<string, number>();
  let table: PathSegment[] = [];
  const readHeader = () => {
    const start = pos;
    const isArray = text.startsWith('[[', pos);
    pos += isArray ? 2 : 1;
    skipBlank(false);
    const keys = readDottedKey();
    pos = text.indexOf('\n', pos) === -1 ? text.length : text.indexOf('\n', pos);
    // Each prefix that is an array of tables refers to its latest entry.
    const segments: PathSegment[] = [];
    keys.forEach((key, i) => {
      segments.push(key);
      const length = arrayLengths.get(tomlPath(segments));
      if (isArray && i === keys.length - 1) {
        arrayLengths.set(tomlPath(segments), (length ?? 0) + 1);
        segments.push(length ?? 0);
      } else if (length !== undefined) segments.push(length - 1);
    });
    for (let depth = 1; depth <= segments.length; depth++) note(segments.slice(0, depth), start);
    table = segments;
  };

  for (skipBlank(true); pos < text.length; skipBlank(true)) {
    const before = pos;
    if (text[pos] === '[') readHeader();
    else readKeyValue(table);
    if (pos === before) pos++;
  }
  return found;
}
