import type { WorkflowHandle } from '@temporalio/client';
import { eventually, useHarness } from '../helpers/harness';
import { inertPairConfig, inertScript } from '../helpers/inert';
import { commandBackend } from '../helpers/configs';
import { nudgeUpdate, statusQuery } from '../../src/workflows/definitions';
import type { StewardEvent } from '../../src/core/events';

/** The failed attempts of one activity type in the build's history, with their failure types. */
async function failures(handle: WorkflowHandle, activity: string): Promise<{ attempts: number[]; types: string[] }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map<string, string>();
  for (const e of events) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
  }
  const started = new Map<string, number>();
  for (const e of events) {
    const s = e.activityTaskStartedEventAttributes;
    if (s) started.set(String(s.scheduledEventId), s.attempt ?? 0);
  }
  const failed = events
    .map((e) => e.activityTaskFailedEventAttributes)
    .filter((f) => f && scheduled.get(String(f.scheduledEventId)) === activity);
  return {
    attempts: failed.map((f) => started.get(String(f!.scheduledEventId)) ?? 0),
    types: failed.map((f) => f!.failure?.applicationFailureInfo?.type ?? ''),
  };
}

/**
 * What no retry can fix fails at once, as a non-retryable failure with a clear message, and
 * becomes an event; the build goes on. Here: an agent whose command is not installed (a config
 * error), and a message for an agent whose session is gone.
 */
describe('failure policy: permanent failures are not retried', () => {
  let handle: WorkflowHandle | undefined;
  const h = useHarness('failpolicy');

  const failed = async (agent: string): Promise<StewardEvent[]> =>
    (await handle!.query(statusQuery)).events.filter((e) => e.type === 'action_failed' && e.agent === agent);

  it('an agent command that is not installed: one attempt, ConfigError, action_failed naming it; the other agent runs', async () => {
    const config = inertPairConfig(h.name, await inertScript(h), undefined, {
      backends: commandBackend('missing', 'no-such-agent-cli'),
      agent: { backend: 'missing' },
    });
    ({ handle } = await h.start(await h.writeConfig(config)));
    const [event] = await eventually(
      async () => {
        const f = await failed('builder');
        return f.length ? f : null;
      },
      30_000,
      'action_failed for builder',
    );
    expect(event!.message).toBe('launch: agent builder: command not found: no-such-agent-cli');
    expect(await failures(handle, 'launchAgent')).toEqual({ attempts: [1], types: ['ConfigError'] });
    await eventually(async () => (await handle!.query(statusQuery)).agents.adversary?.alive, 15_000, 'adversary alive');
    expect((await handle.query(statusQuery)).status).toBe('running');
  });

  it('an agent whose program exits at once: each launch is one attempt (AgentExited), and the crash loop comes after crash_loop_reboots restarts', async () => {
    const config = inertPairConfig(
      h.name,
      await inertScript(h),
      'signal_interval = 0.2\nheavy_interval = 0.3\nreboot_backoff = "500ms"\ncrash_loop_reboots = 2',
      {
        backends: commandBackend('quitter', 'false'),
        agent: { backend: 'quitter', kind: 'persistent', kickoff: 'You are the builder.' },
      },
    );
    ({ handle } = await h.start(await h.writeConfig(config)));
    await eventually(
      async () =>
        (await handle!.query(statusQuery)).events.some((e) => e.type === 'crash_loop' && e.agent === 'builder'),
      60_000,
      'crash_loop',
    );
    // The first launch and two heals, each tried once: 3 starts, not 3 × 5.
    expect(await failures(handle, 'launchAgent')).toEqual({
      attempts: [1, 1, 1],
      types: ['AgentExited', 'AgentExited', 'AgentExited'],
    });
    const [event] = await failed('builder');
    expect(event!.message).toMatch(/^launch: agent builder: false exited right after start/);
  });

  it('a message for an agent whose session is gone: one attempt, AgentGone, action_failed', async () => {
    ({ handle } = await h.start(await h.writeConfig(inertPairConfig(h.name, await inertScript(h)))));
    await eventually(async () => (await handle!.query(statusQuery)).agents.builder?.alive, 30_000, 'builder alive');
    await h.tmux.killSession(`${h.name}-builder`);
    // The operator hears that it failed, and why (the reply follows the effect).
    await expect(
      handle.executeUpdate(nudgeUpdate, { args: [{ agent: 'builder', message: 'anyone there?' }] }),
    ).rejects.toMatchObject({
      cause: { message: `nudge builder failed: send builder: session ${h.name}-builder is not running` },
    });
    const [event] = await failed('builder');
    expect(event!.message).toBe(`send: session ${h.name}-builder is not running`);
    expect(await failures(handle, 'sendToAgent')).toEqual({ attempts: [1], types: ['AgentGone'] });
    expect((await handle.query(statusQuery)).status).toBe('running');
  });
});
