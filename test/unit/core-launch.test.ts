import { hookSettings } from '../../src/core/hook-settings';
import type { StewardConfig } from '../../src/core/config/types';
import { initialLaunchDecision } from '../../src/core/launch-decision';
import { AGENT_HOOK_COMMAND, launchSpec, transcriptsDir } from '../../src/core/launch';
import { configFor, SOLO_TOML, stateFor, TEAM_TOML } from './support/build-state';

const agentOf = (config: StewardConfig, name: string) => {
  const agent = config.agents.find((a) => a.name === name);
  if (!agent) throw new Error(`no agent ${name}`);
  return agent;
};

const CUSTOM_TOML = `
name = "custom"
state_dir = "/var/lib/steward/custom"

[backend.aider]
command = ["aider", "--no-auto-commits"]
args = ["--yes"]
submit_key = "C-m"
env = { AIDER_DARK_MODE = "1", STEWARD_AGENT = "spoofed" }

[backend.claude]
env = { CLAUDE_CODE_DISABLE_TELEMETRY = "1" }

[[agent]]
name = "helper"
backend = "aider"
cwd = "repos/helper"

[[agent]]
name = "main"
session = "custom-main-session"
cwd = "/abs/main"
`;

describe('launchSpec', () => {
  test('claude: the session-id flag and id in the args, Steward variables in env, Enter to submit', () => {
    const config = configFor(TEAM_TOML);
    expect(launchSpec(config, agentOf(config, 'builder'), 'sid-42')).toEqual({
      agent: 'builder',
      session: 'team-builder',
      cwd: '/srv/steward',
      command: 'claude',
      args: ['--settings', JSON.stringify(hookSettings(AGENT_HOOK_COMMAND)), '--session-id', 'sid-42'],
      env: {
        STEWARD_BUILD: 'team',
        STEWARD_AGENT: 'builder',
        STEWARD_SESSION_ID: 'sid-42',
        STEWARD_CONFIG_DIR: '/srv/steward',
        STEWARD_TRANSCRIPTS: '/home/op/.claude/projects',
      },
      submitKey: 'Enter',
      answers: { trust: false, bypass: false },
    });
  });

  test("a backend's own env is passed on, but cannot override Steward's variables", () => {
    const config = configFor(CUSTOM_TOML);
    const spec = launchSpec(config, agentOf(config, 'helper'), 'sid-7');
    expect(spec.env).toEqual({
      AIDER_DARK_MODE: '1',
      STEWARD_BUILD: 'custom',
      STEWARD_AGENT: 'helper',
      STEWARD_SESSION_ID: 'sid-7',
      STEWARD_CONFIG_DIR: '/srv/steward',
      STEWARD_TRANSCRIPTS: '/var/lib/steward/custom/transcripts',
    });
    expect(launchSpec(config, agentOf(config, 'main'), 'sid-8').env.CLAUDE_CODE_DISABLE_TELEMETRY).toBe('1');
  });

  test('a backend without a session-id flag gets its args only; its submit key and cwd are used', () => {
    const config = configFor(CUSTOM_TOML);
    const spec = launchSpec(config, agentOf(config, 'helper'), 'sid-7');
    expect(spec.command).toBe('aider');
    expect(spec.args).toEqual(['--no-auto-commits', '--yes']);
    expect(spec.submitKey).toBe('C-m');
    expect(spec.cwd).toBe('/srv/steward/repos/helper');
    expect(spec.session).toBe('custom-helper');
  });

  test('an explicit session name is used as is', () => {
    const config = configFor(CUSTOM_TOML);
    expect(launchSpec(config, agentOf(config, 'main'), 'x')).toMatchObject({
      session: 'custom-main-session',
      cwd: '/abs/main',
      args: ['--settings', expect.any(String), '--session-id', 'x'],
    });
  });

  test('transcripts: the backend directory, else <state_dir>/transcripts', () => {
    const config = configFor(CUSTOM_TOML);
    expect(transcriptsDir(config, agentOf(config, 'main'))).toBe('/home/op/.claude/projects');
    expect(transcriptsDir(config, agentOf(config, 'helper'))).toBe('/var/lib/steward/custom/transcripts');
  });

  test('an unknown backend is an error naming the agent and backend', () => {
    const config = configFor(SOLO_TOML);
    const ghost = { ...agentOf(config, 'worker'), backend: 'ghost' };
    expect(() => launchSpec(config, ghost, 's')).toThrow('agent worker: unknown backend ghost');
  });
});

