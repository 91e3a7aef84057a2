/**
 * Keys the original agents.py read that Steward has no use for. A driver-era file must load
 * unchanged, so they are accepted (see `driverOnly` in raw-schema.ts), but the operator is told
 * they do nothing rather than left to believe they do.
 */
import type { ConfigIssue, PathSegment } from './issues';
import { tomlPath } from './issues';
import { asTable, tablesIn } from './raw-access';

export function driverOnlyKeyWarnings(raw: unknown): ConfigIssue[] {
  const root = asTable(raw);
  const found: PathSegment[][] = [];
  const look = (table: unknown, key: string, at: PathSegment[]) => {
    if (asTable(table)[key] !== undefined) found.push([...at, key]);
  };
  for (const [name, backend] of Object.entries(asTable(root.backend)))
    look(backend, 'prompt_delivery', ['backend', name]);
  look(root.defaults, 'model', ['defaults']);
  for (const [index, agent] of tablesIn(root.agent)) look(agent, 'model', ['agent', index]);
  for (const [index, phase] of tablesIn(asTable(root.loop).phases)) look(phase, 'model', ['loop', 'phases', index]);
  return found.map((segments) => ({
    path: tomlPath(segments),
    message: `\`${String(segments[segments.length - 1])}\` is an agents.py setting that Steward does not use; it is ignored`,
  }));
}
