/**
 * What Steward typed into a pane stays on screen as the agent's echo of it ("❯ New claim: …",
 * wrapped over several lines). Read as the agent's own output, a commit subject or a nudge could
 * pass for a usage limit ("You've hit your limit · resets 4am"), a busy line ("esc to interrupt")
 * or a dialog, and switch supervision off. So the lines that are pieces of a text Steward typed
 * are blanked before any rule reads the pane. Pure.
 */

import { cleanPaneText } from './limit-message';

/** Shorter lines are too likely to be the agent's own words that happen to occur in the text. */
const MIN_ECHO_CHARS = 12;

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The pane text with every line that is a piece of one of `typed` (whitespace folded, a leading
 * prompt mark `>`/`❯` and box borders ignored) replaced by an empty line; other lines, their count
 * and order are kept as they were.
 */
export function maskTypedText(paneTail: string, typed: readonly string[]): string {
  const texts = typed.map(collapse).filter((t) => t.length >= MIN_ECHO_CHARS);
  if (texts.length === 0) return paneTail;
  // Compared cleaned (escape codes, box borders), kept as drawn: other readers need the borders.
  return paneTail
    .split('\n')
    .map((line) => {
      const piece = collapse(cleanPaneText(line).replace(/^\s*[>❯]\s?/, ''));
      return piece.length >= MIN_ECHO_CHARS && texts.some((t) => t.includes(piece)) ? '' : line;
    })
    .join('\n');
}
