/**
 * POSIX path arithmetic for config values. Core code is imported by Temporal workflows, which may
 * not use Node built-ins, so this stands in for the few bits of `path` the config needs.
 */

/** Collapses `.`, `..` and repeated slashes; keeps a leading `/`; never climbs above the root. */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  const joined = parts.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/**
 * Resolves a path written in the config: absolute stays, `~/…` goes under `homeDir` (or stays
 * as written when no home is known), anything else is relative to `baseDir`.
 */
export function resolvePath(baseDir: string, path: string, homeDir?: string): string {
  if (path === '~' || path.startsWith('~/'))
    return homeDir === undefined ? path : normalizePath(`${homeDir}/${path.slice(1)}`);
  if (path.startsWith('/')) return normalizePath(path);
  return normalizePath(`${baseDir}/${path}`);
}

/** True when a relative path stays inside the directory it is relative to (no `/x`, no escaping `..`). */
export function staysInside(relative: string): boolean {
  if (relative.startsWith('/') || relative.startsWith('~')) return false;
  const normalized = normalizePath(relative);
  return normalized !== '..' && !normalized.startsWith('../');
}

/** `/a/b/agents.toml` → `agents`. */
export function baseNameWithoutExtension(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** `/a/b/agents.toml` → `/a/b`: the directory an absolute path is in (`/` for the root's entries). */
export function parentDir(path: string): string {
  const normalized = normalizePath(path);
  const cut = normalized.lastIndexOf('/');
  return cut > 0 ? normalized.slice(0, cut) : cut === 0 ? '/' : '.';
}