describe('initialLaunchDecision', () => {
  const phase1 =
    'Phase p1 begins. Write the parser.\nWhen its definition of done is met, write "## DONE" to state/STATUS-p1.md on main and push.';

  test('first tick: every agent is launched fresh; loops get their kickoff plus the phase kickoff, others only their own', () => {
    expect(initialLaunchDecision(stateFor(TEAM_TOML))).toEqual([
      {
        action: { type: 'launch', agent: 'builder', fresh: true, prompt: `You are the builder.\n\n${phase1}` },
        event: { type: 'agent_started', agent: 'builder', phase: 'p1', message: 'started in session team-builder' },
      },
      {
        action: { type: 'launch', agent: 'adversary', fresh: true, prompt: `You are the adversary.\n\n${phase1}` },
        event: { type: 'agent_started', agent: 'adversary', phase: 'p1', message: 'started in session team-adversary' },
      },
      {
        action: { type: 'launch', agent: 'librarian', fresh: true, prompt: 'You keep the docs.' },
        event: { type: 'agent_started', agent: 'librarian', phase: 'p1', message: 'started in session team-librarian' },
      },
      {
        action: { type: 'launch', agent: 'migrator', fresh: true, prompt: 'Run the migration.' },
        event: { type: 'agent_started', agent: 'migrator', phase: 'p1', message: 'started in session team-migrator' },
      },
    ]);
  });

  test('only on the first tick: a launched build launches nothing', () => {
    expect(initialLaunchDecision(stateFor(TEAM_TOML, { launched: true }))).toEqual([]);
  });

  test('the phase kickoff is that of the current phase', () => {
    const [builder] = initialLaunchDecision(stateFor(TEAM_TOML, { phaseIndex: 2 }));
    expect(builder?.action).toEqual({
      type: 'launch',
      agent: 'builder',
      fresh: true,
      prompt:
        'You are the builder.\n\nPhase p3 begins. Ship it.\nWhen its definition of done is met, write "## DONE" to state/final/STATUS.md on main and push.',
    });
    expect(builder?.event.phase).toBe('p3');
  });

  test('a loop agent with no kickoff of its own gets the phase kickoff alone', () => {
    const toml = TEAM_TOML.replace('kickoff = "You are the builder."', 'kickoff = "  "');
    const [builder] = initialLaunchDecision(stateFor(toml));
    expect(builder?.action).toEqual({ type: 'launch', agent: 'builder', fresh: true, prompt: phase1 });
  });

  test('no loop, or a completed sequence: agents get their own kickoff only and no phase', () => {
    expect(initialLaunchDecision(stateFor(SOLO_TOML))).toEqual([
      {
        action: { type: 'launch', agent: 'worker', fresh: true, prompt: 'Keep the lights on.' },
        event: { type: 'agent_started', agent: 'worker', phase: undefined, message: 'started in session solo-worker' },
      },
    ]);
    const done = initialLaunchDecision(stateFor(TEAM_TOML, { phaseIndex: 3 }));
    expect(done.map((p) => [p.action.type === 'launch' && p.action.prompt, p.event.phase])).toEqual([
      ['You are the builder.', undefined],
      ['You are the adversary.', undefined],
      ['You keep the docs.', undefined],
      ['Run the migration.', undefined],
    ]);
  });
});
