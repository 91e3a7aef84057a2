import type { StewardConfig } from '../../src/core/config/types';
import { hookSettings, HOOK_EVENTS } from '../../src/core/hook-settings';
import { AGENT_HOOK_COMMAND, hookArgs, isClaudeBackend, launchSpec } from '../../src/core/launch';
import { hookTarget } from '../../src/client/commands/hook';
import { configFor, TEAM_TOML } from './support/build-state';

const agentOf = (config: StewardConfig, name: string) => {
  const agent = config.agents.find((a) => a.name === name);
  if (!agent) throw new Error(`no agent ${name}`);
  return agent;
};

/** The `--settings` value in an argument vector, parsed; undefined when there is none. */
function settingsArg(args: string[]): unknown {
  const at = args.indexOf('--settings');
  if (at < 0) return undefined;
  expect(args.lastIndexOf('--settings')).toBe(at);
  return JSON.parse(args[at + 1]!);
}

const MIXED_TOML = `
name = "mixed"

[backend.claude-pinned]
command = "/opt/claude/bin/claude"
args = ["--model", "opus"]

[backend.claude-own-settings]
command = "claude"
args = ["--settings", "/etc/claude/team.json"]

[backend.claude-own-settings-eq]
command = "claude"
args = ["--settings=/etc/claude/team.json"]

[backend.wrapper]
command = ["claude-wrapper", "--fast"]

[backend.aider]
command = "aider"

[[agent]]
name = "pinned"
backend = "claude-pinned"
[[agent]]
name = "own"
backend = "claude-own-settings"
[[agent]]
name = "owneq"
backend = "claude-own-settings-eq"
[[agent]]
name = "wrapped"
backend = "wrapper"
[[agent]]
name = "helper"
backend = "aider"
[[agent]]
name = "fake"
backend = "scripted"
`;

describe('launchSpec: Claude Code agents report through `steward hook`', () => {
  test('a claude agent gets --settings with the hook settings, between the backend args and the session-id flag', () => {
    const config = configFor(TEAM_TOML);
    const spec = launchSpec(config, agentOf(config, 'builder'), 'sid-42');
    expect(spec.command).toBe('claude');
    expect(spec.args).toEqual([
      '--settings',
      JSON.stringify(hookSettings(AGENT_HOOK_COMMAND)),
      '--session-id',
      'sid-42',
    ]);
  });

  test('the settings hook Stop, StopFailure, Notification (idle, permission), SessionStart and PermissionRequest, each with `steward hook`', () => {
    const config = configFor(TEAM_TOML);
    const settings = settingsArg(launchSpec(config, agentOf(config, 'builder'), 'sid-1').args) as ReturnType<
      typeof hookSettings
    >;
    expect(Object.keys(settings.hooks).sort()).toEqual([...HOOK_EVENTS].sort());
    expect(settings.hooks.Notification.map((g) => g.matcher)).toEqual(['idle_prompt', 'permission_prompt']);
    const commands = Object.values(settings.hooks).flatMap((groups) =>
      groups.flatMap((g) => g.hooks.map((h) => h.command)),
    );
    expect(commands).toEqual(Array(6).fill('"$STEWARD_BIN/steward" hook || exit 1'));
    // The absolute path from the session's STEWARD_BIN: the pane's PATH need not hold Steward's bin dir.
    expect(AGENT_HOOK_COMMAND).toBe('"$STEWARD_BIN/steward"');
  });

  test('the JSON is one argument (tmux execs it with no shell) and has no newline', () => {
    const config = configFor(TEAM_TOML);
    const { args } = launchSpec(config, agentOf(config, 'builder'), 'sid-1');
    const json = args[args.indexOf('--settings') + 1]!;
    expect(json).not.toMatch(/[\n\r]/);
    expect(json.startsWith('{"hooks":')).toBe(true);
  });

  test("the hook finds its build and agent in the launch's environment", () => {
    const config = configFor(TEAM_TOML);
    const spec = launchSpec(config, agentOf(config, 'adversary'), 'sid-9');
    expect(hookTarget({}, spec.env)).toEqual({
      ok: true,
      target: { build: 'team', agent: 'adversary', sessionId: 'sid-9' },
    });
  });

  test('a claude command given by path is Claude Code too; its own args come first', () => {
    const config = configFor(MIXED_TOML);
    const spec = launchSpec(config, agentOf(config, 'pinned'), 'sid-2');
    expect(spec.args.slice(0, 2)).toEqual(['--model', 'opus']);
    expect(settingsArg(spec.args)).toEqual(hookSettings(AGENT_HOOK_COMMAND));
  });

  test('a backend that passes its own --settings keeps it: no second --settings', () => {
    // (A backend under a new name does not inherit the built-in claude's session-id flag.)
    const config = configFor(MIXED_TOML);
    expect(launchSpec(config, agentOf(config, 'own'), 'sid-3').args).toEqual(['--settings', '/etc/claude/team.json']);
    expect(launchSpec(config, agentOf(config, 'owneq'), 'sid-4').args).toEqual(['--settings=/etc/claude/team.json']);
  });

  test('other programs get no --settings: aider, the scripted agent, a wrapper merely named like claude', () => {
    const config = configFor(MIXED_TOML);
    expect(launchSpec(config, agentOf(config, 'helper'), 'sid-5').args).toEqual([]);
    expect(launchSpec(config, agentOf(config, 'fake'), 'sid-6').args).toEqual(['--session-id', 'sid-6']);
    expect(launchSpec(config, agentOf(config, 'wrapped'), 'sid-7').args).toEqual(['--fast']);
  });

  test('isClaudeBackend and hookArgs read the basename of the command', () => {
    expect(isClaudeBackend({ command: 'claude' })).toBe(true);
    expect(isClaudeBackend({ command: '/usr/local/bin/claude' })).toBe(true);
    expect(isClaudeBackend({ command: './claude' })).toBe(true);
    expect(isClaudeBackend({ command: 'claude-code' })).toBe(false);
    expect(isClaudeBackend({ command: '/opt/claude/bin/node' })).toBe(false);
    expect(hookArgs({ command: 'aider', args: [] })).toEqual([]);
    expect(hookArgs({ command: 'claude', args: [] })).toEqual([
      '--settings',
      JSON.stringify(hookSettings(AGENT_HOOK_COMMAND)),
    ]);
  });

  test('pure and stable: the same spec every time (the workflow computes it, replay must agree)', () => {
    const config = configFor(TEAM_TOML);
    const a = launchSpec(config, agentOf(config, 'builder'), 'sid-1');
    const b = launchSpec(config, agentOf(config, 'builder'), 'sid-1');
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
