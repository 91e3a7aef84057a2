import {
  LIMIT_PATTERN_TEXT,
  LIMIT_PROBE_INTERVAL_MS,
  LIMIT_RESET_MESSAGE,
  LIMIT_RESET_SLACK_MS,
  rateLimitDecision,
} from '../../src/core/supervision';
import { parseLimitReset } from '../../src/core/pane';
import {
  MINUTE,
  NOW,
  SECOND,
  agentConfig,
  agentState,
  at,
  busyPane,
  deadPane,
  idlePane,
  observed,
  patterns,
  rateLimitInput as input,
} from './supervision-fixtures';

const limitPane = (message: string) => idlePane('⏺ Working on the parser…', `  ⎿  ${message}`);
const resume = (agent = 'builder') => ({
  action: { type: 'send', agent, text: LIMIT_RESET_MESSAGE },
  event: expect.objectContaining({ type: 'agent_resumed', agent }),
});

describe('rateLimitDecision: when the limit resets', () => {
  it('a reset time with a zone: limited until then plus a minute of slack', () => {
    // 15:00 UTC is 11am in New York; 5pm there is 21:00 UTC.
    const d = rateLimitDecision(
      input({
        observation: observed(limitPane("You've hit your limit · resets 5pm (America/New_York)"), NOW - 5 * SECOND),
      }),
    );
    expect(d.verdict).toBe('limited');
    expect(d.state.rateLimitedUntil).toBe(at(21) + LIMIT_RESET_SLACK_MS);
    expect(LIMIT_RESET_SLACK_MS).toBe(60 * SECOND);
    expect(d.state.rateLimitText).toBe("You've hit your limit · resets 5pm (America/New_York)");
    expect(d.actions).toEqual([]);
    expect(d.events).toEqual([expect.objectContaining({ type: 'agent_rate_limited', agent: 'builder' })]);
    expect(d.events[0].message).toContain('2026-06-24T21:00:00.000Z');
  });

  it('[watchdog].limit_reset_slack and limit_probe_fallback replace the defaults', () => {
    const timing = { limit_reset_slack: 5 * MINUTE, limit_probe_fallback: 2 * MINUTE };
    const timed = rateLimitDecision(
      input({
        watchdog: timing,
        observation: observed(limitPane("You've hit your limit · resets 5pm (America/New_York)"), NOW),
      }),
    );
    expect(timed.state.rateLimitedUntil).toBe(at(21) + 5 * MINUTE);
    const untimed = rateLimitDecision(
      input({ watchdog: timing, observation: observed(limitPane("You've hit your limit"), NOW) }),
    );
    expect(untimed.state.rateLimitedUntil).toBe(NOW + 2 * MINUTE);
    expect(untimed.events[0]!.message).toBe("You've hit your limit — no reset time shown; probing in 2m");
  });

  it('a clock time already past today means tomorrow', () => {
    const d = rateLimitDecision(
      input({ observation: observed(limitPane("You've hit your session limit · resets 3am"), NOW) }),
    );
    expect(d.state.rateLimitedUntil).toBe(Date.UTC(2026, 5, 25, 3, 0) + LIMIT_RESET_SLACK_MS);
  });

  it('a bare clock time is read in the agents’ host zone', () => {
    // 15:00 UTC is 17:00 in Berlin (CEST, UTC+2); 6pm there is 16:00 UTC.
    const d = rateLimitDecision(
      input({ timeZone: 'Europe/Berlin', observation: observed(limitPane('Session limit reached ∙ resets 6pm'), NOW) }),
    );
    expect(d.state.rateLimitedUntil).toBe(at(16) + LIMIT_RESET_SLACK_MS);
  });

  it('a reset already past when first seen resumes the agent at once', () => {
    const epoch = Math.floor(at(14) / 1000);
    const d = rateLimitDecision(
      input({ observation: observed(limitPane(`Claude AI usage limit reached|${epoch}`), at(13, 0)) }),
    );
    expect(d.verdict).toBe('resumed');
    expect(d.actions).toEqual([resume()]);
    expect(d.state.rateLimitedUntil).toBeNull();
  });

  it('a message printed before its reset and first seen after it (a worker that was down) resumes at once', () => {
    // Printed at 13:50 ("resets 2pm"), nobody looked until 15:00: read against the pane's last output.
    const d = rateLimitDecision(
      input({ observation: observed(limitPane("You've hit your limit · resets 2pm"), at(13, 50)) }),
    );
    expect(d.verdict).toBe('resumed');
  });
});

