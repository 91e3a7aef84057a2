import {
  LIMIT_WINDOW_LINES,
  cleanPaneText,
  epochOfWallTime,
  findLastLimitMessage,
  lastNonEmptyLines,
  limitStillShowing,
  parseLimitReset,
  wallTimeIn,
} from '../../src/core/pane';

// Wordings below are as reported in anthropics/claude-code issues (numbers in the test names).

describe('parseLimitReset: current wording with a zone', () => {
  it('reads a zone-qualified clock time in that zone (#74079)', () => {
    const now = Date.UTC(2026, 6, 4, 20, 0); // 13:00 PDT
    const tail = "You've hit your session limit · resets 12:50am (America/Los_Angeles)";
    expect(parseLimitReset(tail, now)).toEqual({
      resetAt: Date.UTC(2026, 6, 5, 7, 50), // 00:50 PDT next day
      text: "You've hit your session limit · resets 12:50am (America/Los_Angeles)",
    });
  });

  it('ignores localTimeZone when the message names a zone', () => {
    const now = Date.UTC(2026, 6, 1, 12, 0);
    const tail = "You've hit your limit · resets 3pm (America/New_York)";
    expect(parseLimitReset(tail, now, 'Asia/Tokyo')?.resetAt).toBe(Date.UTC(2026, 6, 1, 19, 0));
  });

  it('America/New_York is UTC−4 in summer and UTC−5 in winter (#22946)', () => {
    const tail = "You've hit your limit · resets 3pm (America/New_York)";
    expect(parseLimitReset(tail, Date.UTC(2026, 6, 1, 12, 0))?.resetAt).toBe(Date.UTC(2026, 6, 1, 19, 0));
    expect(parseLimitReset(tail, Date.UTC(2026, 0, 15, 12, 0))?.resetAt).toBe(Date.UTC(2026, 0, 15, 20, 0));
  });

  it('rolls to the next day across a DST change: 9am on the spring-forward Sunday is 13:00 UTC', () => {
    const now = Date.UTC(2026, 2, 7, 20, 0); // Sat 15:00 EST
    const tail = "You've hit your session limit · resets 9am (America/New_York)";
    expect(parseLimitReset(tail, now)?.resetAt).toBe(Date.UTC(2026, 2, 8, 13, 0));
  });

  it('a clock time inside the spring-forward gap lands just after it (02:30 → 03:30 EDT)', () => {
    const now = Date.UTC(2026, 2, 8, 5, 0); // 00:00 EST, the night clocks go forward
    const tail = "You've hit your session limit · resets 2:30am (America/New_York)";
    expect(parseLimitReset(tail, now)?.resetAt).toBe(Date.UTC(2026, 2, 8, 7, 30));
  });

  it('reads a fixed-offset zone (#54698, Asia/Dhaka is UTC+6)', () => {
    const now = Date.UTC(2026, 3, 29, 15, 0); // 21:00 in Dhaka
    const tail = "You've hit your limit · resets 1:30am (Asia/Dhaka)";
    expect(parseLimitReset(tail, now)?.resetAt).toBe(Date.UTC(2026, 3, 29, 19, 30));
  });

  it('accepts a legacy zone alias (#68765, Asia/Calcutta is UTC+5:30)', () => {
    const now = Date.UTC(2026, 5, 16, 6, 0); // 11:30 IST
    const tail = "You've hit your session limit · resets 5:10pm (Asia/Calcutta)";
    expect(parseLimitReset(tail, now)?.resetAt).toBe(Date.UTC(2026, 5, 16, 11, 40));
  });

  it('reads the 2.0-era "5-hour limit reached" wording with its upgrade hint (#12308)', () => {
    const now = Date.UTC(2025, 10, 24, 0, 0); // 13:00 NZDT
    const tail = '5-hour limit reached · resets 2pm (Pacific/Auckland) · /upgrade to Max 20x or turn on /extra-usage';
    expect(parseLimitReset(tail, now)).toEqual({ resetAt: Date.UTC(2025, 10, 24, 1, 0), text: tail });
  });

  it('reads a message nested in agent-team output and starts its text at the headline (#75243)', () => {
    const now = Date.UTC(2026, 6, 7, 10, 35); // 04:35 MDT
    const tail = "● Teammate @bhost failed: You've hit your session limit · resets 5:20am (America/Denver)";
    expect(parseLimitReset(tail, now)).toEqual({
      resetAt: Date.UTC(2026, 6, 7, 11, 20),
      text: "You've hit your session limit · resets 5:20am (America/Denver)",
    });
  });
});

