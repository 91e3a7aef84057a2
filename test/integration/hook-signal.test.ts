import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { eventually, testServerAddress, useHarness } from '../helpers/harness';
import { inertPairConfig, inertScript, pushCommit } from '../helpers/inert';
import type { AgentHookEvent } from '../../src/core/hook-event';
import type { StewardEvent } from '../../src/core/events';
import { LIMIT_PROBE_INTERVAL_MS, LIMIT_RESET_SLACK_MS } from '../../src/core/supervision';
import { BuildStatusView, nudgeUpdate, statusQuery } from '../../src/workflows/definitions';

const ROOT = resolve(__dirname, '..', '..');
const BIN = resolve(ROOT, 'bin', 'steward');
const fixture = (name: string): string => readFileSync(resolve(ROOT, 'test', 'fixtures', 'hooks', name), 'utf8');

interface HookRun {
  code: number | null;
  stdout: string;
  errLines: string[];
  /** Epoch ms just before the process started. */
  startedAt: number;
}

/**
 * Runs the real `node bin/steward hook` as Claude Code does: the payload on stdin, the build and
 * agent in STEWARD_BUILD / STEWARD_AGENT, Temporal in TEMPORAL_ADDRESS.
 */
function runHook(payload: string, env: Record<string, string>): Promise<HookRun> {
  if (!existsSync(resolve(ROOT, 'dist', 'client', 'cli.js')))
    throw new Error('dist/ is missing: run `npm run build` before the CLI tests');
  const startedAt = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'hook'], {
      cwd: ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: testServerAddress(),
        TEMPORAL_NAMESPACE: 'default',
        STEWARD_SESSION_ID: '',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, errLines: stderr.split('\n').filter((l) => l.trim() !== ''), startedAt });
    });
    child.stdin.end(payload);
  });
}

/** The `hook` signals the build's history holds so far, decoded. */
async function hookSignals(handle: WorkflowHandle): Promise<AgentHookEvent[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((a) => a?.signalName === 'hook')
    .map((a) => JSON.parse(Buffer.from(a!.input!.payloads![0]!.data!).toString()) as AgentHookEvent);
}

