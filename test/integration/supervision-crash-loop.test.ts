import { eventually, useHarness } from '../helpers/harness';
import { EscalationSearchAttribute, restartUpdate, StatusSearchAttribute } from '../../src/workflows/definitions';
import { IDLE_SCRIPT } from '../helpers/inert';
import {
  Build,
  eventsOf,
  panePid,
  startSupervised,
  status,
  stopBuild,
  SupervisedBuild,
  ticks,
  untilAgents,
  untilEvents,
} from '../helpers/supervision';

// The backoff dominates grace + idle, so the pace of the reboots is the backoff's.
const REBOOT_BACKOFF_MS = 1_000;
const CRASH_LOOP_REBOOTS = 2;

const CRASH_LOOP_BUILD: SupervisedBuild = {
  watchdog: {
    signal_interval: '200ms',
    heavy_interval: '300ms',
    stall_grace: '200ms',
    stall_idle: '400ms',
    reboot_backoff: `${REBOOT_BACKOFF_MS}ms`,
    crash_loop_reboots: CRASH_LOOP_REBOOTS,
    crash_loop_window: '10m',
  },
  scripts: {
    inert: IDLE_SCRIPT,
    // Dies right after reading its kickoff. (Not at once: see the report on launchAgent's race.)
    crasher: '[[on]]\nmatch = "You are the crasher"\ndo = [{ sleep = 300 }, { exit = 1 }]\n',
  },
  agents: [
    { name: 'staller', backend: 'inert', cwd: 'builder', kickoff: 'You are the staller.' },
    { name: 'crasher', kind: 'persistent', backend: 'crasher', cwd: 'adversary', kickoff: 'You are the crasher.' },
  ],
  loop: 'done_nudge = false',
};

async function escalation(handle: Build): Promise<string | undefined> {
  return (await handle.describe()).typedSearchAttributes.get(EscalationSearchAttribute);
}

describe('crash loops on a real build', () => {
  const h = useHarness('crashloop');

  it('reboots an agent that keeps stalling, and heals one that keeps dying, with backoff; then escalates (crash_loop, StewardEscalation) and stops rebooting', async () => {
    const handle = await startSupervised(h, CRASH_LOOP_BUILD);
    // The first tick's start times, visible while its launches are still under way.
    const started = await untilAgents(handle, ['staller', 'crasher'], 'startedAt');
    expect(started.agents.staller!.reboots).toEqual([]);
    expect(started.agents.crasher!.reboots).toEqual([]);
    expect(await escalation(handle)).toBe('none');

    await untilEvents(handle, 'crash_loop', 'staller');
    const view = await untilEvents(handle, 'crash_loop', 'crasher');
    for (const [agent, restart, why] of [
      ['staller', 'agent_rebooted', /idle \d+s with no WAITING-UNTIL marker — kill \+ reboot/],
      ['crasher', 'agent_healed', /session was dead — restarted with its kickoff/],
    ] as const) {
      // Exactly crash_loop_reboots restarts, then the escalation.
      const restarts = eventsOf(view, restart, agent);
      expect(restarts).toHaveLength(CRASH_LOOP_REBOOTS);
      for (const e of restarts) expect(e.message).toMatch(why);
      const [loop] = eventsOf(view, 'crash_loop', agent);
      expect(loop!.message).toMatch(
        new RegExp(
          `^${CRASH_LOOP_REBOOTS} reboots within 10m and still failing .*not rebooting again until an operator restarts it`,
        ),
      );
      expect(loop!.seq).toBeGreaterThan(restarts[restarts.length - 1]!.seq);
      // Backoff: the k-th restart waits reboot_backoff × 2^(k-1) after the previous (re)start.
      const state = view.agents[agent]!;
      expect(state.crashLooped).toBe(true);
      const [first, second] = state.reboots;
      expect(first! - started.agents[agent]!.startedAt!).toBeGreaterThanOrEqual(REBOOT_BACKOFF_MS);
      expect(second! - first!).toBeGreaterThanOrEqual(2 * REBOOT_BACKOFF_MS);
    }

    // The Web UI / `temporal workflow list` can find the build by its escalation.
    await eventually(
      async () => (await escalation(handle!)) === 'crash-loop:staller,crash-loop:crasher',
      10_000,
      'StewardEscalation',
    );
    expect((await handle.describe()).typedSearchAttributes.get(StatusSearchAttribute)).toBe('running');

    // No more restarts, well past when the next one's backoff (×4) would have allowed it.
    const stallerPid = await panePid(h, 'staller');
    expect(stallerPid).not.toBeNull(); // a stalled agent is left as it is, for an operator to look at
    const lastReboot = Math.max(...view.agents.staller!.reboots, ...view.agents.crasher!.reboots);
    await ticks(Math.max(0, lastReboot + 4 * REBOOT_BACKOFF_MS + 1_000 - Date.now()));
    const later = await status(handle);
    expect(eventsOf(later, 'agent_rebooted')).toHaveLength(CRASH_LOOP_REBOOTS);
    expect(eventsOf(later, 'agent_healed')).toHaveLength(CRASH_LOOP_REBOOTS);
    expect(eventsOf(later, 'crash_loop')).toHaveLength(2);
    expect(await panePid(h, 'staller')).toBe(stallerPid);
    expect(await panePid(h, 'crasher')).toBeNull();
    expect(later.agents.crasher!.alive).toBe(false);

    // An operator restart clears the agent's escalation.
    await handle.executeUpdate(restartUpdate, { args: [{ agent: 'staller' }] });
    expect((await status(handle)).agents.staller!.crashLooped).toBe(false);
    await eventually(
      async () => (await escalation(handle!)) === 'crash-loop:crasher',
      10_000,
      'StewardEscalation after restart',
    );

    await stopBuild(handle);
  });
});
