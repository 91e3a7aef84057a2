import { eventually, useHarness } from '../helpers/harness';
import { runProgram } from '../../src/host/run-program';
import { IDLE_SCRIPT } from '../helpers/inert';
import {
  eventsOf,
  panePid,
  paneText,
  startSupervised,
  status,
  stopBuild,
  SupervisedBuild,
  untilAgents,
  untilEvents,
} from '../helpers/supervision';

const HEAL_BUILD: SupervisedBuild = {
  watchdog: { signal_interval: '200ms', heavy_interval: '500ms', reboot_backoff: '200ms' },
  scripts: { inert: IDLE_SCRIPT },
  agents: [
    { name: 'builder', backend: 'inert', cwd: 'builder', kickoff: 'You are the builder.' },
    { name: 'watcher', kind: 'persistent', backend: 'inert', cwd: 'supervisor', kickoff: 'You watch.' },
  ],
  phases: [{ id: 'p1', kickoff: 'Write the greeting.' }],
};

describe('healing on a real build', () => {
  const h = useHarness('heal');

  it('fault "tmux server killed": restarts every agent with its kickoff on the heavy cadence (agent_healed); so is one dead session', async () => {
    const handle = await startSupervised(h, HEAL_BUILD);
    const before = await untilAgents(handle, ['builder', 'watcher']);
    const pids = { builder: await panePid(h, 'builder'), watcher: await panePid(h, 'watcher') };
    expect(pids.builder).not.toBeNull();
    expect(pids.watcher).not.toBeNull();

    // The fault: the tmux server dies under the agents.
    const kill = await runProgram('tmux', ['-L', h.socket, 'kill-server']);
    expect(kill.code).toBe(0);
    expect(await h.tmux.listSessions()).toEqual([]);

    await untilEvents(handle, 'agent_healed', 'watcher', 1, 30_000);
    await untilEvents(handle, 'agent_healed', 'builder', 1, 30_000);
    const view = await status(handle);
    const [builderHeal] = eventsOf(view, 'agent_healed', 'builder');
    const [watcherHeal] = eventsOf(view, 'agent_healed', 'watcher');
    expect(builderHeal!.message).toBe('session was dead — restarted with its kickoff');
    expect(builderHeal!.phase).toBe('p1');
    expect(watcherHeal!.message).toBe('session was dead — restarted with its kickoff');
    // Healed once each, as fresh sessions; nothing else restarted them.
    expect(eventsOf(view, 'agent_healed')).toHaveLength(2);
    expect(eventsOf(view, 'agent_rebooted')).toHaveLength(0);
    expect(eventsOf(view, 'action_failed')).toHaveLength(0);
    for (const agent of ['builder', 'watcher'] as const) {
      expect(view.agents[agent]!.sessionId).not.toBe(before.agents[agent]!.sessionId);
      expect(view.agents[agent]!.reboots).toHaveLength(1);
    }

    // New processes in a new tmux server, each told its kickoff again (the loop agent: and the phase's).
    await eventually(
      async () => {
        const [b, w] = [await panePid(h, 'builder'), await panePid(h, 'watcher')];
        return b && w && b !== pids.builder && w !== pids.watcher;
      },
      10_000,
      'new pane pids',
    );
    const builderPane = await eventually(
      async () => {
        const text = await paneText(h, 'builder');
        return text.includes('Phase p1 begins. Write the greeting.') ? text : null;
      },
      10_000,
      'builder kickoff',
    );
    expect(builderPane).toContain('You are the builder.');
    expect(builderPane).toContain(`(session ${view.agents.builder!.sessionId})`);
    await eventually(async () => (await paneText(h, 'watcher')).includes('You watch.'), 10_000, 'watcher kickoff');
    await untilAgents(handle, ['builder', 'watcher'], 'alive', 10_000);

    // One session dying while the tmux server lives on is healed too; the other agent is left alone.
    const survivor = await panePid(h, 'builder');
    expect((await runProgram('tmux', ['-L', h.socket, 'kill-session', '-t', `=${h.name}-watcher`])).code).toBe(0);
    const again = await untilEvents(handle, 'agent_healed', 'watcher', 2, 30_000);
    expect(eventsOf(again, 'agent_healed', 'builder')).toHaveLength(1);
    await eventually(
      async () => (await paneText(h, 'watcher')).includes('You watch.'),
      10_000,
      'watcher kickoff after its session died',
    );
    expect(await panePid(h, 'builder')).toBe(survivor);

    await stopBuild(handle);
  });
});
