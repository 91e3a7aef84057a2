/** A tmux release's major and minor numbers (3.3a → 3, 3). */
export interface TmuxVersion {
  major: number;
  minor: number;
}

/** Steward runs `tmux new-session -e NAME=VALUE`, which tmux has from 3.2 on (CHANGES, 3.1c → 3.2). */
export const TMUX_MINIMUM: TmuxVersion = { major: 3, minor: 2 };

/**
 * The first tmux release whose server survives a session being created while a control-mode client
 * is still connecting. Before it, the server writes `%sessions-changed` to a client that has said
 * it is a control client but has no control state yet, and dies of the NULL pointer, taking every
 * agent with it (tmux 3.3a: control_write ← control_notify_session_created; fixed upstream in
 * e5a2a25 and 31c93c4, GitHub issues 4980 and 5004, first released in 3.7).
 */
export const TMUX_CONTROL_SAFE_FROM: TmuxVersion = { major: 3, minor: 7 };

/**
 * `tmux 3.3a` (`tmux -V`), `3.3a` (`#{version}`), `tmux next-3.4` → its numbers; null when there is
 * no version in it. `released`: a release only (`3.7`, `3.7c`), not a development build
 * (`next-3.7`, `master`) nor another numbering (`openbsd-7.6`).
 */
export function parseTmuxVersion(text: string, opts: { released?: boolean } = {}): TmuxVersion | null {
  const m = (opts.released ? /^(?:tmux )?(\d+)\.(\d+)[a-z]?$/ : /(\d+)\.(\d+)/).exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

export function versionAtLeast(v: TmuxVersion, min: TmuxVersion): boolean {
  return v.major > min.major || (v.major === min.major && v.minor >= min.minor);
}

export const versionText = (v: TmuxVersion): string => `${v.major}.${v.minor}`;

/** Whether a tmux server of this version (its `#{version}`) is safe with a control client (TMUX_CONTROL_SAFE_FROM). */
export function controlModeSafe(serverVersion: string): boolean {
  const v = parseTmuxVersion(serverVersion, { released: true });
  return v !== null && versionAtLeast(v, TMUX_CONTROL_SAFE_FROM);
}

/**
 * How the worker talks to tmux: `off`, a process per command; `on`, one control-mode connection
 * (src/host/tmux-control.ts) whatever the server; `by-server`, the connection only to a server
 * that says it is safe with one (`controlModeSafe` of its `#{version}`, asked before each connect:
 * the server may be older than the `tmux` on PATH).
 */
export type TmuxControlMode = 'off' | 'on' | 'by-server';

/**
 * STEWARD_TMUX_CONTROL: `0` off, `1` on (a tmux with the fix backported), anything else by the
 * server; `said`: how, in words, for the worker's log.
 */
export function tmuxControlMode(setting: string | undefined): { mode: TmuxControlMode; said: string } {
  if (setting === '0') return { mode: 'off', said: 'a process per command (STEWARD_TMUX_CONTROL=0)' };
  if (setting === '1') return { mode: 'on', said: 'one control-mode connection (STEWARD_TMUX_CONTROL=1)' };
  const ignored = setting ? ` STEWARD_TMUX_CONTROL=${setting} is neither 0 nor 1: ignored.` : '';
  const safe = versionText(TMUX_CONTROL_SAFE_FROM);
  return {
    mode: 'by-server',
    said: `one control-mode connection to a tmux server ${safe} or later, a process per command to an older one (it can crash when a control client connects).${ignored}`,
  };
}