describe('steward hook: recorded Claude Code payloads reach a running build', () => {
  let handle: WorkflowHandle;
  let env: Record<string, string>;
  const status = (): Promise<BuildStatusView> => handle.query(statusQuery);
  const eventsOf = async (type: string, agent: string): Promise<StewardEvent[]> =>
    (await status()).events.filter((e) => e.type === type && e.agent === agent);
  const h = useHarness('hook', { per: 'block' });

  beforeAll(async () => {
    ({ handle } = await h.start(await h.writeConfig(inertPairConfig(h.name, await inertScript(h)))));
    await eventually(
      async () => {
        const view = await status();
        return view.agents.builder?.alive && view.agents.adversary?.alive;
      },
      30_000,
      'agents alive',
    );
    env = { STEWARD_BUILD: h.name, STEWARD_AGENT: 'builder' };
  });

  it('StopFailure rate_limit: the agent is rate-limited (probe time) and agent_rate_limited is recorded once', async () => {
    expect((await status()).agents.builder!.rateLimitedUntil).toBeNull();
    const run = await runHook(fixture('stop-failure-rate-limit.json'), env);
    expect(run).toMatchObject({ code: 0, stdout: '', errLines: [] });

    const limited = await eventually(
      async () => (await eventsOf('agent_rate_limited', 'builder'))[0],
      15_000,
      'agent_rate_limited',
    );
    expect(limited.message).toBe(
      `API Error: Rate limit reached — no reset time given; probing in ${LIMIT_PROBE_INTERVAL_MS / 60_000}m (hook)`,
    );
    const builder = (await status()).agents.builder!;
    // No reset time in the payload: probed LIMIT_PROBE_INTERVAL_MS after the hook ran.
    expect(builder.rateLimitedUntil).toBeGreaterThanOrEqual(run.startedAt + LIMIT_PROBE_INTERVAL_MS);
    expect(builder.rateLimitedUntil).toBeLessThanOrEqual(Date.now() + LIMIT_PROBE_INTERVAL_MS);
    // (rateLimitText is the pane's: the next tick forgets it, as the pane shows no limit.)

    // The same report again only refreshes the time: still one event.
    expect((await runHook(fixture('stop-failure-rate-limit.json'), env)).code).toBe(0);
    await eventually(async () => (await hookSignals(handle)).length === 2, 15_000, 'second signal');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await eventsOf('agent_rate_limited', 'builder')).toHaveLength(1);
    expect((await status()).agents.builder!.rateLimitedUntil).not.toBeNull();
  });

  it('StopFailure with a reset time (usage limit): rate-limited until that reset plus the slack', async () => {
    const run = await runHook(fixture('stop-failure-usage-limit.json'), { ...env, STEWARD_AGENT: 'adversary' });
    expect(run).toMatchObject({ code: 0, errLines: [] });
    const limited = await eventually(
      async () => (await eventsOf('agent_rate_limited', 'adversary'))[0],
      15_000,
      'agent_rate_limited (adversary)',
    );
    expect(limited.message).toMatch(
      /^You've hit your session limit · resets 12:50am \(America\/Los_Angeles\) — resets \d{4}-\d\d-\d\dT\d\d:50:00\.000Z \(hook\)$/,
    );
    const until = (await status()).agents.adversary!.rateLimitedUntil!;
    const signalled = (await hookSignals(handle)).find((e) => e.agent === 'adversary')!;
    expect(signalled).toMatchObject({ kind: 'rate_limit', sessionId: '3f6c2a9e-8d41-4b7a-9c2e-5a1d7e0b4c93' });
    expect(until).toBe(signalled.resetAt! + LIMIT_RESET_SLACK_MS);
    // The next 12:50am in Los Angeles: within a day of the hook.
    expect(signalled.resetAt! - run.startedAt).toBeGreaterThan(0);
    expect(signalled.resetAt! - run.startedAt).toBeLessThanOrEqual(24 * 3_600_000);
  });

  it('Notification permission_prompt: agent_blocked with the prompt text, and blockedSince set', async () => {
    const run = await runHook(fixture('notification-permission-prompt.json'), env);
    expect(run).toMatchObject({ code: 0, stdout: '', errLines: [] });
    const blocked = await eventually(
      async () => (await eventsOf('agent_blocked', 'builder'))[0],
      15_000,
      'agent_blocked',
    );
    expect(blocked.message).toBe('Claude needs your permission to use Bash');
    const since = (await status()).agents.builder!.blockedSince;
    expect(since).toBeGreaterThanOrEqual(run.startedAt);
    expect(since).toBeLessThanOrEqual(Date.now());
  });

  it('an untyped permission notification (older Claude Code) is read from its text', async () => {
    const run = await runHook(fixture('notification-permission-untyped.json'), { ...env, STEWARD_AGENT: 'adversary' });
    expect(run.code).toBe(0);
    const blocked = await eventually(
      async () => (await eventsOf('agent_blocked', 'adversary'))[0],
      15_000,
      'agent_blocked (adversary)',
    );
    expect(blocked.message).toBe('Claude needs your permission to use Write');
  });

  it('a claim ping for the adversary at its permission prompt is held, and typed once a Stop hook says it was answered', async () => {
    const pane = async () => (await h.tmux.snapshot(`${h.name}-adversary`, 200)).tail;
    await pushCommit(h, 'builder', 'claim(p1-gate): held while blocked');
    const held = await eventually(async () => (await eventsOf('message_held', 'adversary'))[0], 15_000, 'message_held');
    expect(held.message).toMatch(
      /^held until its permission prompt is answered: claim claim\(p1-gate\): held while blocked/,
    );
    // The operator's nudge waits its turn too.
    expect(
      await handle.executeUpdate(nudgeUpdate, { args: [{ agent: 'adversary', message: 'nudge held while blocked' }] }),
    ).toMatch(/^held for adversary: it waits at a permission prompt/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await pane()).not.toContain('held while blocked');
    expect(await eventsOf('ping_sent', 'adversary')).toEqual([]);

    expect((await runHook(fixture('stop.json'), { ...env, STEWARD_AGENT: 'adversary' })).code).toBe(0);
    const sent = await eventually(async () => (await eventsOf('ping_sent', 'adversary'))[0], 15_000, 'held ping sent');
    expect(sent.message).toMatch(/^claim claim\(p1-gate\): held while blocked/);
    await eventually(
      async () => (await pane()).includes('nudge held while blocked'),
      10_000,
      'ping and nudge in the pane',
    );
    const screen = await pane();
    expect(screen.indexOf('claim(p1-gate): held while blocked')).toBeLessThan(
      screen.indexOf('nudge held while blocked'),
    );
    expect((await status()).agents.adversary!.held).toEqual([]);
  });

  it('Stop: the turn ended, so idleSince moves to the hook time and the permission block is cleared', async () => {
    const before = (await status()).agents.builder!;
    expect(before.blockedSince).not.toBeNull();
    const run = await runHook(fixture('stop.json'), env);
    expect(run).toMatchObject({ code: 0, stdout: '', errLines: [] });
    const after = await eventually(
      async () => {
        const a = (await status()).agents.builder!;
        return a.blockedSince === null ? a : undefined;
      },
      15_000,
      'block cleared by Stop',
    );
    expect(after.idleSince).toBeGreaterThanOrEqual(run.startedAt);
    expect(after.idleSince).toBeLessThanOrEqual(Date.now());
    const signalled = (await hookSignals(handle)).at(-1)!;
    expect(signalled).toMatchObject({
      agent: 'builder',
      kind: 'stop',
      message: "I've pushed the parser fix (a1b2c3d) and updated the inbox. All 42 unit tests pass.",
    });
  });

  it('Notification idle_prompt: delivered, and the idle clock stays where the turn ended (it comes ~60 s late)', async () => {
    const run = await runHook(fixture('notification-idle-prompt.json'), env);
    expect(run).toMatchObject({ code: 0, errLines: [] });
    await eventually(
      async () => ((await hookSignals(handle)).at(-1)?.kind === 'idle_prompt' ? true : undefined),
      15_000,
      'idle_prompt signal',
    );
    expect((await hookSignals(handle)).at(-1)).toMatchObject({
      agent: 'builder',
      kind: 'idle_prompt',
      message: 'Claude is waiting for your input',
    });
    // The signal wakes the loop at once; a few ticks later the idle clock has not moved to the reminder's time.
    await new Promise((r) => setTimeout(r, 2000));
    expect((await status()).agents.builder!.idleSince ?? 0).toBeLessThan(run.startedAt);
  });

  it('SessionStart: delivered, and it changes nothing', async () => {
    const before = await status();
    const run = await runHook(fixture('session-start.json'), env);
    expect(run).toMatchObject({ code: 0, stdout: '', errLines: [] });
    const signalled = await eventually(
      async () => {
        const last = (await hookSignals(handle)).at(-1);
        return last?.kind === 'session_start' ? last : undefined;
      },
      15_000,
      'session_start signal',
    );
    expect(signalled).toMatchObject({
      agent: 'builder',
      message: 'startup (claude-sonnet-4-6)',
      sessionId: '3f6c2a9e-8d41-4b7a-9c2e-5a1d7e0b4c93',
    });
    await new Promise((r) => setTimeout(r, 1000));
    const after = await status();
    expect(after.status).toBe('running');
    // Only the clocks the pane drives move on.
    const { idleSince: _a, lastBusyAt: _b, idleSeconds: _c, ...agentBefore } = before.agents.builder!;
    const { idleSince: _d, lastBusyAt: _e, idleSeconds: _f, ...agentAfter } = after.agents.builder!;
    expect(agentAfter).toEqual(agentBefore);
    expect(after.events.filter((e) => e.seq > before.eventSeq && e.agent === 'builder')).toEqual([]);
  });

  it('a malformed payload: exit 2, one line on stderr, nothing signalled, the build unaffected', async () => {
    const signalsBefore = (await hookSignals(handle)).length;
    const before = await status();
    const run = await runHook(fixture('malformed.json'), env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.errLines).toHaveLength(1);
    expect(run.errLines[0]).toMatch(/^steward hook: hook payload is not valid JSON: /);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await hookSignals(handle)).toHaveLength(signalsBefore);
    const after = await status();
    expect(after.status).toBe('running');
    expect(after.events.filter((e) => e.seq > before.eventSeq && e.type === 'action_failed')).toEqual([]);

    // And it still takes hooks.
    expect((await runHook(fixture('notification-idle-prompt.json'), env)).code).toBe(0);
    await eventually(
      async () => (await hookSignals(handle)).length === signalsBefore + 1,
      15_000,
      'a hook after the malformed one',
    );
  });

  it('an agent the build does not have becomes an action_failed event; a build that does not exist is exit 1', async () => {
    const ghost = await runHook(fixture('stop.json'), { ...env, STEWARD_AGENT: 'ghost' });
    expect(ghost.code).toBe(0);
    const failed = await eventually(
      async () => (await eventsOf('action_failed', 'ghost'))[0],
      15_000,
      'action_failed for ghost',
    );
    expect(failed.message).toBe('hook from unknown agent ghost');
    expect((await status()).status).toBe('running');

    const nowhere = await runHook(fixture('stop.json'), { ...env, STEWARD_BUILD: 'no-such-build-hook' });
    expect(nowhere.code).toBe(1);
    expect(nowhere.errLines).toEqual([
      'steward hook: no running build no-such-build-hook (workflow build/no-such-build-hook)',
    ]);
  });
});
