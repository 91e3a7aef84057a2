/**
 * Claude Code usage-limit messages, read from the tail of an agent's tmux pane.
 *
 * Pure: no I/O, no clock. Every clock-time is resolved against the `now` the caller passes, so the
 * same pane text and `now` always give the same answer (Temporal replays workflow code).
 *
 * This file also holds the two helpers the other pane readers share — pane-text cleaning and
 * wall-clock maths in an IANA zone — because it is the lowest layer of src/core/pane.
 *
 * Wordings recognised, each seen in real Claude Code output (GitHub issue threads, anthropics/claude-code):
 *   "You've hit your session limit · resets 12:50am (America/Los_Angeles)"   #74079 (2.1.x, 2026)
 *   "You've hit your limit · resets 10pm (America/New_York)"                 #22946
 *   "You've hit your weekly limit · resets 5pm (America/Detroit)"            #94390
 *   "You've hit your weekly limit · resets Sep 15 at 7pm"                    #92834
 *   "You've hit your Opus limit" (Opus-only cap)                             #12487 (maintainer comment)
 *   "5-hour limit reached · resets 2pm (Pacific/Auckland) · /upgrade to …"   #12308 (2.0.x, 2025)
 *   "5-hour limit reached ∙ …" (U+2219 separator)                            #6593
 *   "Session limit reached ∙ resets 8pm"                                     #11577
 *   "Weekly limit reached · resets Dec 2, 7pm (Europe/Moscow)"               #12686
 *   "Weekly limit reached ∙ resets 7pm"                                      #11711
 *   "Opus weekly limit reached ∙ resets Oct 31, 9am" / "… ∙ resets Oct 24"   #10333
 *   "Claude usage limit reached. Your limit will reset at 1pm (Etc/GMT+5)."  #2087 (1.0.x, 2025)
 *   "Claude usage limit reached. Your limit will reset at 12am."             aniketkarne/CCAutoRenew#3
 *   "Claude usage limit reached. Your limit will reset\n at 3pm (America/Santiago)." (wrapped)  #9236
 *   "Claude AI usage limit reached|1760004000" (epoch seconds)               #8835, #9046
 * Deliberately NOT a limit: "Approaching usage limit · resets at 2am" (github/spec-kit#693) — a warning
 * while the agent still works — and the /usage panel's "Resets Jan 12, 10:59am (…)" rows (#16618).
 * No weekday-only form ("resets Mon 9am") was found in any report, so none is parsed.
 */

/**
 * How many trailing non-empty lines count as "still on screen". Claude Code draws its input box,
 * hint line and status line (about 5–8 non-empty lines once box-drawing is stripped) under the last
 * message, so 15 keeps a fresh limit message in view while one that later output has pushed up
 * (the agent resumed and kept working) drops out.
 */
export const LIMIT_WINDOW_LINES = 15;

/** The hint Claude Code draws under a limit notice: a slash command ("/upgrade to increase your usage limit."). */
const NOTICE_HINT = /^\s*\/[a-z-]+\b/;

// ── Pane text ────────────────────────────────────────────────────────────────────────────────────

// CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks), and two-byte escapes.
// eslint-disable-next-line no-control-regex
const TERMINAL_ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// Other C0 controls except tab and newline; they carry no words.
// eslint-disable-next-line no-control-regex
const STRAY_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g;
// Box drawing and block elements: the borders of Claude Code's input box and usage bars.
const BOX_DRAWING = /[\u2500-\u259f]/g;

/**
 * Pane text as plain lines: escape codes removed, box-drawing turned into spaces (so a border line
 * becomes empty), CRLF normalised. `tmux capture-pane` without `-e` is already plain; this is for
 * when it is not.
 */
export function cleanPaneText(text: string): string {
  return text
    .replace(TERMINAL_ESCAPES, '')
    .replace(/\r\n?/g, '\n')
    .replace(STRAY_CONTROLS, '')
    .replace(/\u00a0/g, ' ')
    .replace(BOX_DRAWING, ' ');
}

/** The last `count` lines of the cleaned text that hold more than whitespace, right-trimmed, in order. */
export function lastNonEmptyLines(text: string, count: number): string[] {
  const lines = cleanPaneText(text)
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  return count >= lines.length ? lines : lines.slice(lines.length - count);
}

// ── Wall-clock time in an IANA zone ──────────────────────────────────────────────────────────────

