import {
  classifyPane,
  findLastLimitMessage,
  maskTypedText,
  showsDialog,
  startupDialog,
  downPressesToAccept,
  typeableText,
  CLAUDE_DIALOG_PATTERNS,
} from '../../src/core/pane';
import { BUILTIN_BACKENDS } from '../../src/core/config/builtin-backends';
import { panePatternsOf } from '../../src/core/supervision/backend-patterns';

const CLAUDE = panePatternsOf(BUILTIN_BACKENDS.claude!);
const NOW = Date.UTC(2026, 10, 29, 12, 0);
const SUBJECT = "claim(P1-g2): You've hit your limit · resets 4am (UTC)";
const PING = `watchdog: new claim ${SUBJECT} (abc1234). Review it.`;

/** Claude Code's screen after a turn: the echoed prompt, the answer, the input box and its footer. */
function claudeScreen(...body: string[]): string {
  return [...body, '', '─'.repeat(80), '❯ ', '─'.repeat(80), '  ⏵⏵ bypass permissions on (shift+tab to cycle)'].join(
    '\n',
  );
}

describe('text Steward typed or the agent quotes is not a usage limit', () => {
  it('a ping whose commit subject reads like a limit notice, echoed and answered', () => {
    const screen = claudeScreen(`❯ ${PING}`, '', '● I will review claim(P1-g2) now.', `● Reviewed: ${SUBJECT} — PASS`);
    expect(findLastLimitMessage(screen, NOW)).toBeNull();
    expect(classifyPane(screen, CLAUDE)).toBe('idle');
  });

  it('the same text on a line of its own, as Claude Code draws a notice, is a limit', () => {
    const screen = claudeScreen(`❯ ${PING}`, "  ⎿  You've hit your limit · resets 4am (UTC)");
    expect(findLastLimitMessage(screen, NOW)?.resetAt).toBe(Date.UTC(2026, 10, 30, 4, 0));
    expect(classifyPane(screen, CLAUDE)).toBe('limited');
  });

  it('2.1.x draws the reset on the line above "Usage limit reached · set to continue automatically"', () => {
    const screen = claudeScreen(
      '❯ go on',
      "  ⎿  You've hit your 5-hour limit · resets 12:45am (UTC)",
      '     /upgrade to increase your usage limit.',
      '',
      '● Usage limit reached · set to continue automatically at 12:45am',
    );
    expect(findLastLimitMessage(screen, NOW)).toEqual({
      text: "You've hit your 5-hour limit · resets 12:45am (UTC)",
      resetAt: Date.UTC(2026, 10, 30, 0, 45),
    });
  });

  it("an API key's usage limit: the 429 Claude Code gave up on", () => {
    const screen = claudeScreen(
      '❯ go on',
      '  ⎿  API Error: Request rejected (429) · You have reached your usage limit.',
    );
    expect(classifyPane(screen, CLAUDE)).toBe('limited');
  });

  it("the echo of a wrapped nudge is blanked line by line; the agent's own lines stay", () => {
    const nudge = `Please stop. ${"You've hit your limit · resets 4am (UTC)"} is what the reviewer said; esc to interrupt`;
    const screen = claudeScreen(
      '❯ Please stop.',
      "  You've hit your limit · resets 4am (UTC) is what",
      '  the reviewer said; esc to interrupt',
      '● Understood.',
    );
    const masked = maskTypedText(screen, [nudge]);
    expect(masked).not.toContain("You've hit");
    expect(masked).not.toContain('esc to interrupt');
    expect(masked).toContain('● Understood.');
    expect(masked.split('\n')).toHaveLength(screen.split('\n').length);
    expect(classifyPane(masked, CLAUDE)).toBe('idle');
    // Unmasked, the nudge's words would have made the pane look busy for ever.
    expect(classifyPane(screen, CLAUDE)).toBe('busy');
  });

  it('lines it keeps are kept as drawn, borders included', () => {
    const boxed = `│ ❯ ${PING.slice(0, 40)} │\n${'─'.repeat(20)}\n❯ \n`;
    expect(maskTypedText(boxed, [PING])).toBe(`\n${'─'.repeat(20)}\n❯ \n`);
  });

  it("short lines are never masked: they are as likely the agent's own words", () => {
    expect(maskTypedText('PASS\n> ', ['review PASS please'])).toBe('PASS\n> ');
  });
});

