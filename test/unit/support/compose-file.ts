/**
 * A reader for docker-compose.temporal.yml. No Docker engine (or `docker compose` plugin) runs
 * here, so the file is read structurally: this repository writes it in a plain subset of YAML
 * (two-space indents, no anchors), which this small reader relies on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
export const compose = readFileSync(join(ROOT, 'docker-compose.temporal.yml'), 'utf8');

export const indentOf = (line: string): number => line.length - line.trimStart().length;
export const isContent = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');

/** The lines under `key:` at `indent`, up to the next key or comment at that indent or less. */
export function block(lines: string[], key: string, indent: number): string[] {
  const start = lines.findIndex((l) => indentOf(l) === indent && l.trimStart().startsWith(`${key}:`));
  if (start < 0) return [];
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && indentOf(line) <= indent) break;
    body.push(line);
  }
  return body;
}

/** Keys directly under a block, at `indent`. */
export function keys(lines: string[], indent: number): string[] {
  return lines
    .filter((l) => isContent(l) && indentOf(l) === indent && /^\s*[\w.-]+:/.test(l))
    .map((l) => l.trim().split(':')[0]);
}

/** `key: value` directly under a block, at `indent`, quotes removed. */
export function scalar(lines: string[], key: string, indent: number): string | undefined {
  const line = lines.find((l) => indentOf(l) === indent && l.trimStart().startsWith(`${key}:`));
  return line
    ?.slice(line.indexOf(':') + 1)
    .trim()
    .replace(/^["']|["']$/g, '');
}

/** Items of a `- item` list under `key`. */
export function list(lines: string[], key: string, indent: number): string[] {
  return block(lines, key, indent)
    .filter(isContent)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('- '))
    .map((l) =>
      l
        .slice(2)
        .trim()
        .replace(/^["']|["']$/g, ''),
    );
}

export const lines = compose.split('\n');
export const services = block(lines, 'services', 0);
export const service = (name: string): string[] => block(services, name, 2);

/** The script of a one-shot service (`command: - |` block), with Compose's `$$` escapes undone. */
export function script(name: string): { raw: string; shell: string } {
  const body = block(service(name), 'command', 4);
  const start = body.findIndex((l) => l.trim() === '- |');
  const scriptLines = body.slice(start + 1);
  const depth = Math.min(...scriptLines.filter(isContent).map(indentOf));
  const raw = scriptLines.map((l) => l.slice(depth)).join('\n');
  return { raw, shell: raw.replace(/\$\$/g, '$') };
}
