/**
 * The lessons file (`[learning] lessons_file`, default `<config dir>/.steward/lessons.toml`): a
 * readable, diff-friendly TOML file of `[[lesson]]` tables, read by the activity that types a
 * kickoff and by `steward lessons`, written by `steward lessons` (atomically: a reader sees the old
 * file or the new one, never half of one). A file that is not there holds no lessons; one that is
 * broken is a `LessonsFileError` naming the file, the line and the TOML path.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseLessonsText, renderLessonsToml } from '../core/learning/lessons';
import type { Lesson } from '../core/learning/types';
import { writeFileAtomically } from './atomic-file';
import { formatIssues } from './config-file';

/** A lessons file bigger than this is refused unread: every kickoff reads it. */
export const MAX_LESSONS_FILE_BYTES = 1024 * 1024;

export class LessonsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LessonsFileError';
  }
}

/** The file's lessons, in file order; none when the file does not exist. */
export async function readLessonsFile(file: string): Promise<Lesson[]> {
  let text: string;
  try {
    const { size } = await stat(file);
    if (size > MAX_LESSONS_FILE_BYTES)
      throw new LessonsFileError(`${file}: ${size} bytes, over the ${MAX_LESSONS_FILE_BYTES}-byte limit`);
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof LessonsFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'EISDIR') throw new LessonsFileError(`${file}: is a directory, not a lessons file`);
    throw new LessonsFileError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = parseLessonsText(text);
  if (!parsed.ok) throw new LessonsFileError(formatIssues(file, parsed.issues));
  return parsed.lessons;
}

/** Writes the lessons (creating the file's directory), through a temp file renamed over the old one. */
export async function writeLessonsFile(file: string, lessons: readonly Lesson[]): Promise<void> {
  await writeFileAtomically(file, renderLessonsToml(lessons));
}
