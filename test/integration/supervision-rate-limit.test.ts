import { eventually, useHarness } from '../helpers/harness';
import { LIMIT_RESET_MESSAGE, LIMIT_RESET_SLACK_MS } from '../../src/core/supervision';
import { eventsOf, paneText, startSupervised, stopBuild, SupervisedBuild, untilEvents } from '../helpers/supervision';

const STALL_IDLE_MS = 1_000;

function limitBuild(script: string): SupervisedBuild {
  return {
    watchdog: {
      signal_interval: '200ms',
      heavy_interval: '1m',
      stall_grace: '300ms',
      stall_idle: `${STALL_IDLE_MS}ms`,
    },
    scripts: { limited: script },
    agents: [{ name: 'builder', backend: 'limited', cwd: 'builder', kickoff: 'You are the builder.' }],
  };
}

describe('usage limits on a real build', () => {
  const h = useHarness('ratelimit');

  it('holds a limited agent (no stall verdict) until its reset + slack, then types the resume message', async () => {
    // Claude Code's epoch form carries the reset to the second. Steward resumes LIMIT_RESET_SLACK_MS
    // (a minute) after the reset; the reset named here lies that much minus ~8 s in the past, so the
    // test waits ~8 s rather than a minute and still sees the whole hold.
    const resetSeconds = Math.ceil((Date.now() + 8_000 - LIMIT_RESET_SLACK_MS) / 1000);
    const limitText = `Claude AI usage limit reached|${resetSeconds}`;
    const handle = await startSupervised(
      h,
      limitBuild(`[[on]]\nmatch = "You are the builder"\ndo = [{ say = "${limitText}" }]\n`),
    );

    const limited = await untilEvents(handle, 'agent_rate_limited', 'builder');
    const until = resetSeconds * 1000 + LIMIT_RESET_SLACK_MS;
    expect(eventsOf(limited, 'agent_rate_limited', 'builder')[0]!.message).toBe(
      `${limitText} — resets ${new Date(resetSeconds * 1000).toISOString()}`,
    );
    expect(limited.agents.builder!.rateLimitedUntil).toBe(until);
    expect(limited.agents.builder!.rateLimitText).toBe(limitText);
    expect(await paneText(h, 'builder')).toContain(limitText);

    const resumed = await untilEvents(handle, 'agent_resumed', 'builder');
    const resume = eventsOf(resumed, 'agent_resumed', 'builder')[0]!;
    expect(resume.message).toBe(`usage limit reset (${limitText})`);
    expect(resume.at).toBeGreaterThanOrEqual(until);
    expect(resumed.agents.builder!.rateLimitedUntil).toBeNull();
    await eventually(
      async () => (await paneText(h, 'builder')).includes(LIMIT_RESET_MESSAGE),
      10_000,
      'resume message in the pane',
    );
    // Idle for many stall_idle windows while limited, yet never nudged or rebooted (busy/idle telemetry aside).
    const beforeResume = resumed.events
      .filter((e) => e.seq < resume.seq && e.agent === 'builder' && e.type !== 'agent_busy' && e.type !== 'agent_idle')
      .map((e) => e.type);
    expect(beforeResume).toEqual(['agent_started', 'agent_rate_limited']);

    // Stall detection was held, not switched off: still idle after the resume, it gets its
    // DONE-nudge a stall_idle later. The old message still on screen is no new limit.
    const nudged = await untilEvents(handle, 'agent_nudged', 'builder');
    expect(eventsOf(nudged, 'agent_nudged', 'builder')[0]!.seq).toBeGreaterThan(resume.seq);
    expect(nudged.agents.builder!.idleSince! - until).toBeGreaterThanOrEqual(STALL_IDLE_MS); // the resume opened a fresh idle window
    expect(eventsOf(nudged, 'agent_rate_limited', 'builder')).toHaveLength(1);
    expect(await paneText(h, 'builder')).toContain(limitText);

    await stopBuild(handle);
  });
});