describe('typeableText: nothing typed acts as a key press', () => {
  it('drops control characters and escape sequences, keeps newlines, folds CR and tabs', () => {
    expect(typeableText('stop\x03 now\x1b[2J\x1b]0;title\x07\r\nnext\tline\x7f\u202e')).toBe(
      'stop now[2J]0;title\nnext line',
    );
  });

  it('cuts an over-long text with a note the agent can read, within the limit in UTF-8 bytes', () => {
    const typed = typeableText('x'.repeat(10_000), 4_000);
    expect(Buffer.byteLength(typed)).toBeLessThanOrEqual(4_000);
    expect(Buffer.byteLength(typed)).toBeGreaterThan(3_950);
    const kept = typed.indexOf('\n');
    expect(typed).toMatch(new RegExp(`\\n\\[… cut: ${10_000 - kept} of 10000 characters not typed\\]$`));
    // Characters of three bytes each count as three.
    expect(Buffer.byteLength(typeableText('€'.repeat(5_000), 4_000))).toBeLessThanOrEqual(4_000);
    expect(typeableText('short', 4_000)).toBe('short');
  });
});

describe('dialogs on screen', () => {
  const permission =
    '⏺ Bash(touch /tmp/outside)\n\n Do you want to proceed?\n ❯ 1. Yes\n   2. No, and tell Claude what to do differently (esc)\n';
  const trust = [
    ' Accessing workspace:',
    ' /tmp/work',
    ' Quick safety check: Is this a project you created or one you trust? (Like your own code…)',
    " Claude Code'll be able to read, edit, and execute files here.",
    ' ❯ No, exit',
    '   Yes, I trust this folder',
    ' Enter to confirm · Esc to cancel',
  ].join('\n');
  const bypass = [
    '  WARNING: Claude Code running in Bypass Permissions mode',
    '  In Bypass Permissions mode, Claude Code will not ask for your approval…',
    '  ❯ No, exit',
    '    Yes, I accept',
    '  Enter to confirm · Esc to cancel',
  ].join('\n');

  it('a permission dialog reads as a dialog, not as idle (its "❯ 1. Yes" looks like the prompt)', () => {
    expect(classifyPane(permission, CLAUDE)).toBe('dialog');
    expect(classifyPane(claudeScreen('❯ 1. earlier prompt that began with a number'), CLAUDE)).toBe('idle');
  });

  it('the start-up dialogs, told apart, with the way to their accepting answer', () => {
    expect(startupDialog(trust)).toBe('trust');
    expect(startupDialog(bypass)).toBe('bypass');
    expect(startupDialog(permission)).toBeNull();
    expect(showsDialog(trust, CLAUDE_DIALOG_PATTERNS) && showsDialog(bypass, CLAUDE_DIALOG_PATTERNS)).toBe(true);
    expect(downPressesToAccept(trust, 'trust')).toBe(1);
    expect(downPressesToAccept(bypass, 'bypass')).toBe(1);
    expect(
      downPressesToAccept(
        trust.replace('❯ No, exit', '  No, exit').replace('   Yes, I trust', ' ❯ Yes, I trust'),
        'trust',
      ),
    ).toBe(0);
  });

  it('an answered dialog left in the scrollback above the new input box (Claude Code 2.0.x) is gone', () => {
    const after = [
      bypass.replace('❯ No, exit', '  1. No, exit').replace('    Yes, I accept', '  ❯ 2. Yes, I accept'),
      '',
      '╭─── Claude Code v2.0.77 ───╮',
      '│ Welcome back! │',
      '╰──────────╯',
      '─'.repeat(80),
      '❯ ',
      '─'.repeat(80),
      '  ⏵⏵ bypass permissions on',
    ].join('\n');
    expect(showsDialog(after, CLAUDE_DIALOG_PATTERNS)).toBe(false);
    expect(startupDialog(after)).toBeNull();
    expect(showsDialog(`${after}\n${permission}`, CLAUDE_DIALOG_PATTERNS)).toBe(true);
  });

  it('an old dialog that scrolled up under later output is not on screen any more', () => {
    const later = Array.from({ length: 14 }, (_, i) => `● step ${i}`).join('\n');
    expect(classifyPane(`${permission}\n${later}\n> `, CLAUDE)).toBe('idle');
  });
});
