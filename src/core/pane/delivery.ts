/**
 * Exactly-once typing into a pane. An activity that typed a message and then lost its worker is
 * retried, and a plain retry would type the message again: the agent would read the ping twice.
 * So each delivery leaves two marks on the tmux session — "typing <id> from line N" before the
 * paste, "sent <id>" after the submit key — and a retry reads them to decide what is left to do.
 */

/** The session options a delivery writes (tmux user options, `@steward_…`). */
export const TYPING_OPTION = 'steward_typing';
export const SENT_OPTION = 'steward_sent';

export type DeliveryStep =
  /** This delivery completed before: nothing to do. */
  | 'done'
  /** An earlier attempt pasted the text but may have died before the submit key: press only that. */
  | 'submit'
  /** Nothing of this delivery reached the pane: type it. */
  | 'type';

/** `typing` mark: the delivery id and the absolute pane line (history + cursor row) it began on. */
export function typingMark(deliveryId: string, line: number): string {
  return `${line} ${deliveryId}`;
}

export function parseTypingMark(mark: string | null): { deliveryId: string; line: number } | null {
  const m = mark ? /^(\d+) (.+)$/.exec(mark) : null;
  return m ? { line: Number(m[1]), deliveryId: m[2]! } : null;
}

/**
 * What a paste of `text` leaves visible: its first non-blank line, cut to what fits on a line
 * (a TUI may wrap or truncate the rest). Claude Code shows a long paste as "[Pasted text #n …]".
 */
function pasteTraces(text: string): string[] {
  const first = text.split('\n').find((l) => l.trim())?.trim() ?? '';
  return [first.slice(0, 60), '[Pasted text'].filter(Boolean);
}

/**
 * The next step of a delivery. `screenSinceMark` is the pane text from the line where an earlier
 * attempt of this delivery began typing (read by the caller when `typing` is this delivery's mark).
 *
 * A pasted text still visible there means the paste landed: pressing the submit key again is
 * harmless (an empty submit is ignored by Claude Code and the scripted agent), typing it again is
 * not. No trace means the attempt died before the paste.
 */
export function deliveryStep(deliveryId: string, marks: { sent: string | null; typing: string | null }, text: string, screenSinceMark: string | null): DeliveryStep {
  if (marks.sent === deliveryId) return 'done';
  if (parseTypingMark(marks.typing)?.deliveryId !== deliveryId || screenSinceMark === null) return 'type';
  return pasteTraces(text).some((t) => screenSinceMark.includes(t)) ? 'submit' : 'type';
}