describe('parseLimitReset: no zone on the message', () => {
  const tail = "You've hit your session limit · resets 3:45pm";

  it('reads the time in UTC by default', () => {
    expect(parseLimitReset(tail, Date.UTC(2026, 2, 10, 10, 0))?.resetAt).toBe(Date.UTC(2026, 2, 10, 15, 45));
  });

  it('reads the time in the localTimeZone parameter', () => {
    expect(parseLimitReset(tail, Date.UTC(2026, 2, 10, 10, 0), 'Europe/Berlin')?.resetAt).toBe(
      Date.UTC(2026, 2, 10, 14, 45),
    );
  });

  it('falls back to UTC when localTimeZone is not a zone', () => {
    expect(parseLimitReset(tail, Date.UTC(2026, 2, 10, 10, 0), 'Not/AZone')?.resetAt).toBe(
      Date.UTC(2026, 2, 10, 15, 45),
    );
  });

  it('falls back to localTimeZone when the named zone is unknown', () => {
    const unknownZone = "You've hit your limit · resets 3pm (Mars/Olympus_Mons)";
    expect(parseLimitReset(unknownZone, Date.UTC(2026, 0, 5, 9, 0), 'Europe/Berlin')?.resetAt).toBe(
      Date.UTC(2026, 0, 5, 14, 0),
    );
  });

  it('a time already past today means tomorrow', () => {
    const now = Date.UTC(2026, 4, 5, 22, 0);
    expect(parseLimitReset('5-hour limit reached ∙ resets 1am', now)?.resetAt).toBe(Date.UTC(2026, 4, 6, 1, 0));
  });

  it('a time exactly now is now, not tomorrow', () => {
    const now = Date.UTC(2026, 4, 5, 15, 45);
    expect(parseLimitReset(tail, now)?.resetAt).toBe(now);
  });

  it('rolls over the end of a month and a year', () => {
    expect(parseLimitReset('Session limit reached ∙ resets 8am', Date.UTC(2026, 11, 31, 20, 0))?.resetAt).toBe(
      Date.UTC(2027, 0, 1, 8, 0),
    );
  });
});

describe('parseLimitReset: am/pm edges', () => {
  const morning = Date.UTC(2025, 6, 15, 9, 0);

  it('12am is midnight (CCAutoRenew#3 wording)', () => {
    const tail = 'Claude usage limit reached. Your limit will reset at 12am.';
    expect(parseLimitReset(tail, morning)?.resetAt).toBe(Date.UTC(2025, 6, 16, 0, 0));
  });

  it('12pm is noon', () => {
    expect(parseLimitReset("You've hit your limit · resets 12pm", morning)?.resetAt).toBe(Date.UTC(2025, 6, 15, 12, 0));
  });

  it('12:30am is half past midnight', () => {
    expect(parseLimitReset("You've hit your limit · resets 12:30am", morning)?.resetAt).toBe(
      Date.UTC(2025, 6, 16, 0, 30),
    );
  });

  it('11pm and 1am', () => {
    expect(parseLimitReset("You've hit your limit · resets 11pm", morning)?.resetAt).toBe(Date.UTC(2025, 6, 15, 23, 0));
    expect(parseLimitReset("You've hit your limit · resets 1am", morning)?.resetAt).toBe(Date.UTC(2025, 6, 16, 1, 0));
  });

  it('minutes with pm', () => {
    expect(parseLimitReset("You've hit your limit · resets 3:05pm", morning)?.resetAt).toBe(
      Date.UTC(2025, 6, 15, 15, 5),
    );
  });
});

