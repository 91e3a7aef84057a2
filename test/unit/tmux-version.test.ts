import { parseTmuxVersion, tmuxControlChoice } from '../../src/core/tmux-version';

describe('parseTmuxVersion', () => {
  it('reads major and minor from any version text', () => {
    expect(parseTmuxVersion('tmux 3.3a')).toEqual([3, 3]);
    expect(parseTmuxVersion('tmux next-3.4')).toEqual([3, 4]);
    expect(parseTmuxVersion('tmux master')).toBeNull();
  });
});

describe('tmuxControlChoice', () => {
  it('is on by default only for a released tmux 3.7 or later', () => {
    expect(tmuxControlChoice(undefined, 'tmux 3.7').on).toBe(true);
    expect(tmuxControlChoice(undefined, 'tmux 3.7c\n').on).toBe(true);
    expect(tmuxControlChoice(undefined, 'tmux 4.0').on).toBe(true);
    expect(tmuxControlChoice(undefined, 'tmux 3.6b').on).toBe(false);
    expect(tmuxControlChoice(undefined, 'tmux 3.3a').on).toBe(false);
    expect(tmuxControlChoice(undefined, 'tmux 2.9').on).toBe(false);
  });

  it('is off for a version it cannot place: development builds, other numbering, none', () => {
    expect(tmuxControlChoice(undefined, 'tmux next-3.7').on).toBe(false);
    expect(tmuxControlChoice(undefined, 'tmux master').on).toBe(false);
    expect(tmuxControlChoice(undefined, 'tmux openbsd-7.6').on).toBe(false);
    expect(tmuxControlChoice(undefined, null).on).toBe(false);
  });

  it('says why it is off before 3.7', () => {
    expect(tmuxControlChoice(undefined, 'tmux 3.3a').why).toMatch(/^tmux 3\.3a: before 3\.7, .*crash the tmux server/);
  });

  it('follows STEWARD_TMUX_CONTROL over the version', () => {
    expect(tmuxControlChoice('0', 'tmux 3.7')).toEqual({ on: false, why: 'STEWARD_TMUX_CONTROL=0' });
    expect(tmuxControlChoice('1', 'tmux 3.3a')).toEqual({ on: true, why: 'STEWARD_TMUX_CONTROL=1' });
  });
});
