/**
 * Text Steward types into a pane comes partly from outside: commit subjects, operator nudges,
 * kickoffs from config. In a terminal a control character is a key press — `\x03` interrupts a
 * line-mode agent, an ESC sequence moves a TUI's cursor or picks a menu entry — so none may reach
 * the pane. Pure.
 */
import { MAX_TYPED_TEXT_BYTES, utf8Bytes } from '../config/limits';

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that make
// text read other than it is.
// eslint-disable-next-line no-control-regex
const UNTYPEABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` as it may be typed: CRLF and CR become newlines (the backend's line ending), tabs become
 * spaces, every other control character is dropped, and a text over `maxBytes` of UTF-8 is cut,
 * ending with "[… cut: N of M characters not typed]", within the limit.
 */
export function typeableText(text: string, maxBytes = MAX_TYPED_TEXT_BYTES): string {
  const clean = text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(UNTYPEABLE, '');
  if (utf8Bytes(clean) <= maxBytes) return clean;
  const chars = Array.from(clean);
  const note = (cut: number) => `\n[… cut: ${cut} of ${chars.length} characters not typed]`;
  // The note's length depends on the count it states; the longest it can be is budgeted for.
  const budget = maxBytes - utf8Bytes(note(chars.length));
  let kept = 0;
  let bytes = 0;
  while (kept < chars.length && bytes + utf8Bytes(chars[kept]!) <= budget) bytes += utf8Bytes(chars[kept++]!);
  return chars.slice(0, kept).join('') + note(chars.length - kept);
}
