import { eventually, useHarness } from '../helpers/harness';
import { IDLE_SCRIPT } from '../helpers/inert';
import {
  eventsOf,
  panePid,
  paneText,
  startSupervised,
  stopBuild,
  SupervisedBuild,
  untilAgents,
  untilEvents,
} from '../helpers/supervision';

// Grace longer than idle + backoff, so that what holds back a stall verdict after a (re)start
// can only be the grace.
const STALL_GRACE_MS = 2_500;
const STALL_IDLE_MS = 1_500;
const REBOOT_BACKOFF_MS = 100;

function stallBuild(waiterScript: string): SupervisedBuild {
  return {
    watchdog: {
      signal_interval: '200ms',
      heavy_interval: '1m',
      stall_grace: `${STALL_GRACE_MS}ms`,
      stall_idle: `${STALL_IDLE_MS}ms`,
      reboot_backoff: `${REBOOT_BACKOFF_MS}ms`,
      crash_loop_reboots: 10,
      crash_loop_window: '10m',
    },
    scripts: { inert: IDLE_SCRIPT, waiter: waiterScript },
    agents: [
      { name: 'builder', backend: 'inert', cwd: 'builder', kickoff: 'You are the builder.' },
      { name: 'waiter', backend: 'waiter', cwd: 'adversary', kickoff: 'You are the waiter.' },
    ],
    phases: [{ id: 'p1', kickoff: 'Write the greeting.' }],
  };
}

describe('stall detection on a real build', () => {
  const h = useHarness('stall');

  it('DONE-nudges a stalled loop agent once, then kills and reboots it; a WAITING-UNTIL marker defers it; stall_grace holds after every (re)start', async () => {
    // The waiter says, as its first answer, that it waits on purpose until a few seconds from now.
    const waitUntil = Math.ceil((Date.now() + 8_000) / 1000) * 1000;
    const marker = `WAITING-UNTIL: ${new Date(waitUntil).toISOString().replace('.000Z', 'Z')} adversary review`;
    const handle = await startSupervised(
      h,
      stallBuild(`[[on]]\nmatch = "You are the waiter"\ndo = [{ say = "${marker}" }]\n`),
    );

    const started = await untilAgents(handle, ['builder', 'waiter']);
    const firstStart = started.agents.builder!.startedAt!;
    const firstSession = started.agents.builder!.sessionId;
    const firstPid = await panePid(h, 'builder');
    expect(firstPid).not.toBeNull();
    const waiterPid = await panePid(h, 'waiter');

    // 1. Stalled in p1, which is not marked done: ONE DONE-nudge, typed into the same pane.
    const nudged = await untilEvents(handle, 'agent_nudged', 'builder');
    expect(eventsOf(nudged, 'agent_rebooted', 'builder')).toHaveLength(0);
    const nudge = eventsOf(nudged, 'agent_nudged', 'builder')[0]!;
    expect(nudge.phase).toBe('p1');
    expect(nudge.message).toMatch(/idle \d+s with no WAITING-UNTIL marker; DONE-nudge: phase p1 is not marked done/);
    const nudgedAt = nudged.agents.builder!.idleSince!; // the nudge opened a fresh idle window at its tick
    expect(nudged.agents.builder!.doneNudgedPhase).toBe('p1');
    // No verdict inside the grace after the start, though the agent was idle long before it ended.
    expect(nudgedAt - firstStart).toBeGreaterThanOrEqual(STALL_GRACE_MS);
    await eventually(
      async () =>
        (await paneText(h, 'builder')).includes(
          "watchdog nudge: you've stalled in phase 'p1', which is NOT yet marked '## DONE'",
        ),
      10_000,
      'nudge in the pane',
    );
    expect(await panePid(h, 'builder')).toBe(firstPid);

    // 2. Still idle a whole fresh window later: kill + reboot, with its kickoff and the phase's.
    const rebooted = await untilEvents(handle, 'agent_rebooted', 'builder');
    const reboot = eventsOf(rebooted, 'agent_rebooted', 'builder')[0]!;
    expect(reboot.phase).toBe('p1');
    expect(reboot.message).toMatch(/idle \d+s with no WAITING-UNTIL marker — kill \+ reboot/);
    expect(reboot.seq).toBeGreaterThan(nudge.seq);
    const firstReboot = rebooted.agents.builder!.reboots[0]!;
    expect(firstReboot - nudgedAt).toBeGreaterThanOrEqual(STALL_IDLE_MS);
    expect(rebooted.agents.builder!.sessionId).not.toBe(firstSession);
    expect(rebooted.agents.builder!.startedAt).toBe(firstReboot);
    const secondPid = await eventually(
      async () => {
        const pid = await panePid(h, 'builder');
        return pid && pid !== firstPid ? pid : null;
      },
      10_000,
      'a new pane pid',
    );
    const relaunched = await eventually(
      async () => {
        const text = await paneText(h, 'builder');
        return text.includes('Phase p1 begins. Write the greeting.') ? text : null;
      },
      10_000,
      'kickoff in the relaunched pane',
    );
    expect(relaunched).toContain('You are the builder.');
    expect(relaunched).not.toContain('watchdog nudge'); // a fresh pane, not the old one
    expect(relaunched).toContain(`(session ${rebooted.agents.builder!.sessionId})`);

    // 3. The next stall in the same phase is no second nudge but another reboot — and not before
    //    the grace after the reboot is over, though idle + backoff had passed long before.
    const again = await untilEvents(handle, 'agent_rebooted', 'builder', 2);
    const [r1, r2] = again.agents.builder!.reboots;
    expect(r1).toBe(firstReboot);
    expect(r2! - r1!).toBeGreaterThanOrEqual(STALL_GRACE_MS);
    expect(eventsOf(again, 'agent_nudged', 'builder')).toHaveLength(1);
    await eventually(
      async () => {
        const pid = await panePid(h, 'builder');
        return pid && pid !== secondPid;
      },
      10_000,
      'a third pane pid',
    );

    // 4. The waiter: its marker was latched with the time it names, and kept it from any verdict
    //    until then; after that it stalls like anyone else (its DONE-nudge), a stall_idle later.
    const waiterNudged = await untilEvents(handle, 'agent_nudged', 'waiter');
    const waiter = waiterNudged.agents.waiter!;
    expect(waiter.waitingText).toBe(marker);
    expect(waiter.waitingUntil).toBe(waitUntil);
    const waiterNudge = eventsOf(waiterNudged, 'agent_nudged', 'waiter')[0]!;
    expect(waiterNudge.message).toContain(`past its marker "${marker}"`);
    expect(waiter.idleSince! - waitUntil).toBeGreaterThanOrEqual(STALL_IDLE_MS);
    expect(eventsOf(waiterNudged, 'agent_rebooted', 'waiter')).toHaveLength(0);
    expect(await panePid(h, 'waiter')).toBe(waiterPid);
    // The builder was nudged and rebooted twice while the waiter sat idle behind its marker.
    expect(waiterNudge.seq).toBeGreaterThan(eventsOf(again, 'agent_rebooted', 'builder')[1]!.seq);

    await stopBuild(handle);
  });
});
