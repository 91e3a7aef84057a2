import type { Action, PlannedAction } from '../../src/core/state/actions';
import type { NewEvent } from '../../src/core/events';
import { effectCall, effectSummary, performedEffect } from '../../src/core/effects';
import { launchSpec } from '../../src/core/launch';
import { stateFor, T0, TEAM_TOML } from './support/build-state';

const WITH_DB = `${TEAM_TOML}\n[[service]]\nname = "db"\ncommand = "postgres"\nargs = ["-D", "data"]\n`;
const state = stateFor(WITH_DB, { services: { db: { launchId: 'svc-1', startedAt: T0, alive: true, restarts: 0 } } });
const agentConfig = (name: string) => state.config.agents.find((a) => a.name === name)!;
const DB_SPEC = {
  agent: 'db',
  session: 'team-db',
  cwd: '/srv/steward',
  command: 'postgres',
  args: ['-D', 'data'],
  env: { STEWARD_BUILD: 'team', STEWARD_SERVICE: 'db', STEWARD_SESSION_ID: 'svc-1' },
  submitKey: 'Enter',
};

describe('effectCall: the activity and request that perform an action', () => {
  test('a launch starts the agent with its current session id, fresh or not, typing the prompt', () => {
    const rebooted = {
      ...state,
      agents: { ...state.agents, builder: { ...state.agents.builder!, sessionId: 'new-7' } },
    };
    const call = effectCall(rebooted, { type: 'launch', agent: 'builder', fresh: false, prompt: 'go on' });
    expect(call).toEqual({
      activity: 'launchAgent',
      request: { spec: launchSpec(state.config, agentConfig('builder'), 'new-7'), fresh: false, prompt: 'go on' },
    });
    if (call.activity !== 'launchAgent') throw new Error('not a launch');
    expect(call.request.spec).toMatchObject({
      agent: 'builder',
      session: 'team-builder',
      env: { STEWARD_SESSION_ID: 'new-7' },
    });
    expect(call.request.spec.args.slice(-2)).toEqual(['--session-id', 'new-7']);
  });

  test("a send types the text into the agent's session with its backend's submit key", () => {
    expect(effectCall(state, { type: 'send', agent: 'adversary', text: 'review gate 1' })).toEqual({
      activity: 'sendToAgent',
      request: { session: 'team-adversary', text: 'review gate 1', submitKey: 'Enter' },
    });
  });

  test('a service starts fresh, with no prompt, under its launch id', () => {
    expect(effectCall(state, { type: 'start-service', agent: 'db' })).toEqual({
      activity: 'launchAgent',
      request: { spec: DB_SPEC, fresh: true, prompt: '' },
    });
  });

  test('a service without state yet is launched under its name', () => {
    const call = effectCall({ ...state, services: {} }, { type: 'start-service', agent: 'db' });
    expect(call).toEqual({
      activity: 'launchAgent',
      request: { spec: { ...DB_SPEC, env: { ...DB_SPEC.env, STEWARD_SESSION_ID: 'db' } }, fresh: true, prompt: '' },
    });
  });

  test.each<[Action, string]>([
    [{ type: 'send', agent: 'ghost', text: 'hi' }, 'no agent ghost'],
    [{ type: 'launch', agent: 'ghost', fresh: true, prompt: '' }, 'no agent ghost'],
    [{ type: 'start-service', agent: 'builder' }, 'no service builder'],
  ])('%o throws: %s', (action, message) => {
    expect(() => effectCall(state, action)).toThrow(new Error(message));
  });
});

const planned = (agent: string, event: Omit<NewEvent, 'agent'>): PlannedAction => ({
  action: { type: 'send', agent, text: 'x' },
  event: { ...event, agent },
});

describe("effectSummary: one line for the Web UI's timeline", () => {
  test.each([
    [
      'a ping says ping',
      planned('adversary', { type: 'ping_sent', message: 'claim claim: gate 1 (c1c1c1c)' }),
      'ping adversary: claim claim: gate 1 (c1c1c1c)',
    ],
    [
      'agent_ drops its prefix',
      planned('builder', { type: 'agent_nudged', message: 'operator nudge: hi' }),
      'nudged builder: operator nudge: hi',
    ],
    [
      'service_ drops its prefix',
      planned('db', { type: 'service_healed', message: 'session team-db was dead: restarted' }),
      'healed db: session team-db was dead: restarted',
    ],
    [
      'only the first line',
      planned('builder', { type: 'agent_restarted', message: 'restarted by operator\nsecond line' }),
      'restarted builder: restarted by operator',
    ],
    [
      'other types stay whole',
      planned('builder', { type: 'message_held', message: 'held' }),
      'message_held builder: held',
    ],
  ])('%s', (_case, p, summary) => {
    expect(effectSummary(p)).toBe(summary);
  });

  test('at most 200 characters', () => {
    const summary = effectSummary(planned('builder', { type: 'ping_sent', message: 'x'.repeat(300) }));
    expect(summary).toBe(`ping builder: ${'x'.repeat(186)}`);
    expect(summary).toHaveLength(200);
  });
});

describe('performedEffect: an effect that went through', () => {
  const p = planned('builder', { type: 'ping_sent', message: 'Phase p1 begins', phase: 'p1' });
  const asked = { file: '/srv/lessons.jsonl', agent: 'builder', phase: 'p1', topK: 3, halfLifeMs: 1, now: 5 };

  test('carries the lessons it typed when it was asked to carry some and the host said which', () => {
    expect(performedEffect(p, 42, asked, { ids: ['L1', 'L2'] })).toEqual({
      planned: p,
      ok: true,
      at: 42,
      lessons: { phase: 'p1', outcome: { ids: ['L1', 'L2'] } },
    });
  });

  test('carries none when none were asked for, or the host (an older worker) said nothing', () => {
    expect(performedEffect(p, 42, undefined, { ids: ['L1'] })).toEqual({ planned: p, ok: true, at: 42 });
    expect(performedEffect(p, 42, asked, undefined)).toEqual({ planned: p, ok: true, at: 42 });
  });
});
