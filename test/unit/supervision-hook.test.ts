import type { AgentHookEvent } from '../../src/core/hook-event';
import {
  LIMIT_PROBE_INTERVAL_MS,
  LIMIT_RESET_SLACK_MS,
  applyHookEvent,
  rateLimitDecision,
  stallDecision,
} from '../../src/core/supervision';
import {
  HOUR,
  NOW,
  SECOND,
  agentConfig,
  agentState,
  at,
  idlePane,
  observed,
  rateLimitInput,
  stallInput,
} from './supervision-fixtures';

const hook = (kind: AgentHookEvent['kind'], extra: Partial<AgentHookEvent> = {}): AgentHookEvent => ({
  agent: 'builder',
  kind,
  at: NOW,
  ...extra,
});
const persistent = agentConfig({ name: 'builder', kind: 'persistent' });

describe('applyHookEvent: rate_limit', () => {
  it('records the limit until the reported reset plus slack, with one event', () => {
    const { state, events } = applyHookEvent(
      agentState(),
      hook('rate_limit', { resetAt: at(18), message: "You've hit your limit · resets 6pm (UTC)" }),
      NOW,
    );
    expect(state.rateLimitedUntil).toBe(at(18) + LIMIT_RESET_SLACK_MS);
    expect(events).toEqual([expect.objectContaining({ type: 'agent_rate_limited', agent: 'builder' })]);
  });

  it('a second report for the same limit updates the time without another event', () => {
    const first = applyHookEvent(agentState(), hook('rate_limit', { resetAt: at(18) }), NOW).state;
    const { state, events } = applyHookEvent(
      first,
      hook('rate_limit', { resetAt: at(19), at: NOW + SECOND }),
      NOW + SECOND,
    );
    expect(state.rateLimitedUntil).toBe(at(19) + LIMIT_RESET_SLACK_MS);
    expect(events).toEqual([]);
    // The limit began with the first report: the resume's wait counts from there.
    expect(state.rateLimitedSince).toBe(NOW);
  });

  it('without a reset time the agent is probed after the fixed interval', () => {
    expect(applyHookEvent(agentState(), hook('rate_limit'), NOW).state.rateLimitedUntil).toBe(
      NOW + LIMIT_PROBE_INTERVAL_MS,
    );
  });

  it('the configured slack and probe interval are used when given', () => {
    const timing = { limit_reset_slack: 5 * 60_000, limit_probe_fallback: 90_000 };
    expect(
      applyHookEvent(agentState(), hook('rate_limit', { resetAt: at(18) }), NOW, timing).state.rateLimitedUntil,
    ).toBe(at(18) + 5 * 60_000);
    const probed = applyHookEvent(
      agentState(),
      hook('rate_limit', { message: 'API Error: Rate limit reached' }),
      NOW,
      timing,
    );
    expect(probed.state.rateLimitedUntil).toBe(NOW + 90_000);
    expect(probed.events[0]!.message).toBe(
      'API Error: Rate limit reached — no reset time given; probing in 1m30s (hook)',
    );
  });

  it('a reset already past is ignored', () => {
    const { state, events } = applyHookEvent(agentState(), hook('rate_limit', { resetAt: at(14) }), NOW);
    expect(state.rateLimitedUntil).toBeNull();
    expect(events).toEqual([]);
  });

  it('the same limit then seen on the pane is not recorded twice', () => {
    const banner = "You've hit your limit · resets 6pm (UTC)";
    const limited = applyHookEvent(agentState(), hook('rate_limit', { resetAt: at(18), message: banner }), NOW).state;
    const d = rateLimitDecision(
      rateLimitInput({
        agent: persistent,
        state: limited,
        observation: observed(idlePane(`  ⎿  ${banner}`), NOW),
        now: NOW + 15 * SECOND,
      }),
    );
    expect(d.verdict).toBe('waiting');
    expect(d.events).toEqual([]);
    expect(d.state.rateLimitedUntil).toBe(at(18) + LIMIT_RESET_SLACK_MS);
  });
});

describe('applyHookEvent: stop and idle_prompt', () => {
  // tmux gave no window activity
  const idleInput = (state: ReturnType<typeof agentState>) =>
    stallInput({ agent: persistent, state, observation: observed(idlePane(), null) });

  it('marks the agent idle since the hook ran: the stall clock counts from then', () => {
    // Started 5 h ago; without the hook the idle clock would run from the start.
    expect(stallDecision(idleInput(agentState())).verdict).toBe('rebooted');
    const { state, events } = applyHookEvent(agentState(), hook('stop', { at: NOW - 300 * SECOND }), NOW);
    expect(state.idleSince).toBe(NOW - 300 * SECOND);
    expect(events).toEqual([]);
    expect(stallDecision(idleInput(state)).verdict).toBe('idle');
  });

  it('an older report does not move the idle clock back', () => {
    const state = agentState({ idleSince: NOW - 60 * SECOND });
    expect(applyHookEvent(state, hook('idle_prompt', { at: NOW - HOUR }), NOW).state.idleSince).toBe(NOW - 60 * SECOND);
  });
});

describe('applyHookEvent: permission_prompt', () => {
  it('raises agent_blocked and holds stall verdicts until the prompt is answered', () => {
    const { state, events } = applyHookEvent(
      agentState(),
      hook('permission_prompt', { at: NOW - 700 * SECOND, message: 'Claude needs your permission to use Bash' }),
      NOW,
    );
    expect(events).toEqual([
      { type: 'agent_blocked', agent: 'builder', message: 'Claude needs your permission to use Bash' },
    ]);
    expect(state.blockedSince).toBe(NOW - 700 * SECOND);
    const d = stallDecision(
      stallInput({
        agent: persistent,
        state,
        observation: observed(idlePane('Do you want to proceed?', '❯ 1. Yes'), NOW - 700 * SECOND),
        phase: null,
      }),
    );
    expect(d.verdict).toBe('blocked');
  });

  it('a later stop means the prompt was answered', () => {
    const blocked = applyHookEvent(agentState(), hook('permission_prompt', { at: NOW - 60 * SECOND }), NOW).state;
    expect(applyHookEvent(blocked, hook('stop'), NOW).state.blockedSince).toBeNull();
  });
});

describe('applyHookEvent: other kinds', () => {
  it('change nothing', () => {
    const state = agentState();
    expect(applyHookEvent(state, hook('session_start'), NOW)).toEqual({ state, actions: [], events: [] });
    expect(applyHookEvent(state, hook('other'), NOW)).toEqual({ state, actions: [], events: [] });
  });
});

describe('applyHookEvent: stop and idle_prompt', () => {
  it('a Stop starts the idle clock; the idle_prompt reminder a minute later does not restart it', () => {
    const stopped = applyHookEvent(agentState({ idleSince: null }), hook('stop', { at: NOW }), NOW).state;
    expect(stopped.idleSince).toBe(NOW);
    const reminded = applyHookEvent(stopped, hook('idle_prompt', { at: NOW + 60 * SECOND }), NOW + 60 * SECOND).state;
    expect(reminded.idleSince).toBe(NOW);
  });

  it('idle_prompt still tells a permission prompt was answered', () => {
    const blocked = agentState({ blockedSince: NOW - 10 * SECOND });
    expect(applyHookEvent(blocked, hook('idle_prompt', { at: NOW }), NOW).state.blockedSince).toBeNull();
  });
});