describe('rateLimitDecision: one event per limit, then the resume', () => {
  const pane = limitPane("You've hit your limit · resets 5pm (America/New_York)");
  const first = rateLimitDecision(input({ observation: observed(pane, NOW - 5 * SECOND) }));

  it('later ticks record nothing new while the limit lasts', () => {
    const d = rateLimitDecision(
      input({ state: first.state, now: at(20, 0), observation: observed(pane, NOW - 5 * SECOND) }),
    );
    expect(d.verdict).toBe('waiting');
    expect(d.events).toEqual([]);
    expect(d.actions).toEqual([]);
    expect(
      rateLimitDecision(input({ state: first.state, now: at(21, 0, 59), observation: observed(pane, NOW) })).verdict,
    ).toBe('waiting');
  });

  it('once the reset and slack have passed, the agent is told to continue and the limit is cleared', () => {
    const d = rateLimitDecision(input({ state: first.state, now: at(21, 1), observation: observed(pane, NOW) }));
    expect(d.verdict).toBe('resumed');
    expect(d.actions).toEqual([resume()]);
    expect(LIMIT_RESET_MESSAGE).toBe('watchdog: your usage limit has reset — continue where you left off.');
    expect(d.state.rateLimitedUntil).toBeNull();
    // A fresh idle window: the hours spent waiting for the reset are no stall.
    expect(d.state.idleSince).toBe(at(21, 1));
    // The wait, from when the limit was first seen, and forgotten with the limit.
    expect(first.state.rateLimitedSince).toBe(NOW);
    expect(d.actions[0]!.event.durationMs).toBe(at(21, 1) - NOW);
    expect(d.state.rateLimitedSince).toBeUndefined();
  });

  it('a limit whose start is not known (a state from before it was kept) resumes without a wait length', () => {
    const { rateLimitedSince: _since, ...unknownStart } = first.state;
    const d = rateLimitDecision(input({ state: unknownStart, now: at(21, 1), observation: observed(pane, NOW) }));
    expect(d.verdict).toBe('resumed');
    expect(d.actions[0]!.event).not.toHaveProperty('durationMs');
  });

  it('a busy pane before the reset means the agent works again: the limit is dropped', () => {
    const d = rateLimitDecision(input({ state: first.state, now: at(16), observation: observed(busyPane(), at(16)) }));
    expect(d.verdict).toBe('working');
    expect(d.state.rateLimitedUntil).toBeNull();
    expect(d.events).toEqual([expect.objectContaining({ type: 'agent_resumed', durationMs: at(16) - NOW })]);
    expect(d.actions).toEqual([]);
  });

  it('a newer message while limited replaces the reset, quietly', () => {
    const weekly = limitPane("You've hit your weekly limit · resets Jun 26, 9am (UTC)");
    const d = rateLimitDecision(input({ state: first.state, now: at(16), observation: observed(weekly, at(16)) }));
    expect(d.verdict).toBe('waiting');
    expect(d.state.rateLimitedUntil).toBe(Date.UTC(2026, 5, 26, 9, 0) + LIMIT_RESET_SLACK_MS);
    expect(d.events).toEqual([]);
  });
});

