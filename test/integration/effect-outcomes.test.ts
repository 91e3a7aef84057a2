/**
 * What a tick's effects do and how their outcomes are told, on real builds (tmux, git, Temporal):
 * one agent's slow launch holds up no other agent, events carry the time they happened, an
 * undelivered handoff stays pending until its agent is back, an operator's update fails when its
 * effect did, and the Web UI's details follow the build.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { runProgram } from '../../src/host/run-program';
import { renderStatus } from '../../src/client/render/status';
import { OPERATOR_ACTION_FAILED } from '../../src/core/operator-reply';
import { BuildResult, nudgeUpdate, pushedSignal, stopSignal } from '../../src/workflows/definitions';
import { BuildHarness, eventually, useHarness } from '../helpers/harness';
import { agentTable, buildHeader, DEMO_LOOP, DEMO_PATTERNS, scriptedAgentBackend } from '../helpers/configs';
import { inertScript, pushCommit } from '../helpers/inert';
import { steward } from '../helpers/cli';
import { sessionsRead } from '../helpers/transcripts';
import { Build, eventsOf, sessionOf, status, stopBuild, ticks, untilEvents } from '../helpers/supervision';

/** The scripted agent behind `sleep`: its pane stays blank that long, so its launch takes that long. */
function slowStartBackend(name: string, script: string, seconds: number): string {
  const agent = join(process.cwd(), 'bin', 'steward-scripted-agent');
  return `
[backend.${name}]
command = "sh"
args = ["-c", ${JSON.stringify(`sleep ${seconds}; exec '${agent}' --script '${script}' "$@"`)}, "sh"]
session_id_flag = "--session-id"
busy_patterns = ${JSON.stringify(DEMO_PATTERNS.busy_patterns)}
idle_patterns = ${JSON.stringify(DEMO_PATTERNS.idle_patterns)}`;
}

/** The Web UI's current details of the build (what `setCurrentDetails` last set). */
async function currentDetails(handle: Build): Promise<string> {
  const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
  return metadata.currentDetails ?? '';
}

async function killSession(h: BuildHarness, agent: string): Promise<void> {
  expect((await runProgram('tmux', ['-L', h.socket, 'kill-session', '-t', `=${sessionOf(h, agent)}`])).code).toBe(0);
}

