import { WAITING_WINDOW_LINES, parseWaitingUntil } from '../../src/core/pane';

const now = Date.UTC(2026, 4, 1, 10, 0); // Fri 1 May 2026, 10:00 UTC

describe('parseWaitingUntil: absolute times', () => {
  it('reads an ISO time with Z', () => {
    expect(parseWaitingUntil('WAITING-UNTIL: 2026-11-22T15:30:00Z', now)).toEqual({
      until: Date.UTC(2026, 10, 22, 15, 30),
      text: 'WAITING-UNTIL: 2026-11-22T15:30:00Z',
    });
  });

  it('reads ISO offsets', () => {
    expect(parseWaitingUntil('WAITING-UNTIL: 2026-11-22T15:30:00+05:30', now)?.until).toBe(
      Date.UTC(2026, 10, 22, 10, 0),
    );
    expect(parseWaitingUntil('WAITING-UNTIL: 2026-11-22T15:30-0400', now)?.until).toBe(Date.UTC(2026, 10, 22, 19, 30));
    expect(parseWaitingUntil('WAITING-UNTIL 2026-11-22 15:30:45 UTC', now)?.until).toBe(
      Date.UTC(2026, 10, 22, 15, 30, 45),
    );
  });

  it('reads an ISO time without offset in the local zone, then a reason', () => {
    const tail = 'WAITING-UNTIL 2026-07-01 09:00 waiting for CI on main';
    expect(parseWaitingUntil(tail, now)?.until).toBe(Date.UTC(2026, 6, 1, 9, 0));
    expect(parseWaitingUntil(tail, now, 'America/New_York')).toEqual({
      until: Date.UTC(2026, 6, 1, 13, 0),
      text: 'WAITING-UNTIL 2026-07-01 09:00 waiting for CI on main',
    });
  });

  it('reads a zone in parentheses after the ISO time', () => {
    expect(parseWaitingUntil('WAITING-UNTIL: 2026-01-15 09:00 (Europe/Berlin)', now)?.until).toBe(
      Date.UTC(2026, 0, 15, 8, 0),
    );
  });

  it('a date alone means 00:00', () => {
    expect(parseWaitingUntil('WAITING-UNTIL: 2026-12-01', now)?.until).toBe(Date.UTC(2026, 11, 1));
  });

  it('returns a time already past as it is', () => {
    expect(parseWaitingUntil('WAITING-UNTIL: 2026-01-01T00:00:00Z', now)?.until).toBe(Date.UTC(2026, 0, 1));
  });
});

describe('parseWaitingUntil: clock times', () => {
  it('a later clock time is today', () => {
    expect(parseWaitingUntil('WAITING-UNTIL 15:30', now)?.until).toBe(Date.UTC(2026, 4, 1, 15, 30));
  });

  it('a clock time already past is tomorrow', () => {
    expect(parseWaitingUntil('WAITING-UNTIL 09:15', now)?.until).toBe(Date.UTC(2026, 4, 2, 9, 15));
  });

  it('reads am/pm', () => {
    expect(parseWaitingUntil('WAITING-UNTIL: 3pm', now)?.until).toBe(Date.UTC(2026, 4, 1, 15, 0));
    expect(parseWaitingUntil('WAITING-UNTIL: 12am', now)?.until).toBe(Date.UTC(2026, 4, 2, 0, 0));
  });

  it('reads the clock in the local zone', () => {
    // 10:00 UTC is 12:00 in Berlin (CEST): 15:30 there is 13:30 UTC.
    expect(parseWaitingUntil('WAITING-UNTIL 15:30', now, 'Europe/Berlin')?.until).toBe(Date.UTC(2026, 4, 1, 13, 30));
  });

  it('a UTC suffix or a zone on the marker beats the local zone', () => {
    expect(parseWaitingUntil('WAITING-UNTIL 15:30 UTC', now, 'Europe/Berlin')?.until).toBe(
      Date.UTC(2026, 4, 1, 15, 30),
    );
    expect(parseWaitingUntil('WAITING-UNTIL 11:00 (America/New_York) CI', now, 'Europe/Berlin')?.until).toBe(
      Date.UTC(2026, 4, 1, 15, 0),
    );
  });
});

describe('parseWaitingUntil: open-ended waits', () => {
  it('a reason with no time is a deliberate wait with until null', () => {
    expect(parseWaitingUntil('WAITING-UNTIL: adversary review of gate D3', now)).toEqual({
      until: null,
      text: 'WAITING-UNTIL: adversary review of gate D3',
    });
  });

  it('a bare marker is an open-ended wait', () => {
    expect(parseWaitingUntil('WAITING-UNTIL', now)).toEqual({ until: null, text: 'WAITING-UNTIL' });
  });
});

describe('parseWaitingUntil: what counts as a marker', () => {
  it.each([
    ['Claude Code reply bullet', '⏺ WAITING-UNTIL: 2026-11-22T15:30:00Z'],
    ['older reply bullet', '● WAITING-UNTIL: 2026-11-22T15:30:00Z'],
    ['markdown bold', '**WAITING-UNTIL:** 2026-11-22T15:30:00Z'],
    ['inline code', '`WAITING-UNTIL: 2026-11-22T15:30:00Z`'],
    ['list bullet', '  - WAITING-UNTIL: 2026-11-22T15:30:00Z'],
    ['ANSI colours', '\x1b[1mWAITING-UNTIL:\x1b[0m 2026-11-22T15:30:00Z'],
  ])('%s', (_label, tail) => {
    expect(parseWaitingUntil(tail, now)).toEqual({
      until: Date.UTC(2026, 10, 22, 15, 30),
      text: 'WAITING-UNTIL: 2026-11-22T15:30:00Z',
    });
  });

  it.each([
    ['no marker', 'All tests pass.\n> '],
    ['empty pane', ''],
    [
      'a mid-sentence mention (an echoed kickoff prompt)',
      '> When you wait on purpose, print WAITING-UNTIL: <time> <reason>',
    ],
    ['a template placeholder', 'WAITING-UNTIL: <ISO time> <reason>'],
    ['a longer word', 'WAITING-UNTILX 15:30'],
    ['lower case', 'waiting-until 15:30'],
  ])('%s → null', (_label, tail) => {
    expect(parseWaitingUntil(tail, now)).toBeNull();
  });

  it('the last marker wins', () => {
    const tail = 'WAITING-UNTIL 11:00\nchecked CI, still red\n● WAITING-UNTIL: 2026-05-01T12:00:00Z next run\n';
    expect(parseWaitingUntil(tail, now)).toEqual({
      until: Date.UTC(2026, 4, 1, 12, 0),
      text: 'WAITING-UNTIL: 2026-05-01T12:00:00Z next run',
    });
  });

  it(`only the last ${WAITING_WINDOW_LINES} non-empty lines count`, () => {
    const later = (n: number) => Array.from({ length: n }, (_, i) => `working ${i}`).join('\n');
    expect(parseWaitingUntil(`WAITING-UNTIL 15:30\n${later(WAITING_WINDOW_LINES - 1)}`, now)?.until).toBe(
      Date.UTC(2026, 4, 1, 15, 30),
    );
    expect(parseWaitingUntil(`WAITING-UNTIL 15:30\n${later(WAITING_WINDOW_LINES)}`, now)).toBeNull();
  });
});
