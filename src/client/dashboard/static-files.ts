/**
 * The page and what it loads: index.html (with the server's token and mode filled in), the
 * compiled views (dist/web/web/*.js, from web/*.ts), the stylesheet, and three libraries straight
 * from node_modules (Preact, htm, uPlot). Only those paths are served: a path that leaves its
 * folder, or names another package, is not found.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';

/** The repository (or installed package) root: this file is in src/client/dashboard or dist/client/dashboard. */
const ROOT = join(__dirname, '..', '..', '..');

export const VENDOR_PACKAGES = ['preact', 'htm', 'uplot'] as const;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/** `relative` inside `base`, or null when it would leave it. */
function inside(base: string, relative: string): string | null {
  const path = normalize(join(base, relative));
  return path.startsWith(base + sep) ? path : null;
}

/** Where a package is installed: node_modules of the root or of a folder above it (a hoisted install). */
function packageDir(name: string): string | null {
  for (let dir = ROOT; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** The file a static URL path names, or null. */
export function staticPath(urlPath: string): string | null {
  const vendor = /^\/vendor\/([a-z]+)\/(.+)$/.exec(urlPath);
  if (vendor) {
    const [, name, rest] = vendor;
    if (!(VENDOR_PACKAGES as readonly string[]).includes(name!)) return null;
    const dir = packageDir(name!);
    return dir === null ? null : inside(dir, decodeURIComponent(rest!));
  }
  const app = /^\/app\/([A-Za-z0-9._-]+)$/.exec(urlPath);
  if (app) {
    const file = app[1]!;
    return extname(file) === '.css' ? inside(join(ROOT, 'web'), file) : inside(join(ROOT, 'dist', 'web', 'web'), file);
  }
  return null;
}

const cache = new Map<string, StaticFile>();

/** The file, read once and kept (they change only with a new install); null when there is none. */
export async function readStatic(path: string): Promise<StaticFile | null> {
  const kept = cache.get(path);
  if (kept) return kept;
  const contentType = CONTENT_TYPES[extname(path)];
  if (!contentType) return null;
  try {
    const file = { body: await readFile(path), contentType };
    cache.set(path, file);
    return file;
  } catch {
    return null;
  }
}

/** index.html for a page load: this server's token and whether actions are offered. */
export async function indexPage(token: string, readOnly: boolean): Promise<string> {
  const page = await readFile(join(ROOT, 'web', 'index.html'), 'utf8');
  return page.replaceAll('{{TOKEN}}', token).replaceAll('{{READ_ONLY}}', String(readOnly));
}