/** A civil date and time as read on a clock in some zone; month is 1–12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

// Building a DateTimeFormat is the slow part; memoising by zone name is deterministic.
const zoneFormatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  if (!zoneFormatters.has(timeZone)) {
    let formatter: Intl.DateTimeFormat | null = null;
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      formatter = null; // RangeError: not a zone this runtime knows
    }
    zoneFormatters.set(timeZone, formatter);
  }
  return zoneFormatters.get(timeZone) ?? null;
}

export function isTimeZone(name: string): boolean {
  return name !== '' && formatterFor(name) !== null;
}

/** `name` if it is a zone this runtime knows, else `fallback` if that is, else "UTC". */
export function resolveTimeZone(name: string | undefined, fallback = 'UTC'): string {
  if (name !== undefined && isTimeZone(name)) return name;
  return isTimeZone(fallback) ? fallback : 'UTC';
}

function utcFormatterFallback(timeZone: string): Intl.DateTimeFormat {
  return formatterFor(timeZone) ?? (formatterFor('UTC') as Intl.DateTimeFormat);
}

/** The wall-clock reading in `timeZone` at `epochMs` (an unknown zone reads as UTC). */
export function wallTimeIn(epochMs: number, timeZone: string): WallTime & { second: number } {
  const parts = utcFormatterFallback(timeZone).formatToParts(new Date(epochMs));
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value ?? 0);
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
  };
}

