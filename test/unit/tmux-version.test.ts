import { controlModeSafe, parseTmuxVersion, tmuxControlMode } from '../../src/core/tmux-version';

describe('parseTmuxVersion', () => {
  it('reads major and minor from any version text', () => {
    expect(parseTmuxVersion('tmux 3.3a')).toEqual({ major: 3, minor: 3 });
    expect(parseTmuxVersion('tmux next-3.4')).toEqual({ major: 3, minor: 4 });
    expect(parseTmuxVersion('tmux master')).toBeNull();
  });

  it('reads only releases when asked: tmux -V and #{version} alike', () => {
    expect(parseTmuxVersion('tmux 3.7c\n', { released: true })).toEqual({ major: 3, minor: 7 });
    expect(parseTmuxVersion('3.3a\n', { released: true })).toEqual({ major: 3, minor: 3 });
    expect(parseTmuxVersion('next-3.7', { released: true })).toBeNull();
    expect(parseTmuxVersion('openbsd-7.6', { released: true })).toBeNull();
  });
});

describe('controlModeSafe', () => {
  it('is true only for a server that is a release of 3.7 or later', () => {
    for (const v of ['3.7', '3.7c', 'tmux 3.7c', '4.0']) expect([v, controlModeSafe(v)]).toEqual([v, true]);
    for (const v of ['3.6b', '3.3a', '2.9', 'next-3.7', 'master', 'openbsd-7.6', ''])
      expect([v, controlModeSafe(v)]).toEqual([v, false]);
  });
});

describe('tmuxControlMode', () => {
  it('follows STEWARD_TMUX_CONTROL, and otherwise asks each server', () => {
    expect(tmuxControlMode('0')).toEqual({ mode: 'off', said: 'a process per command (STEWARD_TMUX_CONTROL=0)' });
    expect(tmuxControlMode('1')).toEqual({ mode: 'on', said: 'one control-mode connection (STEWARD_TMUX_CONTROL=1)' });
    expect(tmuxControlMode(undefined).mode).toBe('by-server');
    expect(tmuxControlMode(undefined).said).toMatch(
      /^one control-mode connection to a tmux server 3\.7 or later, a process per command to an older one/,
    );
    expect(tmuxControlMode('true')).toEqual({
      mode: 'by-server',
      said: expect.stringContaining('STEWARD_TMUX_CONTROL=true is neither 0 nor 1: ignored.'),
    });
  });
});
