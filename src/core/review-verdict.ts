/**
 * A review's verdict, read from its commit: the first pass or fail word of its subject (after
 * `review(<gate>)`), else of the lines its commit added (the review file). Pure.
 */
import type { HandoffConfig } from './config/types';
import { DEFAULT_FAIL_WORDS, DEFAULT_PASS_WORDS } from './config/verdict-words';
import type { ReviewVerdict } from './state/gates';

export interface VerdictWords {
  pass: readonly string[];
  fail: readonly string[];
}

/** The handoff's verdict words; a config from before `pass_words` / `fail_words` existed has the defaults. */
export function verdictWords(handoff: Pick<HandoffConfig, 'pass_words' | 'fail_words'>): VerdictWords {
  return { pass: handoff.pass_words ?? DEFAULT_PASS_WORDS, fail: handoff.fail_words ?? DEFAULT_FAIL_WORDS };
}

const normal = (word: string) => word.trim().toLowerCase();

/** A word as a regex source: its characters literal, a run of spaces inside a phrase any run of whitespace. */
function wordSource(word: string): string {
  return word
    .trim()
    .split(/\s+/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s+');
}

/**
 * The verdict of the first pass or fail word in `text`, matched as a whole word (no letter, digit
 * or `_` on either side) in any case; null when it has none. A word in both lists reads as fail.
 */
export function firstVerdict(text: string, words: VerdictWords): 'pass' | 'fail' | null {
  // Longest first: where one word extends another ("approved", "approve"), the longer is read.
  const all = [...new Set([...words.pass, ...words.fail].filter((w) => w.trim() !== ''))].sort(
    (a, b) => b.length - a.length,
  );
  if (all.length === 0) return null;
  const found = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${all.map(wordSource).join('|')})(?![\\p{L}\\p{N}_])`, 'iu').exec(
    text,
  );
  if (!found) return null;
  const said = normal(found[0]).replace(/\s+/g, ' ');
  return words.fail.some((w) => normal(w).replace(/\s+/g, ' ') === said) ? 'fail' : 'pass';
}

/** The subject's verdict, else the review text's, else 'unknown'. */
export function reviewVerdict(subject: string, reviewText: string | undefined, words: VerdictWords): ReviewVerdict {
  return firstVerdict(subject, words) ?? firstVerdict(reviewText ?? '', words) ?? 'unknown';
}
