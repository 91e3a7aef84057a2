/**
 * Dialogs on an agent's screen: a question that waits for a key, where Steward's submit key would
 * pick the highlighted answer. Claude Code draws them in place of its input box:
 *
 *   permission:  "Do you want to proceed?" / "❯ 1. Yes" / "  2. No, and tell Claude what to do differently (esc)"
 *   folder trust (2.1.x, first start in a folder): "Quick safety check: Is this a project you created or
 *                one you trust?" / "❯ No, exit" / "  Yes, I trust this folder" / "Enter to confirm · Esc to cancel"
 *   bypass mode (first start with --dangerously-skip-permissions): "WARNING: Claude Code running in
 *                Bypass Permissions mode" / "❯ No, exit" / "  Yes, I accept" / "Enter to confirm · Esc to cancel"
 *
 * The two start-up dialogs default to "No, exit": an Enter there ends the agent.
 * Pure: judged on the last lines of the pane text.
 */

import { lastNonEmptyLines } from './limit-message';

/** A dialog sits at the bottom of the screen: this many trailing non-empty lines hold it. */
export const DIALOG_WINDOW_LINES = 12;

/**
 * Claude Code's dialog marks, matched on the bottom lines as one text (multiline): options 1 and 2
 * one under the other with the highlight on one of them, a highlighted "No, exit", the selector's
 * footer, or the permission question. A past prompt echoed as "❯ 1. text" alone is none of these.
 */
export const CLAUDE_DIALOG_PATTERNS = [
  '^\\s*❯\\s*1\\.\\s.*\\n\\s*2\\.\\s',
  '^\\s*1\\.\\s.*\\n\\s*❯\\s*2\\.\\s',
  '^\\s*❯\\s*No, exit\\b',
  'Enter to confirm · Esc to cancel',
  '^\\s*Do you want to (?:proceed|make this edit|create)\\b.*\\?',
];

export type StartupDialog = 'trust' | 'bypass';

const STARTUP_DIALOGS: Record<StartupDialog, { question: RegExp; accept: RegExp }> = {
  trust: {
    question: /one you trust\?|Do you trust the files in this folder\?/,
    accept: /^\s*(?:❯\s*)?(?:\d+\.\s*)?Yes, (?:I trust this folder|proceed)\b/,
  },
  bypass: { question: /Bypass Permissions mode/, accept: /^\s*(?:❯\s*)?(?:\d+\.\s*)?Yes, I accept\b/ },
};

function compileAll(sources: readonly string[]): RegExp[] {
  return sources.flatMap((s) => {
    try {
      return [new RegExp(s, 'm')];
    } catch {
      return []; // config validation reports a bad pattern; the supervisor never throws over one
    }
  });
}

/**
 * The pane from its last input box on: an answered dialog that the TUI left in the scrollback
 * (Claude Code 2.0.x does not clear it) sits above the input box drawn after it. The input box is
 * a prompt line (`>` or `❯`) right under a horizontal rule; a dialog's highlighted option never is.
 */
function belowInputBox(paneTail: string): string {
  const rows = paneTail.split('\n');
  for (let i = rows.length - 1; i > 0; i--) {
    if (/^[\s│]*[>❯]/.test(rows[i]!) && /[─━]{10,}/.test(rows[i - 1]!)) return rows.slice(i).join('\n');
  }
  return paneTail;
}

/** Whether the pane's bottom lines show a dialog: any of `patterns` (regex sources) matches them. */
export function showsDialog(paneTail: string, patterns: readonly string[]): boolean {
  const screen = lastNonEmptyLines(belowInputBox(paneTail), DIALOG_WINDOW_LINES).join('\n');
  return compileAll(patterns).some((r) => r.test(screen));
}

/** Which of Claude Code's start-up dialogs the pane shows, if any. */
export function startupDialog(paneTail: string): StartupDialog | null {
  const screen = lastNonEmptyLines(belowInputBox(paneTail), DIALOG_WINDOW_LINES * 2).join('\n');
  for (const [kind, d] of Object.entries(STARTUP_DIALOGS) as [
    StartupDialog,
    (typeof STARTUP_DIALOGS)[StartupDialog],
  ][]) {
    if (d.question.test(screen)) return kind;
  }
  return null;
}

/**
 * How many times to press Down to move the highlight from the current option to the accepting
 * one, or null when either is not on screen. Options are read top to bottom.
 */
export function downPressesToAccept(paneTail: string, dialog: StartupDialog): number | null {
  const lines = lastNonEmptyLines(belowInputBox(paneTail), DIALOG_WINDOW_LINES * 2);
  const current = lines.findIndex((l) => /^\s*❯/.test(l));
  const accept = lines.findIndex((l) => STARTUP_DIALOGS[dialog].accept.test(l));
  if (current < 0 || accept < 0 || accept < current) return null;
  return accept - current;
}
