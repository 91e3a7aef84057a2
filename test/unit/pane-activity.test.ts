import { ACTIVITY_WINDOW_LINES, classifyPane, idleSince, lastNonEmptyLine } from '../../src/core/pane';

// Patterns shaped like a Claude Code backend's config.
const patterns = {
  busy: ['esc to interrupt'],
  idle: ['^\\s*>\\s*$', '\\? for shortcuts'],
  limit: ['credit balance is too low'],
};

const inputBox = [
  '╭──────────────────────────╮',
  '│ >                        │',
  '╰──────────────────────────╯',
  '  ? for shortcuts',
];

const screen = (...lines: string[]) => lines.join('\n');

describe('classifyPane', () => {
  it('busy when the busy indicator shows', () => {
    expect(classifyPane(screen('✻ Thinking… (12s · esc to interrupt)'), patterns)).toBe('busy');
  });

  it('idle when only the prompt shows', () => {
    expect(classifyPane(screen('⏺ Done: all tests pass.', '', ...inputBox), patterns)).toBe('idle');
  });

  it('busy wins over idle: the prompt stays on screen while Claude Code works', () => {
    expect(classifyPane(screen('✻ Compiling… (3s · esc to interrupt)', ...inputBox), patterns)).toBe('busy');
  });

  it('limited when a limit message shows above the prompt', () => {
    const tail = screen("  ⎿  You've hit your session limit · resets 3pm (Europe/Berlin)", '', ...inputBox);
    expect(classifyPane(tail, patterns)).toBe('limited');
  });

  it('limited for a limit message with no readable reset time', () => {
    expect(classifyPane(screen("You've hit your limit", ...inputBox), patterns)).toBe('limited');
  });

  it('limited when a configured limit pattern matches', () => {
    expect(classifyPane(screen('Credit balance is too low', 'credit balance is too low', ...inputBox), patterns)).toBe(
      'limited',
    );
  });

  it('busy wins over a limit message still on screen: the agent has resumed', () => {
    const tail = screen("You've hit your session limit · resets 3pm", '❯ continue', '✻ Working… (esc to interrupt)');
    expect(classifyPane(tail, patterns)).toBe('busy');
  });

  it('unknown when nothing matches', () => {
    expect(classifyPane('$ ', patterns)).toBe('unknown');
    expect(classifyPane('', patterns)).toBe('unknown');
  });

  it(`judges only the last ${ACTIVITY_WINDOW_LINES} non-empty lines`, () => {
    // Border-only lines are empty once box drawing is stripped, so they do not take up the window.
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`);
    const withFiller = (n: number) => screen('(esc to interrupt)', ...filler(n), '>');
    expect(classifyPane(withFiller(ACTIVITY_WINDOW_LINES - 1), patterns)).toBe('idle');
    expect(classifyPane(withFiller(ACTIVITY_WINDOW_LINES - 2), patterns)).toBe('busy');
    expect(
      classifyPane(screen('(esc to interrupt)', ...filler(ACTIVITY_WINDOW_LINES - 4), ...inputBox), patterns),
    ).toBe('busy');
  });

  it('ignores a pattern that does not compile instead of throwing', () => {
    expect(classifyPane('> ', { busy: ['(unclosed'], idle: ['^\\s*>\\s*$'], limit: ['[bad'] })).toBe('idle');
  });

  it('sees through ANSI colour codes', () => {
    expect(classifyPane('\x1b[2m(8s · \x1b[1mesc\x1b[22m to interrupt)\x1b[0m', patterns)).toBe('busy');
  });

  it('anchors ^ and $ at each line', () => {
    expect(classifyPane(screen('some output', '>', 'status: ok'), patterns)).toBe('idle');
  });
});

describe('lastNonEmptyLine', () => {
  it('returns the last line with text, trimmed', () => {
    expect(lastNonEmptyLine('first\n  second  \n\n   \n')).toBe('second');
  });

  it('skips border-only lines and escape codes', () => {
    expect(lastNonEmptyLine('\x1b[32mhello\x1b[0m\n╰────╯\n')).toBe('hello');
  });

  it('is empty for blank text', () => {
    expect(lastNonEmptyLine('')).toBe('');
    expect(lastNonEmptyLine('\n \n\t\n')).toBe('');
  });
});

describe('idleSince', () => {
  const now = Date.UTC(2026, 5, 23, 4, 40);
  const hourAgoSec = (now - 3600_000) / 1000;

  it('seeds from tmux window_activity (seconds → ms), not from now', () => {
    expect(idleSince(hourAgoSec, null, now)).toBe(now - 3600_000);
  });

  it('a later busy sighting wins', () => {
    expect(idleSince(hourAgoSec, now - 60_000, now)).toBe(now - 60_000);
  });

  it('a later window activity wins over an older busy sighting', () => {
    expect(idleSince(hourAgoSec, now - 7200_000, now)).toBe(now - 3600_000);
  });

  it('uses the busy sighting when window_activity is unknown', () => {
    expect(idleSince(null, now - 5000, now)).toBe(now - 5000);
  });

  it('starts at now when nothing is known', () => {
    expect(idleSince(null, null, now)).toBe(now);
    expect(idleSince(0, null, now)).toBe(now);
    expect(idleSince(Number.NaN, null, now)).toBe(now);
  });

  it('never lies in the future', () => {
    expect(idleSince(now / 1000 + 30, null, now)).toBe(now);
  });
});