describe('parseLimitReset: older wordings', () => {
  it('reads "will reset at 1pm (Etc/GMT+5)" as UTC−5 (#2087)', () => {
    const now = Date.UTC(2025, 5, 14, 12, 0);
    const tail = 'Claude usage limit reached. Your limit will reset at 1pm (Etc/GMT+5).';
    // The same report's title carries the epoch form of this very reset: |1749924000.
    expect(parseLimitReset(tail, now)).toEqual({ resetAt: 1749924000 * 1000, text: tail });
    expect(1749924000 * 1000).toBe(Date.UTC(2025, 5, 14, 18, 0));
  });

  it('reads the epoch-seconds form as absolute (#8835)', () => {
    const now = Date.UTC(2025, 9, 3, 8, 0);
    expect(parseLimitReset('Claude AI usage limit reached|1760004000', now)).toEqual({
      resetAt: 1760004000 * 1000,
      text: 'Claude AI usage limit reached|1760004000',
    });
  });

  it('returns an epoch already in the past as it is', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseLimitReset('Claude AI usage limit reached|1760000400', now)?.resetAt).toBe(1760000400 * 1000);
  });

  it('joins a message wrapped onto the next pane line (#9236)', () => {
    const now = Date.UTC(2025, 9, 9, 12, 0);
    const tail = 'Claude usage limit reached. Your limit will reset\n     at 3pm (America/Santiago).\n';
    expect(parseLimitReset(tail, now)).toEqual({
      resetAt: Date.UTC(2025, 9, 9, 18, 0), // Chile summer time, UTC−3
      text: 'Claude usage limit reached. Your limit will reset at 3pm (America/Santiago).',
    });
  });

  it('joins a zone name split by the wrap', () => {
    const now = Date.UTC(2026, 6, 4, 20, 0);
    const tail = "You've hit your session limit · resets 12:50am (America/Los_\nAngeles)";
    expect(parseLimitReset(tail, now)?.resetAt).toBe(Date.UTC(2026, 6, 5, 7, 50));
  });
});

describe('parseLimitReset: dates', () => {
  it('reads "Dec 2, 7pm (Europe/Moscow)" (#12686)', () => {
    const tail = 'Weekly limit reached · resets Dec 2, 7pm (Europe/Moscow) · /upgrade to Max';
    expect(parseLimitReset(tail, Date.UTC(2025, 10, 29, 10, 0))?.resetAt).toBe(Date.UTC(2025, 11, 2, 16, 0));
  });

  it('reads "Sep 15 at 7pm" in the local zone (#92834)', () => {
    const tail = "You've hit your weekly limit · resets Sep 15 at 7pm";
    expect(parseLimitReset(tail, Date.UTC(2026, 8, 8, 12, 0), 'America/New_York')?.resetAt).toBe(
      Date.UTC(2026, 8, 15, 23, 0),
    );
  });

  it('reads "Oct 31, 9am" (#10333)', () => {
    const tail = 'Opus weekly limit reached ∙ resets Oct 31, 9am';
    expect(parseLimitReset(tail, Date.UTC(2025, 9, 25, 12, 0))?.resetAt).toBe(Date.UTC(2025, 9, 31, 9, 0));
  });

  it('a date with no time means the start of that day (#10333 "resets Oct 24")', () => {
    const tail = 'Opus weekly limit reached ∙ resets Oct 24';
    expect(parseLimitReset(tail, Date.UTC(2025, 9, 20, 12, 0))).toEqual({
      resetAt: Date.UTC(2025, 9, 24, 0, 0),
      text: tail,
    });
  });

  it('a January date read in late December is next year', () => {
    const tail = 'Weekly limit reached · resets Jan 2, 9am';
    expect(parseLimitReset(tail, Date.UTC(2025, 11, 30, 12, 0))?.resetAt).toBe(Date.UTC(2026, 0, 2, 9, 0));
  });

  it('a December date read in early January is last year, returned though past', () => {
    const tail = 'Weekly limit reached · resets Dec 30, 9am';
    expect(parseLimitReset(tail, Date.UTC(2026, 0, 3, 12, 0))?.resetAt).toBe(Date.UTC(2025, 11, 30, 9, 0));
  });

  it('an explicit year is used as given', () => {
    const tail = 'Weekly limit reached · resets Oct 9, 2027, 5pm';
    expect(parseLimitReset(tail, Date.UTC(2026, 0, 1))?.resetAt).toBe(Date.UTC(2027, 9, 9, 17, 0));
  });
});