describe('effects and their outcomes on a real build', () => {
  const h = useHarness('effects');

  it("runs different agents' effects concurrently, each in order, and stamps events when they happened", async () => {
    const script = await inertScript(h);
    // Phase p1 is already done: the first tick launches both agents, advances to p2 and kicks it off.
    await pushCommit(h, 'builder', 'p1 done', { path: '.steward-state/STATUS-p1.md', text: '## DONE\n' });
    const config = `${buildHeader(h.name, 'signal_interval = 0.2')}
${slowStartBackend('slow', script, 8)}
${scriptedAgentBackend('inert', script, DEMO_PATTERNS)}
${agentTable({ name: 'builder', backend: 'slow', cwd: 'builder', kickoff: 'You are the builder.' })}
${agentTable({ name: 'adversary', backend: 'inert', cwd: 'adversary', kickoff: 'You are the adversary.' })}
${DEMO_LOOP}`;
    const { handle } = await h.start(await h.writeConfig(config));

    const view = await untilEvents(handle, 'agent_started', 'builder', 1, 60_000);
    const at = (type: Parameters<typeof eventsOf>[1], agent?: string, phase?: string) => {
      const e = eventsOf(view, type, agent).find((x) => phase === undefined || x.phase === phase);
      if (!e) throw new Error(`no ${type} ${agent ?? ''} ${phase ?? ''} in ${JSON.stringify(view.events)}`);
      return e.at;
    };
    const builderStarted = at('agent_started', 'builder');
    // The adversary was launched and kicked off while the builder's launch was still waiting for its pane.
    expect(builderStarted - at('agent_started', 'adversary')).toBeGreaterThan(4_000);
    expect(builderStarted - at('ping_sent', 'adversary', 'p2')).toBeGreaterThan(4_000);
    // The phase advanced when it was decided, not when the tick's slowest effect was done.
    expect(builderStarted - at('phase_started', undefined, 'p2')).toBeGreaterThan(4_000);
    expect(at('phase_started', undefined, 'p2')).toBeLessThanOrEqual(at('agent_started', 'adversary'));
    // Within an agent the order holds: its launch, then its kickoff.
    expect(at('ping_sent', 'builder', 'p2')).toBeGreaterThanOrEqual(builderStarted);
    // Sequence numbers follow the time each event happened.
    const stamps = view.events.map((e) => e.at);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));

    // Each agent read its launch prompt (with p1's kickoff), then the p2 kickoff, once each.
    const read = await eventually(
      async () => {
        const sessions = await sessionsRead(h);
        return sessions.length === 2 && sessions.every((s) => s.prompts.some((p) => p.includes('Phase p2 begins')))
          ? sessions
          : null;
      },
      20_000,
      'both agents read the p2 kickoff',
    );
    for (const s of read) {
      const lines = s.prompts
        .map((p) => (p.includes('Phase p1 begins') ? 'p1' : p.includes('Phase p2 begins') ? 'p2' : null))
        .filter(Boolean);
      expect(lines).toEqual(['p1', 'p2']);
    }
    await stopBuild(handle);
  });

  it('keeps an undelivered handoff pending until its agent is back, fails an update whose effect failed, and keeps the Web UI details current', async () => {
    const script = await inertScript(h);
    const config = (
      heavy: string,
    ) => `${buildHeader(h.name, `signal_interval = 0.2\nheavy_interval = "${heavy}"\nreboot_backoff = "200ms"`)}
${scriptedAgentBackend('inert', script, DEMO_PATTERNS)}
${agentTable({ name: 'builder', backend: 'inert', cwd: 'builder', kickoff: 'You are the builder.' })}
${agentTable({ name: 'adversary', backend: 'inert', cwd: 'adversary', kickoff: 'You are the adversary.' })}
${agentTable({ name: 'dier', kind: 'persistent', backend: 'inert', cwd: 'supervisor', kickoff: 'You die.' })}
watch = "none"
${DEMO_LOOP}`;
    // No healing until the test turns it on by editing the config.
    const file = await h.writeConfig(config('1h'));
    const { handle } = await h.start(file);
    await eventually(
      async () => {
        const v = await status(handle!);
        return v.agents.builder?.alive && v.agents.adversary?.alive && v.agents.dier?.alive;
      },
      30_000,
      'agents alive',
    );

    // The Web UI's details follow the agents, not only status and phase changes.
    await eventually(
      async () => {
        const details = await currentDetails(handle!);
        return details.includes('builder: alive') && details.includes('adversary: alive') ? details : null;
      },
      10_000,
      'details showing the agents alive',
    );

    // An operator's nudge to an agent whose session is gone fails, with the cause.
    await killSession(h, 'dier');
    let failure: unknown;
    await handle
      .executeUpdate(nudgeUpdate, { args: [{ agent: 'dier', message: 'operator says hi' }] })
      .catch((err: unknown) => (failure = err));
    expect(failure).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (failure as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe(OPERATOR_ACTION_FAILED);
    expect(cause!.message).toMatch(
      new RegExp(`^nudge dier failed: send dier: session ${sessionOf(h, 'dier')} is not running`),
    );
    // So does the CLI: exit 1 (a failed effect, not bad input), the cause on stderr.
    const cli = await steward(['nudge', h.name, 'dier']);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe('');
    expect(cli.errLines).toEqual([
      `steward: nudge dier failed: send dier: session ${sessionOf(h, 'dier')} is not running`,
    ]);

    // The adversary's session dies; the builder claims a gate. The ping cannot be typed: it stays pending.
    await killSession(h, 'adversary');
    await pushCommit(h, 'builder', 'claim: gate 1');
    await handle.signal(pushedSignal);
    const held = await untilEvents(handle, 'message_held', 'adversary', 1, 20_000);
    expect(eventsOf(held, 'message_held', 'adversary')[0]!.message).toMatch(
      /^not delivered \(session .* is not running\); pending until its session is back: claim claim: gate 1 \(/,
    );
    expect(eventsOf(held, 'action_failed', 'adversary')).toEqual([]);
    expect(held.agents.adversary!.held).toHaveLength(1);
    const row = renderStatus(
      held,
      { workflowId: handle.workflowId, runId: '', workflowStatus: 'RUNNING', startTime: null, closeTime: null },
      Date.now(),
    ).find((l) => l.startsWith('adversary'));
    expect(row).toContain('1 message(s) pending');
    await eventually(
      async () => ((await currentDetails(handle!)).includes('adversary: down 1 message(s) pending') ? true : null),
      10_000,
      'details showing the pending message',
    );

    // While the agent is down nothing is tried again and again.
    await ticks(1_500);
    const still = await status(handle);
    expect(eventsOf(still, 'message_held', 'adversary')).toHaveLength(1);
    expect(eventsOf(still, 'ping_sent', 'adversary')).toHaveLength(0);
    expect(still.agents.adversary!.held).toHaveLength(1);

    // Healing on: the adversary is relaunched, and the pending ping is typed once, after the launch.
    await writeFile(file, config('0.5s'));
    const healed = await untilEvents(handle, 'ping_sent', 'adversary', 1, 30_000);
    expect(eventsOf(healed, 'agent_healed', 'adversary')).toHaveLength(1);
    expect(eventsOf(healed, 'ping_sent', 'adversary')[0]!.message).toMatch(/^claim claim: gate 1 \(/);
    expect(healed.agents.adversary!.held).toEqual([]);
    await ticks(1_500);
    const after = await status(handle);
    expect(eventsOf(after, 'ping_sent', 'adversary')).toHaveLength(1);
    const adversaryRead = await eventually(
      async () => {
        const sessions = (await sessionsRead(h)).filter((s) => s.session === after.agents.adversary!.sessionId);
        return sessions[0]?.prompts.some((p) => p.includes('CLAIM commit')) ? sessions[0] : null;
      },
      10_000,
      'the healed adversary reading the claim ping',
    );
    expect(adversaryRead.prompts.filter((p) => p.includes('"claim: gate 1"'))).toHaveLength(1);
    // After the launch's kickoff, in the new session.
    expect(adversaryRead.prompts[0]).toContain('You are the adversary.');

    // Stopped in its first phase: the result's time is the build's wall time, not the (empty) sum of phases.
    await handle.signal(stopSignal, 'test over');
    const result = (await handle.result()) as BuildResult;
    expect(result.totalDurationMs).toBe(0);
    expect(result.wallTimeMs!).toBeGreaterThan(5_000);
    expect(result.startedAt).toBe(after.startedAt);
  });
});
