/**
 * The Claude Code settings that make every agent report to its build through `steward hook`.
 *
 * Pure. The result is what `claude --settings <file-or-json>` takes: it is merged with the user,
 * project and local settings, and hook arrays from all of them run (all matching hooks run in
 * parallel; identical commands are deduplicated).
 *
 * Shape (Hooks reference, https://code.claude.com/docs/en/hooks, "Configuration"): event name →
 * matcher groups → handlers:
 *   { "hooks": { "Stop": [ { "hooks": [ { "type": "command", "command": "…" } ] } ],
 *                "Notification": [ { "matcher": "idle_prompt", "hooks": [ … ] }, … ] } }
 * - `Stop` takes no matcher ("always fires on every occurrence").
 * - `Notification` matches on the notification type; the docs' own example uses one group per type
 *   (`permission_prompt`, `idle_prompt`), as here.
 * - `StopFailure` matches on the error type; no matcher, so every API error (not only `rate_limit`)
 *   reaches the build: an authentication or billing failure stalls an agent just as surely.
 * - `SessionStart` matches on how the session started; no matcher, so startup, resume, /clear and
 *   compaction all report (a /clear starts a new session id).
 * - `PermissionRequest` matches on the tool name; no matcher, so every dialog reports. Async, it
 *   cannot answer the dialog, and must not: an operator does.
 *
 * The command needs no arguments: "Handlers run in the current directory with Claude Code's
 * environment", which Claude Code inherits from the agent's tmux session, where Steward sets
 * STEWARD_BUILD, STEWARD_AGENT and STEWARD_SESSION_ID (src/core/launch.ts).
 *
 * A hook must never hold up or steer the agent:
 * - `async: true` (Claude Code ≥ 2.1.19) runs the handler in the background: "Claude continues
 *   working immediately"; async hooks "cannot block or control Claude's behavior".
 * - Exit code 2 means "blocking error" — for `Stop` it "prevents Claude from stopping" and feeds
 *   stderr to Claude as an instruction. `steward hook` exits 2 on a malformed payload, so the
 *   command maps any failure to exit 1, which is a "non-blocking error": the transcript shows
 *   "<hook name> hook error" and the first stderr line, and execution continues.
 * - `steward hook` prints nothing on stdout (for `SessionStart`, stdout "is added as context").
 * - `timeout` (seconds; command default 600) bounds it even if something hangs.
 */

/**
 * The events `steward hook` understands (see src/core/hook-payload.ts). `PermissionRequest` fires
 * the moment a permission dialog is drawn (the `permission_prompt` notification only ~6 s later):
 * the build must know before its next ping could be typed into the dialog.
 */
export const HOOK_EVENTS = ['Stop', 'StopFailure', 'Notification', 'SessionStart', 'PermissionRequest'] as const;
export type StewardHookEvent = (typeof HOOK_EVENTS)[number];

/** Notification types that tell the build something; others (auth_success, …) are not hooked. */
export const NOTIFICATION_MATCHERS = ['idle_prompt', 'permission_prompt'] as const;

/** Seconds Claude Code allows the hook: stdin (≤ 5 s) plus connect and signal (≤ 10 s), with room. */
export const DEFAULT_HOOK_TIMEOUT_SECONDS = 30;

export interface ClaudeCommandHook {
  type: 'command';
  command: string;
  timeout: number;
  async?: boolean;
}

export interface ClaudeMatcherGroup {
  matcher?: string;
  hooks: ClaudeCommandHook[];
}

export interface ClaudeHookSettings {
  hooks: Record<StewardHookEvent, ClaudeMatcherGroup[]>;
}

export interface HookSettingsOptions {
  /** Run in the background (default true). Set false for a Claude Code older than 2.1.19. */
  async?: boolean;
  timeoutSeconds?: number;
  /**
   * Variables set on the command line itself, for settings the agent's environment may lack
   * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE): `NAME='value' steward hook`.
   */
  env?: Record<string, string>;
}