/** Milliseconds the zone's clock is ahead of UTC at `epochMs` (Etc/GMT+5 gives −5 h). */
function zoneOffsetAt(epochMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  const w = wallTimeIn(wholeSecond, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - wholeSecond;
}

/**
 * The instant at which a clock in `timeZone` reads `wall`. Across a DST change: a reading that
 * happens twice (autumn) gives the earlier instant; one that never happens (spring gap) is read
 * with the offset from before the gap, landing just after it (02:30 → 03:30) — the same choice
 * as Temporal's "compatible" disambiguation. Out-of-range fields roll over as in Date.UTC.
 */
export function epochOfWallTime(wall: WallTime, timeZone: string): number {
  const asIfUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const day = 24 * 3600 * 1000;
  // Zone changes are at least days apart, so the offsets a day either side cover both readings.
  const offsetBefore = zoneOffsetAt(asIfUtc - day, timeZone);
  const offsetAfter = zoneOffsetAt(asIfUtc + day, timeZone);
  const valid = [offsetBefore, offsetAfter]
    .map((offset) => asIfUtc - offset)
    .filter((candidate) => zoneOffsetAt(candidate, timeZone) === asIfUtc - candidate);
  return valid.length > 0 ? Math.min(...valid) : asIfUtc - offsetBefore;
}

/** The next instant at or after `now` at which the clock in `timeZone` reads hour:minute. */
export function nextOccurrenceOfClockTime(hour: number, minute: number, now: number, timeZone: string): number {
  const today = wallTimeIn(now, timeZone);
  const todayAt = epochOfWallTime({ ...today, hour, minute }, timeZone);
  if (todayAt >= now) return todayAt;
  // Date.UTC rolls day + 1 over month and year ends; epochOfWallTime handles a DST change.
  return epochOfWallTime({ ...today, day: today.day + 1, hour, minute }, timeZone);
}

/** The instant `wall` names in whichever of last, this or next year lies nearest to `now`. */
export function instantNearestNow(wall: Omit<WallTime, 'year'>, now: number, timeZone: string): number {
  const thisYear = wallTimeIn(now, timeZone).year;
  const candidates = [thisYear - 1, thisYear, thisYear + 1].map((year) => epochOfWallTime({ ...wall, year }, timeZone));
  return candidates.reduce((best, t) => (Math.abs(t - now) < Math.abs(best - now) ? t : best));
}

// ── Clock-time and date phrases ──────────────────────────────────────────────────────────────────

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A time of day from "3pm", "3:45 pm", "12am", "9 a.m." or 24-hour "15:30"; `length` is what it consumed. */
export function readClockTime(text: string): { hour: number; minute: number; length: number } | null {
  const twelveHour = /^(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\b\.?/i.exec(text);
  if (twelveHour) {
    const hour = Number(twelveHour[1]);
    const minute = Number(twelveHour[2] ?? 0);
    if (hour < 1 || hour > 12 || minute > 59) return null;
    const pm = twelveHour[3].toLowerCase() === 'p';
    // 12am is midnight (0), 12pm is noon (12).
    return { hour: (hour % 12) + (pm ? 12 : 0), minute, length: twelveHour[0].length };
  }
  const twentyFourHour = /^([01]?\d|2[0-3]):([0-5]\d)(?![\d:])/.exec(text);
  if (twentyFourHour) {
    return { hour: Number(twentyFourHour[1]), minute: Number(twentyFourHour[2]), length: twentyFourHour[0].length };
  }
  return null;
}

/** A zone in parentheses, "(America/New_York)"; whitespace inside is dropped (a wrapped pane line). */
export function readParenthesisedZone(text: string): { zone: string; length: number } | null {
  const match = /^\s*\(([^()\n]{1,64})\)/.exec(text);
  return match ? { zone: match[1].replace(/\s+/g, ''), length: match[0].length } : null;
}

/** What a "resets …" clause says: a month/day, a time, a zone — any may be missing, not all. */
interface ResetClause {
  month?: number;
  day?: number;
  year?: number;
  hour?: number;
  minute?: number;
  zone?: string;
}

// "resets", "reset", "will reset at" — the words that introduce the reset moment.
const RESET_KEYWORD = /\bresets?\b(?:\s+(?:at|on))?\s*/gi;

function readResetClause(message: string): ResetClause | null {
  for (const keyword of message.matchAll(RESET_KEYWORD)) {
    let rest = message.slice((keyword.index ?? 0) + keyword[0].length);
    const clause: ResetClause = {};
    const date = /^([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?/i.exec(rest);
    const monthIndex = date ? MONTHS.indexOf(date[1].toLowerCase()) : -1;
    if (date && monthIndex >= 0 && Number(date[2]) >= 1 && Number(date[2]) <= 31) {
      clause.month = monthIndex + 1;
      clause.day = Number(date[2]);
      if (date[3] !== undefined) clause.year = Number(date[3]);
      rest = rest.slice(date[0].length).replace(/^\s*(?:,\s*|at\s+)?/i, '');
    }
    const time = readClockTime(rest);
    if (time) {
      clause.hour = time.hour;
      clause.minute = time.minute;
      rest = rest.slice(time.length);
    }
    if (clause.day === undefined && clause.hour === undefined) continue;
    const zone = readParenthesisedZone(rest);
    if (zone) clause.zone = zone.zone;
    return clause;
  }
  return null;
}

function resetInstant(clause: ResetClause, now: number, timeZone: string): number {
  const hour = clause.hour ?? 0; // a date with no time ("resets Oct 24"): the start of that day
  const minute = clause.minute ?? 0;
  if (clause.month !== undefined && clause.day !== undefined) {
    const wall = { month: clause.month, day: clause.day, hour, minute };
    return clause.year !== undefined
      ? epochOfWallTime({ ...wall, year: clause.year }, timeZone)
      : instantNearestNow(wall, now, timeZone);
  }
  return nextOccurrenceOfClockTime(hour, minute, now, timeZone);
}

// ── Limit messages ───────────────────────────────────────────────────────────────────────────────

// The headline of a limit message: "… limit reached" (with up to three qualifier words such as
// "Claude AI usage" or "Opus weekly") or "You've hit your … limit" (any apostrophe, even mojibake).
const LIMIT_HEADLINE =
  /(?:\b(?:[\w-]+[ \t]+){0,3}limit reached\b|\byou(?:\S{0,3}ve| have) hit your\b[^\n]{0,40}?\blimit\b)/i;
// With an API key, Claude Code shows a usage limit as the 429 it gave up retrying on.
const API_LIMIT_HEADLINE = /\bAPI Error:?\s*(?:Request rejected\s*)?\(?429\b/i;
// What Claude Code draws before a notice of its own: indentation and its glyphs (⎿ result, ● ⏺ message, ✗ error).
// An agent team's lead reports a teammate's limit as "● Teammate @name failed: <notice>" (#75243).
const NOTICE_LEAD = /^[\s⎿●⏺✗✻·*]*(?:Teammate @\S+ failed:\s*)?$/;
// A line that starts with the prompt is typed input or its echo, never the agent's own notice.
const PROMPT_LINE = /^\s*[>❯]/;

/**
 * Where a limit headline starts on a pane line, or -1. On a pane only a notice Claude Code draws on
 * a line of its own counts: a commit subject or a nudge that quotes a limit message (typed in by
 * Steward, echoed, or quoted by the agent mid-sentence) must not stop supervision.
 */
function paneHeadlineIndex(line: string): number {
  if (PROMPT_LINE.test(line)) return -1;
  for (const headline of [LIMIT_HEADLINE, API_LIMIT_HEADLINE]) {
    const m = headline.exec(line);
    if (m && NOTICE_LEAD.test(line.slice(0, m.index))) return m.index;
  }
  return -1;
}

/** Where a limit headline starts in a message (a hook's text), or -1: anywhere in it counts. */
function messageHeadlineIndex(line: string): number {
  return LIMIT_HEADLINE.exec(line)?.index ?? -1;
}
// The oldest wording carried the reset as epoch seconds after a bar.
const EPOCH_SUFFIX = /limit reached\s*\|\s*(\d{9,11})\b/i;

export interface LimitMessage {
  /** The message from its headline on, whitespace collapsed; stable while it stays on screen. */
  text: string;
  /** When the limit lifts (epoch ms), or null when the message names no time we can read. */
  resetAt: number | null;
}

/**
 * The last limit message among the last {@link LIMIT_WINDOW_LINES} non-empty lines, with its reset
 * time when one can be read. See {@link parseLimitReset} for how times are resolved. On a `pane`
 * only a notice on a line of its own counts; in a `message` (a hook's text) a headline anywhere.
 */
export function findLastLimitMessage(
  paneTail: string,
  now: number,
  localTimeZone = 'UTC',
  source: 'pane' | 'message' = 'pane',
): LimitMessage | null {
  const lines = lastNonEmptyLines(paneTail, LIMIT_WINDOW_LINES);
  const headlineIndex = source === 'pane' ? paneHeadlineIndex : messageHeadlineIndex;
  // Claude Code 2.1.x follows "You've hit your 5-hour limit · resets 12:45am (UTC)" and its
  // "/upgrade …" line with "Usage limit reached · set to continue automatically at 12:45am": a
  // notice without a readable reset yields to one just above it that has one (more output
  // between, and the later one stands).
  let timeless: LimitMessage | null = null;
  for (let i = lines.length - 1; i >= 0; i--) {
    const at = headlineIndex(lines[i]);
    if (at < 0) {
      if (timeless && !NOTICE_HINT.test(lines[i])) break;
      continue;
    }
    const own = lines[i].slice(at).trim();
    const epoch = EPOCH_SUFFIX.exec(own);
    if (epoch) return { text: collapse(own), resetAt: Number(epoch[1]) * 1000 };
    // A narrow pane wraps "… will reset" / "at 3pm (Zone)." onto the next line, sometimes mid-zone:
    // "(America/Los_" / "Angeles)". Read the line alone first unless it ends inside parentheses.
    const withNext = i + 1 < lines.length ? `${own} ${lines[i + 1].trim()}` : own;
    const endsInsideParentheses = /\([^)]*$/.test(own);
    for (const message of endsInsideParentheses ? [withNext] : [own, withNext]) {
      const clause = readResetClause(message);
      if (!clause) continue;
      const zone = resolveTimeZone(clause.zone, resolveTimeZone(localTimeZone));
      return { text: collapse(message), resetAt: resetInstant(clause, now, zone) };
    }
    timeless ??= { text: collapse(own), resetAt: null };
  }
  return timeless;
}

/** True when a limit message (readable reset time or not) is among the last {@link LIMIT_WINDOW_LINES} non-empty lines. */
export function limitStillShowing(paneTail: string): boolean {
  return lastNonEmptyLines(paneTail, LIMIT_WINDOW_LINES).some((line) => paneHeadlineIndex(line) >= 0);
}

/**
 * When the usage limit shown in the pane lifts, or null when no limit message with a readable
 * reset time is among the last {@link LIMIT_WINDOW_LINES} non-empty lines. Only the LAST message
 * there counts (an earlier one is superseded).
 *
 * - A zone in parentheses is used as given — IANA names, so "Etc/GMT+5" is UTC−5. Without one
 *   (or with a name this runtime does not know) the time is read in `localTimeZone` (default UTC).
 * - A bare clock time is its next occurrence at or after `now`: one already past today means
 *   tomorrow. `now` is the reference instant; a caller re-reading a message that has sat on screen
 *   for a while should latch the value from when it first saw that `text` (or pass the pane's
 *   last-activity time as `now`), or a stale "resets 3pm" read at 3:05pm means tomorrow.
 * - A month and day without a year take whichever of last/this/next year is nearest `now`; a date
 *   without a time means 00:00 that day.
 * - The "|<epoch seconds>" form is absolute.
 * - A result already in the past is returned as it is (an old message still on screen): whether
 *   to resume at once is the caller's decision, not this parser's.
 */
export function parseLimitReset(
  paneTail: string,
  now: number,
  localTimeZone?: string,
): { resetAt: number; text: string } | null {
  const message = findLastLimitMessage(paneTail, now, localTimeZone);
  return message && message.resetAt !== null ? { resetAt: message.resetAt, text: message.text } : null;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
