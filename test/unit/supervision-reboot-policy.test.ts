import { RebootPolicy, rebootGate, withReboot } from '../../src/core/supervision';
import { HOUR, MINUTE, NOW, SECOND } from './supervision-fixtures';

// The defaults: 60 s first backoff, 3 reboots within an hour is a crash loop.
const policy: RebootPolicy = { reboot_backoff: 60 * SECOND, crash_loop_reboots: 3, crash_loop_window: HOUR };

describe('rebootGate: backoff', () => {
  it('an agent never started or rebooted may be rebooted at once', () => {
    expect(rebootGate([], null, policy, NOW)).toEqual({ kind: 'reboot' });
  });

  it('the first reboot waits one backoff (60 s) after the start', () => {
    expect(rebootGate([], NOW - 59 * SECOND, policy, NOW)).toEqual({ kind: 'backoff', until: NOW + SECOND });
    expect(rebootGate([], NOW - 60 * SECOND, policy, NOW)).toEqual({ kind: 'reboot' });
  });

  it('doubles per reboot inside the window: 60 s, 120 s, 240 s after the previous one', () => {
    const roomy = { ...policy, crash_loop_reboots: 10 };
    const t0 = NOW - 30 * MINUTE;
    // One reboot in the window (at t0): the second waits 2 × 60 s.
    expect(rebootGate([t0], t0, roomy, t0 + 119 * SECOND).kind).toBe('backoff');
    expect(rebootGate([t0], t0, roomy, t0 + 120 * SECOND).kind).toBe('reboot');
    // Two reboots: the third waits 4 × 60 s after the second.
    const t1 = t0 + 120 * SECOND;
    expect(rebootGate([t0, t1], t1, roomy, t1 + 239 * SECOND)).toEqual({ kind: 'backoff', until: t1 + 240 * SECOND });
    expect(rebootGate([t0, t1], t1, roomy, t1 + 240 * SECOND).kind).toBe('reboot');
    // Three: 8 × 60 s.
    const t2 = t1 + 240 * SECOND;
    expect(rebootGate([t0, t1, t2], t2, roomy, t2 + 479 * SECOND).kind).toBe('backoff');
    expect(rebootGate([t0, t1, t2], t2, roomy, t2 + 480 * SECOND).kind).toBe('reboot');
  });

  it('reboots that left the window no longer double the backoff', () => {
    const last = NOW - 70 * MINUTE;
    expect(rebootGate([NOW - 2 * HOUR, last], last, policy, NOW)).toEqual({ kind: 'reboot' });
  });
});

describe('rebootGate: crash loop', () => {
  it('3 reboots within the hour: the need for a fourth is a crash loop', () => {
    const reboots = [NOW - 50 * MINUTE, NOW - 40 * MINUTE, NOW - 10 * MINUTE];
    expect(rebootGate(reboots, NOW - 10 * MINUTE, policy, NOW)).toEqual({ kind: 'crash_loop', reboots: 3 });
  });

  it('escalates at once, without waiting out a backoff first', () => {
    const reboots = [NOW - 3 * MINUTE, NOW - 2 * MINUTE, NOW - MINUTE];
    expect(rebootGate(reboots, NOW - MINUTE, policy, NOW).kind).toBe('crash_loop');
  });

  it('not when the same reboots are spread beyond the window', () => {
    const reboots = [NOW - 2 * HOUR, NOW - 65 * MINUTE, NOW - 10 * MINUTE];
    expect(rebootGate(reboots, NOW - 10 * MINUTE, policy, NOW)).toEqual({ kind: 'reboot' });
  });

  it('the window is measured back from now: a reboot exactly one window old has left it', () => {
    const reboots = [NOW - HOUR, NOW - 30 * MINUTE, NOW - 10 * MINUTE];
    expect(rebootGate(reboots, NOW - 10 * MINUTE, policy, NOW).kind).toBe('reboot');
  });
});

describe('withReboot', () => {
  it('records the reboot and drops those outside the window, so the list stays short', () => {
    expect(withReboot([NOW - 2 * HOUR, NOW - 30 * MINUTE], policy, NOW)).toEqual([NOW - 30 * MINUTE, NOW]);
  });
});