/** One word for a POSIX shell: single-quoted unless it is plainly safe. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An argument vector as one shell command string, e.g. [process.execPath, '/opt/steward/bin/steward']. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('shellCommand: empty argument vector');
  return argv.map(shellQuote).join(' ');
}

/**
 * The shell command Claude Code runs: `[NAME='v' …] <stewardCommand> hook || exit 1`.
 * `stewardCommand` is a shell command prefix (quote paths with {@link shellCommand}).
 */
export function hookCommand(stewardCommand: string, env: Record<string, string> = {}): string {
  const command = stewardCommand.trim();
  if (command === '') throw new Error('hookCommand: the steward command is empty');
  if (/[\n\r]/.test(command)) throw new Error('hookCommand: the steward command spans lines');
  const assignments = Object.entries(env).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new Error(`hookCommand: \`${name}\` is not an environment variable name`);
    return `${name}=${shellQuote(value)} `;
  });
  return `${assignments.join('')}${command} hook || exit 1`;
}

/** The settings object for `claude --settings`: every hooked event runs `steward hook`. */
export function hookSettings(stewardCommand: string, options: HookSettingsOptions = {}): ClaudeHookSettings {
  const timeout = options.timeoutSeconds ?? DEFAULT_HOOK_TIMEOUT_SECONDS;
  if (!Number.isInteger(timeout) || timeout < 1)
    throw new Error(`hookSettings: timeout must be a whole number of seconds ≥ 1, not ${timeout}`);
  const handler: ClaudeCommandHook = {
    type: 'command',
    command: hookCommand(stewardCommand, options.env),
    timeout,
    ...(options.async === false ? {} : { async: true }),
  };
  const group = (matcher?: string): ClaudeMatcherGroup => ({
    ...(matcher !== undefined ? { matcher } : {}),
    hooks: [{ ...handler }],
  });
  return {
    hooks: {
      Stop: [group()],
      StopFailure: [group()],
      Notification: NOTIFICATION_MATCHERS.map((type) => group(type)),
      SessionStart: [group()],
      PermissionRequest: [group()],
    },
  };
}

/**
 * The release each hooked event first appeared in. An older Claude Code rejects a
 * settings file that names an event it lacks — the whole file, hooks and all, behind a "Settings
 * Error" dialog at start — so a launch drops what the installed release does not know.
 * Checked: 2.0.77 knows PermissionRequest but not StopFailure; StopFailure arrived after 2.1.50.
 */
const SINCE: Record<StewardHookEvent, [number, number, number]> = {
  Stop: [0, 0, 0],
  Notification: [0, 0, 0],
  SessionStart: [0, 0, 0],
  PermissionRequest: [2, 0, 77],
  StopFailure: [2, 1, 51],
};

/** "2.1.332 (Claude Code)" → [2, 1, 332]; null when it is not a version. */
export function parseClaudeVersion(text: string | null): [number, number, number] | null {
  const m = text ? /(\d+)\.(\d+)\.(\d+)/.exec(text) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function atLeast(v: [number, number, number], min: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i]! > min[i]!;
  return true;
}

/**
 * `args` with its `--settings` JSON cut down to what Claude Code `version` knows (unknown
 * version: unchanged). Other arguments, and a `--settings` that is not Steward's JSON, pass as given.
 */
export function hookArgsForVersion(args: readonly string[], version: string | null): string[] {
  const v = parseClaudeVersion(version);
  const at = args.indexOf('--settings');
  if (!v || at < 0 || at + 1 >= args.length) return [...args];
  let settings: ClaudeHookSettings;
  try {
    settings = JSON.parse(args[at + 1]!) as ClaudeHookSettings;
  } catch {
    return [...args];
  }
  if (typeof settings?.hooks !== 'object' || settings.hooks === null) return [...args];
  const hooks = Object.fromEntries(
    Object.entries(settings.hooks).filter(
      ([event]) => !(event in SINCE) || atLeast(v, SINCE[event as StewardHookEvent]),
    ),
  );
  return [...args.slice(0, at + 1), JSON.stringify({ ...settings, hooks }), ...args.slice(at + 2)];
}