describe('rateLimitDecision: a stale message does not extend the limit by a day', () => {
  const pane = limitPane("You've hit your session limit · resets 3pm");

  it('the reset is resolved when the text is first seen and kept while it stays on screen', () => {
    const first = rateLimitDecision(input({ now: at(14, 55), observation: observed(pane, at(14, 50)) }));
    expect(first.state.rateLimitedUntil).toBe(at(15, 1));
    // The pane redrew at 15:00:10 (say, a resize). Re-read then, "resets 3pm" would mean tomorrow:
    expect(parseLimitReset(pane, at(15, 0, 10))?.resetAt).toBe(Date.UTC(2026, 5, 25, 15, 0));
    const redrawn = rateLimitDecision(
      input({ state: first.state, now: at(15, 0, 30), observation: observed(pane, at(15, 0, 10)) }),
    );
    expect(redrawn.verdict).toBe('waiting');
    expect(redrawn.state.rateLimitedUntil).toBe(at(15, 1));
    const resumed = rateLimitDecision(
      input({ state: redrawn.state, now: at(15, 1), observation: observed(pane, at(15, 0, 10)) }),
    );
    expect(resumed.verdict).toBe('resumed');
  });

  it('after the resume the same message still on screen is the old one: no new limit', () => {
    const first = rateLimitDecision(input({ now: at(14, 55), observation: observed(pane, at(14, 50)) }));
    const resumed = rateLimitDecision(
      input({ state: first.state, now: at(15, 1), observation: observed(pane, at(14, 50)) }),
    );
    const after = rateLimitDecision(
      input({ state: resumed.state, now: at(15, 5), observation: observed(pane, at(15, 1)) }),
    );
    expect(after.verdict).toBe('stale');
    expect(after.state.rateLimitedUntil).toBeNull();
    expect(after.events).toEqual([]);
    expect(after.actions).toEqual([]);
  });

  it('once no limit shows the text is forgotten, so the same wording later is a new limit', () => {
    const state = agentState({ rateLimitText: "You've hit your session limit · resets 3pm" });
    const cleared = rateLimitDecision(input({ state, observation: observed(idlePane('⏺ All tests pass.'), NOW) }));
    expect(cleared.state.rateLimitText).toBeNull();
    const again = rateLimitDecision(input({ state: cleared.state, now: at(16), observation: observed(pane, at(16)) }));
    expect(again.verdict).toBe('limited');
    expect(again.state.rateLimitedUntil).toBe(Date.UTC(2026, 5, 25, 15, 1));
  });
});

describe('rateLimitDecision: no readable reset time', () => {
  it('a limit message without a time is probed after a fixed interval', () => {
    const pane = limitPane("You've hit your limit");
    const d = rateLimitDecision(input({ observation: observed(pane, NOW) }));
    expect(d.verdict).toBe('limited');
    expect(d.state.rateLimitedUntil).toBe(NOW + LIMIT_PROBE_INTERVAL_MS);
    expect(LIMIT_PROBE_INTERVAL_MS).toBe(15 * MINUTE);
    const probe = rateLimitDecision(
      input({ state: d.state, now: NOW + 15 * MINUTE, observation: observed(pane, NOW) }),
    );
    expect(probe.verdict).toBe('resumed');
    // Still limited after the probe: another round, quietly.
    const still = rateLimitDecision(
      input({ state: probe.state, now: NOW + 16 * MINUTE, observation: observed(pane, NOW + 15 * MINUTE) }),
    );
    expect(still.verdict).toBe('waiting');
    expect(still.state.rateLimitedUntil).toBe(NOW + 31 * MINUTE);
    expect(still.events).toEqual([]);
  });

  it('a configured limit pattern counts too', () => {
    const credit = { ...patterns, limit: ['Credit balance is too low'] };
    const d = rateLimitDecision(
      input({ patterns: credit, observation: observed(idlePane('Credit balance is too low'), NOW) }),
    );
    expect(d.verdict).toBe('limited');
    expect(d.state.rateLimitText).toBe(LIMIT_PATTERN_TEXT);
  });
});

describe('rateLimitDecision: other agents', () => {
  it('a dead limited agent is not resumed; its limit is dropped at the reset for healing to restart it', () => {
    const state = agentState({ rateLimitedUntil: at(16), rateLimitText: 'x' });
    expect(rateLimitDecision(input({ state, observation: deadPane() })).verdict).toBe('waiting');
    const d = rateLimitDecision(input({ state, now: at(16), observation: deadPane() }));
    expect(d.actions).toEqual([]);
    expect(d.state.rateLimitedUntil).toBeNull();
  });

  it('an agent watched "none" is left alone', () => {
    const d = rateLimitDecision(
      input({
        agent: agentConfig({ watch: 'none' }),
        observation: observed(limitPane("You've hit your limit · resets 5pm"), NOW),
      }),
    );
    expect(d.verdict).toBe('not_watched');
    expect(d.state.rateLimitedUntil).toBeNull();
  });

  it('a limit a hook recorded for an agent watched "none" still expires, so it holds no wake forever', () => {
    const agent = agentConfig({ watch: 'none' });
    const state = agentState({ rateLimitedUntil: at(16) });
    expect(rateLimitDecision(input({ agent, state })).state.rateLimitedUntil).toBe(at(16));
    const d = rateLimitDecision(input({ agent, state, now: at(16) }));
    expect(d.state.rateLimitedUntil).toBeNull();
    expect(d.actions).toEqual([]);
  });

  it('no limit on screen and none recorded: clear', () => {
    expect(rateLimitDecision(input()).verdict).toBe('clear');
  });
});
