import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** The names of a dir's entries that `keep` accepts, sorted; none when the dir cannot be read (absent, not a dir). */
async function entryNames(dir: string, keep: (e: Dirent) => boolean): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter(keep)
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** The `.jsonl` files directly in a dir, sorted by path. */
export async function jsonlIn(dir: string): Promise<string[]> {
  return (await entryNames(dir, (e) => e.isFile() && e.name.endsWith('.jsonl'))).map((name) => path.join(dir, name));
}

/** The names of a dir's subdirectories, sorted. */
export async function subdirNames(dir: string): Promise<string[]> {
  return entryNames(dir, (e) => e.isDirectory());
}
