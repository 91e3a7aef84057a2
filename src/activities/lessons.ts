/**
 * The lessons a kickoff carries (`[learning] inject = true`), composed on the agents' host by the
 * activity that types the kickoff: the lessons file is read here, never in workflow code. The text
 * is composed afresh on each attempt from the same file and the workflow's `now`, and typed through
 * the delivery's exactly-once marks, so a retry never types the lessons twice (the block is appended
 * after the kickoff, whose first line is what a retry looks for on screen).
 */
import { MAX_TYPED_TEXT_BYTES } from '../core/config/limits';
import type { LessonsOutcome, LessonsRequest } from '../core/learning/injection';
import { rankLessons } from '../core/learning/lesson-ranking';
import { kickoffWithLessons } from '../core/learning/lessons';
import { readLessonsFile } from '../host/lessons-file';

export interface Composed {
  text: string;
  /** Absent when no lessons were asked for. */
  outcome?: LessonsOutcome;
}

/**
 * `text` with the top lessons for its agent and phase appended. An unreadable or invalid lessons
 * file never holds up the kickoff: it goes out as it is, and the outcome says why.
 */
export async function composeWithLessons(text: string, req: LessonsRequest | undefined): Promise<Composed> {
  if (!req) return { text };
  try {
    const ranked = rankLessons(await readLessonsFile(req.file), {
      phase: req.phase,
      phaseKickoff: text,
      agent: req.agent,
      now: req.now,
      halfLifeMs: req.halfLifeMs,
      topK: req.topK,
    });
    const block = kickoffWithLessons(
      text,
      ranked.map((r) => r.lesson),
      MAX_TYPED_TEXT_BYTES,
    );
    return { text: block.text, outcome: { ids: block.ids } };
  } catch (err) {
    return { text, outcome: { ids: [], problem: oneProblem(err instanceof Error ? err.message : String(err)) } };
  }
}

/** A file's problems, one a line, as one line for an event: the first, and how many more. */
function oneProblem(message: string): string {
  const lines = message.split('\n').filter((l) => l.trim() !== '');
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more)` : '';
  return `${(lines[0] ?? message).slice(0, 400)}${more}`;
}