describe('parseLimitReset: which message counts', () => {
  it('the last of two messages wins (#79136)', () => {
    const now = Date.UTC(2026, 6, 19, 16, 0); // 18:00 CEST
    const tail = [
      "You've hit your session limit · resets 5:40pm (Europe/Berlin)",
      '/login to switch to an API usage-billed account.',
      '',
      '✻ Baked for 2m 4s',
      '',
      '❯ continue',
      "You've hit your session limit · resets 10:30pm (Europe/Berlin)",
      '/login to switch to an API usage-billed account.',
      '',
      '✻ Cogitated for 0s',
    ].join('\n');
    expect(parseLimitReset(tail, now)).toEqual({
      resetAt: Date.UTC(2026, 6, 19, 20, 30),
      text: "You've hit your session limit · resets 10:30pm (Europe/Berlin)",
    });
  });

  it('a last message with no readable time supersedes an earlier one', () => {
    const tail = "You've hit your limit · resets 3pm (UTC)\nworking…\nYou've hit your Opus limit\n";
    expect(parseLimitReset(tail, Date.UTC(2026, 0, 1))).toBeNull();
    expect(findLastLimitMessage(tail, Date.UTC(2026, 0, 1))).toEqual({
      text: "You've hit your Opus limit",
      resetAt: null,
    });
    expect(limitStillShowing(tail)).toBe(true);
  });

  it(`only the last ${LIMIT_WINDOW_LINES} non-empty lines count`, () => {
    const message = "You've hit your session limit · resets 3pm (UTC)";
    const later = (n: number) => Array.from({ length: n }, (_, i) => `output line ${i}`).join('\n\n');
    const now = Date.UTC(2026, 0, 1, 9, 0);
    const stillOnScreen = `${message}\n${later(LIMIT_WINDOW_LINES - 1)}`;
    const scrolledAway = `${message}\n${later(LIMIT_WINDOW_LINES)}`;
    expect(parseLimitReset(stillOnScreen, now)?.resetAt).toBe(Date.UTC(2026, 0, 1, 15, 0));
    expect(limitStillShowing(stillOnScreen)).toBe(true);
    expect(parseLimitReset(scrolledAway, now)).toBeNull();
    expect(limitStillShowing(scrolledAway)).toBe(false);
  });
});

describe('parseLimitReset: terminal noise', () => {
  const now = Date.UTC(2026, 1, 3, 12, 0); // 07:00 EST

  it('strips ANSI escapes and box drawing around the message', () => {
    const tail = [
      "\x1b[2m  ⎿  \x1b[0m\x1b[31mYou've hit your limit · resets 10pm (America/New_York)\x1b[39m",
      '\x1b[2m     /upgrade to increase your usage limit.\x1b[22m',
      '',
      '╭──────────────────────────────────────────────╮',
      '│ >                                            │',
      '╰──────────────────────────────────────────────╯',
      '  \x1b]0;claude\x07? for shortcuts',
    ].join('\r\n');
    expect(parseLimitReset(tail, now)).toEqual({
      resetAt: Date.UTC(2026, 1, 4, 3, 0),
      text: "You've hit your limit · resets 10pm (America/New_York)",
    });
  });

  it('accepts a typographic apostrophe', () => {
    expect(parseLimitReset('You’ve hit your session limit · resets 4am (Europe/Warsaw)', now)?.resetAt).toBe(
      Date.UTC(2026, 1, 4, 3, 0),
    );
  });
});

describe('parseLimitReset: not a limit message', () => {
  const now = Date.UTC(2026, 0, 7, 14, 0);

  it.each([
    ['empty pane', ''],
    ['ordinary output', 'Running tests…\n  ✓ 42 passed\n> '],
    ['a warning while still working (github/spec-kit#693)', 'Boom! Approaching usage limit resets at 2am.'],
    ['the Opus warning (#7756)', 'Approaching Opus usage limit · /model to use best available model'],
    ['the /usage panel (#16618)', ' Current week (all models)\n █████▌ 99% used\n Resets 7:59am (America/New_York)'],
    ['a reset mention without a limit headline', 'The cache resets 3pm (UTC) daily.'],
  ])('%s → null', (_label, tail) => {
    expect(parseLimitReset(tail, now)).toBeNull();
    expect(limitStillShowing(tail)).toBe(false);
  });

  it('a headline with no reset time is showing but has no resetAt', () => {
    expect(parseLimitReset("You've hit your limit", now)).toBeNull();
    expect(limitStillShowing("You've hit your limit")).toBe(true);
  });
});

describe('zone helpers', () => {
  it('an autumn wall time that happens twice gives the earlier instant', () => {
    const wall = { year: 2026, month: 11, day: 1, hour: 1, minute: 30 };
    expect(epochOfWallTime(wall, 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  it('wallTimeIn reads Etc/GMT+5 as five hours behind UTC', () => {
    expect(wallTimeIn(Date.UTC(2026, 0, 1, 12, 0), 'Etc/GMT+5')).toEqual({
      year: 2026,
      month: 1,
      day: 1,
      hour: 7,
      minute: 0,
      second: 0,
    });
  });

  it('cleanPaneText and lastNonEmptyLines drop escapes and border-only lines', () => {
    expect(cleanPaneText('\x1b[1mbold\x1b[0m\r\n')).toBe('bold\n');
    expect(lastNonEmptyLines('a\n\n╰──╯\nb  \n   \n', 5)).toEqual(['a', 'b']);
  });
});
