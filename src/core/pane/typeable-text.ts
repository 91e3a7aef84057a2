/**
 * Text Steward types into a pane comes partly from outside: commit subjects, operator nudges,
 * kickoffs from config. In a terminal a control character is a key press — `\x03` interrupts a
 * line-mode agent, an ESC sequence moves a TUI's cursor or picks a menu entry — so none may reach
 * the pane. Pure.
 */

import { MAX_TYPED_TEXT_BYTES } from '../config/limits';

/** Longest text typed in one delivery, in characters (no more than its bytes); longer is cut with a note. */
export const TYPED_TEXT_MAX_CHARS = MAX_TYPED_TEXT_BYTES;

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that make
// text read other than it is.
// eslint-disable-next-line no-control-regex
const UNTYPEABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` as it may be typed: CRLF and CR become newlines (the backend's line ending), tabs become
 * spaces, every other control character is dropped, and a text over `maxChars` is cut with
 * "[… cut: N of M characters not typed]" at its end.
 */
export function typeableText(text: string, maxChars = TYPED_TEXT_MAX_CHARS): string {
  const clean = text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(UNTYPEABLE, '');
  if (clean.length <= maxChars) return clean;
  const note = (cut: number) => `\n[… cut: ${cut} of ${clean.length} characters not typed]`;
  // The note's length depends on the count it states: settle it (twice is enough: digits only shrink).
  let keep = maxChars - note(clean.length).length;
  keep = maxChars - note(clean.length - keep).length;
  return clean.slice(0, keep) + note(clean.length - keep);
}
