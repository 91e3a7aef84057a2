/**
 * Exactly-once typing into a pane. An activity that typed a message and then lost its worker is
 * retried, and a plain retry would type the message again: the agent would read the ping twice.
 * So each delivery leaves two marks on the tmux session — "typing <id>, with N traces of the text
 * on screen" before the paste, "sent <id>" after the submit key — and a retry reads them to decide
 * what is left to do.
 */

/** The session options a delivery writes (tmux user options, `@steward_…`). */
export const TYPING_OPTION = 'steward_typing';
export const SENT_OPTION = 'steward_sent';
/** The last text typed, whitespace folded: observe blanks its echo (see `maskTypedText`). */
export const TYPED_OPTION = 'steward_typed';

export type DeliveryStep =
  /** This delivery completed before: nothing to do. */
  | 'done'
  /** An earlier attempt pasted the text but may have died before the submit key: press only that. */
  | 'submit'
  /** Nothing of this delivery reached the pane: type it. */
  | 'type';

/**
 * `typing` mark: the delivery id, and how many traces of its text the pane's whole scrollback held
 * when typing began (see `pasteTraceCount`).
 */
export function typingMark(deliveryId: string, tracesBefore: number): string {
  return `${tracesBefore}t ${deliveryId}`;
}

export type TypingMark =
  /** Counted traces before typing (this release). */
  | { deliveryId: string; tracesBefore: number }
  /** A mark from an older worker: the absolute pane line typing began on. */
  | { deliveryId: string; line: number };

export function parseTypingMark(mark: string | null): TypingMark | null {
  const m = mark ? /^(\d+)(t?) (.+)$/.exec(mark) : null;
  if (!m) return null;
  return m[2] ? { tracesBefore: Number(m[1]), deliveryId: m[3]! } : { line: Number(m[1]), deliveryId: m[3]! };
}

/**
 * What a paste of `text` leaves visible: its first non-blank line, cut to what fits on a line
 * (a TUI may wrap or truncate the rest). Claude Code shows a long paste as "[Pasted text #n …]".
 */
function pasteTraces(text: string): string[] {
  const first =
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? '';
  return [first.slice(0, 60), '[Pasted text'].filter(Boolean);
}

/** How many times the traces of `text` (see `pasteTraces`) occur in `screen`. */
export function pasteTraceCount(text: string, screen: string): number {
  return pasteTraces(text).reduce((n, trace) => n + screen.split(trace).length - 1, 0);
}

/**
 * The next step of a delivery. `screen` is the pane's whole scrollback now (read by the caller
 * when `typing` is this delivery's mark; for an older mark, the text from its line on).
 *
 * More traces of the text than when typing began means the paste landed — wherever the program
 * drew it: Claude Code redraws a submitted prompt above its input box, not where the cursor was,
 * and an earlier message with the same text was counted before. Pressing the submit key again is
 * harmless (an empty submit is ignored by Claude Code and the scripted agent), typing it again is
 * not. No new trace means the attempt died before the paste.
 */
export function deliveryStep(
  deliveryId: string,
  marks: { sent: string | null; typing: string | null },
  text: string,
  screen: string | null,
): DeliveryStep {
  if (marks.sent === deliveryId) return 'done';
  const mark = parseTypingMark(marks.typing);
  if (mark?.deliveryId !== deliveryId || screen === null) return 'type';
  const before = 'tracesBefore' in mark ? mark.tracesBefore : 0;
  return pasteTraceCount(text, screen) > before ? 'submit' : 'type';
}
