/** Steward runs `tmux new-session -e NAME=VALUE`, which tmux has from 3.2 on (CHANGES, 3.1c → 3.2). */
export const TMUX_MINIMUM = { major: 3, minor: 2 } as const;

/**
 * The first tmux release whose server survives a session being created while a control-mode client
 * is still connecting. Before it, the server writes `%sessions-changed` to a client that has said
 * it is a control client but has no control state yet, and dies of the NULL pointer, taking every
 * agent with it (tmux 3.3a: control_write ← control_notify_session_created; fixed upstream in
 * e5a2a25 and 31c93c4, GitHub issues 4980 and 5004, first released in 3.7).
 */
export const TMUX_CONTROL_SAFE_FROM = { major: 3, minor: 7 } as const;

/** `tmux 3.3a`, `tmux next-3.4`, `tmux 3.2` → [major, minor]; null when there is no version in it. */
export function parseTmuxVersion(text: string): [number, number] | null {
  const m = /(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** A released tmux (`tmux 3.7`, `tmux 3.7c`): development builds (`next-3.7`, `master`) and other schemes are not. */
function releasedTmux(text: string): [number, number] | null {
  const m = /^tmux (\d+)\.(\d+)[a-z]?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export interface TmuxControlChoice {
  on: boolean;
  /** Why, for the worker's log. */
  why: string;
}

/**
 * Whether the worker talks to tmux over one control-mode connection (src/host/tmux-control.ts) or
 * a process per command. `setting` is STEWARD_TMUX_CONTROL: unset → on only for a tmux known to
 * be safe (TMUX_CONTROL_SAFE_FROM); `0` → off; `1` → on anyway (a tmux with the fix backported).
 */
export function tmuxControlChoice(setting: string | undefined, version: string | null): TmuxControlChoice {
  if (setting === '0') return { on: false, why: 'STEWARD_TMUX_CONTROL=0' };
  if (setting === '1') return { on: true, why: 'STEWARD_TMUX_CONTROL=1' };
  const v = version === null ? null : releasedTmux(version);
  const safe = `${TMUX_CONTROL_SAFE_FROM.major}.${TMUX_CONTROL_SAFE_FROM.minor}`;
  if (v === null)
    return { on: false, why: `${version ?? 'no tmux version'}: not a release known to be ${safe} or later` };
  const [major, minor] = v;
  const atLeast =
    major > TMUX_CONTROL_SAFE_FROM.major ||
    (major === TMUX_CONTROL_SAFE_FROM.major && minor >= TMUX_CONTROL_SAFE_FROM.minor);
  return atLeast
    ? { on: true, why: `${version!.trim()} (${safe} or later)` }
    : {
        on: false,
        why: `${version!.trim()}: before ${safe}, a control client that connects while a session starts can crash the tmux server`,
      };
}
