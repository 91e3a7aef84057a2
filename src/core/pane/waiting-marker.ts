/**
 * The WAITING-UNTIL marker: an agent that is idle on purpose (waiting for CI, a review, a reset)
 * prints it so the supervisor does not take the silence for a stall. The original driver's stall
 * check only fired on "idle … with no WAITING-UNTIL marker"; Steward keeps that contract and adds
 * an end time, so a wait that is over stops shielding the agent.
 *
 *   WAITING-UNTIL: 2026-11-22T15:30:00Z      absolute (Z or ±hh:mm offset)
 *   WAITING-UNTIL: 2026-11-22 15:30 CI run   wall time in the local zone, then a free-text reason
 *   WAITING-UNTIL 15:30 (Europe/Berlin)      next occurrence of a clock time; also "3pm", "9:15 am"
 *   WAITING-UNTIL: adversary review          no time: deliberately waiting, open-ended (until = null)
 *
 * Pure: times are resolved against the `now` the caller passes.
 */

import {
  epochOfWallTime,
  lastNonEmptyLines,
  nextOccurrenceOfClockTime,
  readClockTime,
  readParenthesisedZone,
  resolveTimeZone,
} from './limit-message';

/**
 * How many trailing non-empty lines are searched. A little more than the limit window because an
 * agent may explain itself for a few lines after the marker; small enough that a marker from an
 * earlier wait scrolls out once the agent has gone back to work.
 */
export const WAITING_WINDOW_LINES = 20;

// The marker must open its line, after at most some decoration: Claude Code's reply bullet (● or ⏺),
// the tool-output elbow (⎿), a list bullet or markdown emphasis. Mid-sentence mentions — a kickoff
// prompt that explains the convention, echoed into the pane — are not markers.
const MARKER_LINE = /^[\s●⏺•◦⎿>*_`"'-]*WAITING-UNTIL(?![\w-])[*_`]*\s*(:?)[*_`]*\s*(.*)$/;
// A template placeholder such as "<ISO time> <reason>" is documentation, not a wait.
const PLACEHOLDER = /^</;

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ]([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d+)?)?)?(?:\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})(?![\w:]))?/i;
const UTC_SUFFIX = /^\s*(?:Z|UTC|GMT)(?![\w/])/i;

export interface WaitingMarker {
  /** When the wait ends (epoch ms), or null for an open-ended wait that names no time. */
  until: number | null;
  /** The marker line from "WAITING-UNTIL" on, without markdown emphasis, whitespace collapsed. */
  text: string;
}

/**
 * The last WAITING-UNTIL marker among the last {@link WAITING_WINDOW_LINES} non-empty lines, or null.
 *
 * - An ISO date-time with `Z` or an offset is absolute; without one it is wall time in the zone
 *   given in parentheses after it, else `localTimeZone` (default UTC). A date alone means 00:00.
 * - A clock time is its next occurrence at or after `now` (already past today → tomorrow). As with
 *   limit messages, `now` is the reference instant: a caller re-reading a marker that has sat on
 *   screen should latch the value from when it first saw that `text`, or pass the pane's
 *   last-activity time, or a stale "WAITING-UNTIL 15:30" read at 16:00 would shield until tomorrow.
 * - No readable time gives `until: null`: the agent says it is waiting on purpose, for as long as
 *   it takes. The caller should still bound that (say, with a maximum wait) so a forgotten marker
 *   cannot hide a real stall forever.
 * - An `until` in the past is returned as it is: the wait is over, and the caller decides.
 */
export function parseWaitingUntil(paneTail: string, now: number, localTimeZone?: string): WaitingMarker | null {
  const zone = resolveTimeZone(localTimeZone);
  const lines = lastNonEmptyLines(paneTail, WAITING_WINDOW_LINES);
  for (let i = lines.length - 1; i >= 0; i--) {
    const marker = MARKER_LINE.exec(lines[i]);
    if (!marker) continue;
    const rest = marker[2].replace(/[*_`\s]+$/, '').replace(/\s+/g, ' ');
    if (PLACEHOLDER.test(rest)) continue;
    // Rebuilt without markdown emphasis, so "**WAITING-UNTIL:** x" and "WAITING-UNTIL: x" read alike.
    const text = `WAITING-UNTIL${marker[1]}${rest === '' ? '' : ` ${rest}`}`;
    return { until: readUntil(rest, now, zone), text };
  }
  return null;
}

function readUntil(rest: string, now: number, localZone: string): number | null {
  const iso = ISO_DATE_TIME.exec(rest);
  if (iso) {
    const [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    if (month < 1 || month > 12 || day < 1 || day > 31) return null;
    const hour = Number(iso[4] ?? 0);
    const minute = Number(iso[5] ?? 0);
    const secondMs = Number(iso[6] ?? 0) * 1000;
    const offset = iso[7];
    if (offset !== undefined) {
      return Date.UTC(year, month - 1, day, hour, minute) + secondMs - offsetMs(offset);
    }
    const zone = readParenthesisedZone(rest.slice(iso[0].length));
    const wallZone = resolveTimeZone(zone?.zone, localZone);
    return epochOfWallTime({ year, month, day, hour, minute }, wallZone) + secondMs;
  }
  const clock = readClockTime(rest);
  if (clock) {
    const after = rest.slice(clock.length);
    const wallZone = UTC_SUFFIX.test(after) ? 'UTC' : resolveTimeZone(readParenthesisedZone(after)?.zone, localZone);
    return nextOccurrenceOfClockTime(clock.hour, clock.minute, now, wallZone);
  }
  return null;
}

/** "Z", "UTC", "+05:30", "-0400" as milliseconds ahead of UTC. */
function offsetMs(offset: string): number {
  const numeric = /^([+-])(\d{2}):?(\d{2})$/.exec(offset);
  if (!numeric) return 0;
  const sign = numeric[1] === '-' ? -1 : 1;
  return sign * (Number(numeric[2]) * 60 + Number(numeric[3])) * 60 * 1000;
}
