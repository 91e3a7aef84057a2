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

/** The events `steward hook` understands (see src/core/hook-payload.ts). */
export const HOOK_EVENTS = ['Stop', 'StopFailure', 'Notification', 'SessionStart'] as const;
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
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`hookCommand: \`${name}\` is not an environment variable name`);
    return `${name}=${shellQuote(value)} `;
  });
  return `${assignments.join('')}${command} hook || exit 1`;
}

/** The settings object for `claude --settings`: every hooked event runs `steward hook`. */
export function hookSettings(stewardCommand: string, options: HookSettingsOptions = {}): ClaudeHookSettings {
  const timeout = options.timeoutSeconds ?? DEFAULT_HOOK_TIMEOUT_SECONDS;
  if (!Number.isInteger(timeout) || timeout < 1) throw new Error(`hookSettings: timeout must be a whole number of seconds ≥ 1, not ${timeout}`);
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
    },
  };
}
