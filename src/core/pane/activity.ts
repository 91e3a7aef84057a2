/**
 * Is the agent in this pane working, waiting for input, or stopped by a usage limit? And since
 * when has it been idle? Pure: the observe activity supplies the pane text and tmux timestamps.
 */

import { LIMIT_WINDOW_LINES, lastNonEmptyLines, limitStillShowing } from './limit-message';
import { CLAUDE_DIALOG_PATTERNS, showsDialog } from './dialog';

export type PaneActivity = 'dialog' | 'busy' | 'idle' | 'limited' | 'unknown';

/** Regex sources from the backend config (`busy_patterns`, `idle_patterns`, `limit_patterns`). */
export interface PanePatterns {
  busy: string[];
  idle: string[];
  limit: string[];
}

/** Patterns are matched against this many trailing non-empty lines: what is on screen now. */
export const ACTIVITY_WINDOW_LINES = LIMIT_WINDOW_LINES;

// Compiled once per source string. Multiline so ^ and $ anchor at each pane line; case as written.
// A source that does not compile matches nothing: config validation reports it, and the
// supervisor must never throw over a bad pattern.
const compiled = new Map<string, RegExp | null>();

function compile(source: string): RegExp | null {
  if (!compiled.has(source)) {
    let regex: RegExp | null = null;
    try {
      regex = new RegExp(source, 'm');
    } catch {
      regex = null;
    }
    compiled.set(source, regex);
  }
  return compiled.get(source) ?? null;
}

function anyMatches(sources: string[], screen: string): boolean {
  return sources.some((source) => compile(source)?.test(screen) ?? false);
}

/**
 * What the pane shows, judged on its last {@link ACTIVITY_WINDOW_LINES} non-empty lines.
 *
 * Precedence: dialog > busy > limited > idle > unknown.
 * - A dialog wins over everything: its `❯ 1. Yes` also matches the idle prompt, and anything typed
 *   into it answers it. Claude Code's dialog marks are recognised for every backend.
 * - Busy wins over idle because Claude Code keeps its input prompt on screen while it works, so an
 *   idle pattern matches then too; only the busy indicator ("esc to interrupt") tells them apart.
 * - Busy wins over limited because a limit ends the turn — the busy indicator is gone — so an
 *   agent showing both has resumed and an old limit message has not yet scrolled away.
 * - Limited wins over idle because the prompt is on screen under every limit message.
 * A limit is the config's `limit` patterns or a message {@link limitStillShowing} recognises.
 */
export function classifyPane(paneTail: string, patterns: PanePatterns): PaneActivity {
  if (showsDialog(paneTail, CLAUDE_DIALOG_PATTERNS)) return 'dialog';
  const screen = lastNonEmptyLines(paneTail, ACTIVITY_WINDOW_LINES).join('\n');
  if (anyMatches(patterns.busy, screen)) return 'busy';
  // A configured limit pattern is not matched on typed input or its echo (lines at the prompt).
  const output = screen
    .split('\n')
    .filter((line) => !/^\s*[>❯]/.test(line))
    .join('\n');
  if (anyMatches(patterns.limit, output) || limitStillShowing(paneTail)) return 'limited';
  if (anyMatches(patterns.idle, screen)) return 'idle';
  return 'unknown';
}

/** The last line with more than whitespace, trimmed and with escape codes removed; '' if none. */
export function lastNonEmptyLine(text: string): string {
  return lastNonEmptyLines(text, 1)[0]?.trim() ?? '';
}

/**
 * When the agent became idle (epoch ms), for stall detection.
 *
 * Seeded from tmux `#{window_activity}` (epoch SECONDS of the pane's last output), never from when
 * the supervisor started watching: the original driver seeded from its own start, so every
 * restart of the watchdog made an agent idle for an hour look freshly idle. The later of that and
 * `lastSeenBusyAt` (epoch ms, the last tick that classified the pane busy) wins; with neither
 * known the idle clock starts at `now`. Never later than `now` (a host clock ahead of ours).
 * Anything typed into the pane — a ping or a nudge — is output too, so it restarts the idle
 * clock, giving the agent a fresh window to act on it, as the original did after a nudge.
 */
export function idleSince(windowActivityEpochSec: number | null, lastSeenBusyAt: number | null, now: number): number {
  const known: number[] = [];
  if (windowActivityEpochSec !== null && Number.isFinite(windowActivityEpochSec) && windowActivityEpochSec > 0) {
    known.push(windowActivityEpochSec * 1000);
  }
  if (lastSeenBusyAt !== null && Number.isFinite(lastSeenBusyAt)) known.push(lastSeenBusyAt);
  return known.length === 0 ? now : Math.min(now, Math.max(...known));
}
