import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

export async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Resolves a command name against a PATH string, as execvp would; absolute paths pass through. */
export async function findExecutable(name: string, pathVar: string = process.env.PATH ?? ''): Promise<string | null> {
  if (isAbsolute(name) || name.includes('/')) return (await isExecutable(name)) ? name : null;
  for (const dir of pathVar.split(delimiter).filter(Boolean)) {
    if (await isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}
