import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LIMIT_RESET_MESSAGE } from '../../src/core/supervision';
import { showsDialog, CLAUDE_DIALOG_PATTERNS } from '../../src/core/pane';
import { pushedSignal } from '../../src/workflows/definitions';
import { eventually, useHarness } from '../helpers/harness';
import { eventsOf, paneText, status, untilEvents } from '../helpers/supervision';
import { pushCommit } from '../helpers/inert';
import { agentTable } from '../helpers/configs';
import { claudeBuild, hookSignals } from '../helpers/claude-build';
import { promptsReceived, type ClaudeTestbed } from '../helpers/claude-code';
import { CLAUDE_CODE_PREVIOUS_LINE, CLAUDE_CODE_VERSION } from '../../src/client/claude-binary';

/**
 * Supervision of one real Claude Code agent where the screen and the hooks matter most: a
 * permission dialog raced by a ping, usage limits in both forms, and a stall after the turn ended.
 */
const BUILDER = agentTable({ name: 'builder', backend: 'claude', cwd: 'builder', kickoff: 'You are the builder.' });
const ONE_PHASE = (pings: string) => `
[loop]
repo = "supervisor"
state_subdir = ".steward-state"
phases = [{ id = "p1", kickoff = "Write the greeting." }]
handoff = { claim_pings = [${pings}], review_pings = [] }
`;

describe('supervising a real Claude Code agent', () => {
  let bed: ClaudeTestbed | undefined;
  const h = useHarness('claude-sup', { clones: ['builder', 'supervisor'], worker: false });
  afterEach(async () => {
    await bed?.close();
  });

  it.each([CLAUDE_CODE_VERSION, CLAUDE_CODE_PREVIOUS_LINE])(
    'Claude Code %s: a ping racing a permission dialog is held, the dialog left alone, and typed once after it is answered',
    async (version) => {
      const outside = join(h.dir, `outside-${h.name}`);
      const script = `
[[on]]
match = "Phase p1 begins"
once = "p1"
reply = [ { text = "Touching a file outside the repo." }, { bash = "touch ${outside}", description = "Touch a file" } ]
`;
      // The default permission mode: the Bash call waits at a dialog.
      const built = await claudeBuild(h, {
        script,
        version,
        args: ['--permission-mode', 'default'],
        agents: BUILDER,
        extra: ONE_PHASE('"builder"'),
      });
      bed = built.bed;
      await h.startWorker();
      const { handle } = await h.start(built.config);

      // The dialog blocks the agent, seen on the pane or told by the hook, whichever comes first.
      const blocked = await untilEvents(handle, 'agent_blocked', 'builder', 1, 60_000);
      expect(eventsOf(blocked, 'agent_blocked', 'builder').map((e) => e.message)).toEqual(
        expect.arrayContaining([expect.stringMatching(/dialog/)]),
      );
      // PermissionRequest fires as the dialog is drawn; its signal comes from a fresh `steward hook`
      // process, which on a loaded machine can land after the next look at the pane.
      await eventually(
        async () =>
          (await hookSignals(handle)).some(
            (e) => e.kind === 'permission_prompt' && /permission dialog for Bash/.test(e.message ?? ''),
          ),
        15_000,
        'the permission_prompt hook signal',
      );

      await pushCommit(h, 'supervisor', 'claim(p1-gate): greeting');
      await handle.signal(pushedSignal, 'test');
      const held = await untilEvents(handle, 'message_held', 'builder', 1, 30_000);
      expect(eventsOf(held, 'message_held', 'builder')[0]!.message).toMatch(/claim\(p1-gate\)/);
      expect(eventsOf(held, 'ping_sent', 'builder').filter((e) => /^claim/.test(e.message))).toEqual([]);
      // Nothing was typed into the dialog: still on screen, the command not run, the ping not read.
      // (An operator answers after the redraw tolerance: an answer within 3 s of the hook that
      // leaves the pane still reads as not answered until the agent's next output.)
      await new Promise((r) => setTimeout(r, 4000));
      expect(showsDialog(await paneText(h, 'builder'), CLAUDE_DIALOG_PATTERNS)).toBe(true);
      expect(existsSync(outside)).toBe(false);
      expect(promptsReceived(bed.standin).filter((p) => p.includes('CLAIM commit'))).toEqual([]);

      // The operator answers (Esc: "No"); the held ping then goes out, once.
      await h.tmux.pressKey(`${h.name}-builder`, 'Escape');
      await eventually(
        async () => promptsReceived(bed!.standin).some((p) => p.includes('claim(p1-gate)')),
        60_000,
        'ping at the model',
      ).catch(async (err: Error) => {
        const v = await status(handle);
        process.stderr.write(
          `EVENTS\n${v.events.map((e) => `${e.type} ${e.agent ?? ''} ${e.message}`).join('\n')}\nSTATE ${JSON.stringify(v.agents.builder)}\nPANE\n${await paneText(h, 'builder')}\nPROMPTS ${JSON.stringify(promptsReceived(bed!.standin))}\n`,
        );
        throw err;
      });
      await new Promise((r) => setTimeout(r, 3000));
      expect(promptsReceived(bed.standin).filter((p) => p.includes('claim(p1-gate)'))).toHaveLength(1);
      expect(
        eventsOf(await status(handle), 'ping_sent', 'builder').filter((e) => /^claim/.test(e.message)),
      ).toHaveLength(1);
      expect(existsSync(outside)).toBe(false);
    },
  );

  it('a 429 shown after Claude Code gave up is a limit; the agent is probed and resumed once the service answers again', async () => {
    const built = await claudeBuild(h, {
      script: 'default_text = "Working on it."',
      agents: BUILDER,
      extra: ONE_PHASE(''),
      // Claude Code's own ten retries (about 3 minutes, shown as busy) are not what is tested here.
      env: { CLAUDE_CODE_MAX_RETRIES: '0' },
      watchdog:
        'signal_interval = 0.5\nheavy_interval = 2\nstall_grace = "5m"\nstall_idle = "10m"\nlimit_probe_fallback = "6s"',
    });
    bed = built.bed;
    bed.standin.setMode({ fail: '429' });
    await h.startWorker();
    const { handle } = await h.start(built.config);
    const limited = await untilEvents(handle, 'agent_rate_limited', 'builder', 1, 60_000);
    expect(eventsOf(limited, 'agent_rate_limited', 'builder')[0]!.message).toMatch(/429|rate limit/i);
    expect((await status(handle)).agents.builder!.rateLimitedUntil).not.toBeNull();

    bed.standin.setMode(null);
    await untilEvents(handle, 'agent_resumed', 'builder', 1, 60_000);
    await eventually(
      async () => promptsReceived(bed!.standin).includes(LIMIT_RESET_MESSAGE),
      60_000,
      'resume at the model',
    );
    expect(promptsReceived(bed.standin).filter((p) => p === LIMIT_RESET_MESSAGE)).toHaveLength(1);
  });

  it("the subscription limit's reset is read off the screen and waited out durably, across a worker restart", async () => {
    const built = await claudeBuild(h, {
      script: 'default_text = "Working on it."',
      agents: BUILDER,
      extra: ONE_PHASE(''),
      // Signed in to a plan (a token, not a key), Claude Code prints the reset from the rate-limit headers.
      auth: 'oauth',
      watchdog:
        'signal_interval = 0.5\nheavy_interval = 2\nstall_grace = "5m"\nstall_idle = "10m"\nlimit_reset_slack = "2s"',
    });
    bed = built.bed;
    bed.standin.setMode({ fail: '429-subscription', reset_in_s: 90 });
    await h.startWorker();
    const { handle } = await h.start(built.config);
    const limited = await untilEvents(handle, 'agent_rate_limited', 'builder', 1, 60_000);
    const until = (await status(handle)).agents.builder!.rateLimitedUntil!;
    expect(eventsOf(limited, 'agent_rate_limited', 'builder')[0]!.message).toMatch(/limit/);
    expect(until).toBeGreaterThan(Date.now());

    // The worker goes away during the wait; the reset is a durable timer in the build, not in it.
    await h.stopWorker();
    bed.standin.setMode(null);
    await new Promise((r) => setTimeout(r, 3000));
    await h.startWorker();
    await untilEvents(handle, 'agent_resumed', 'builder', 1, Math.max(0, until - Date.now()) + 60_000);
    const resumed = eventsOf(await status(handle), 'agent_resumed', 'builder')[0]!;
    expect(resumed.at).toBeGreaterThanOrEqual(until);
    await eventually(
      async () => promptsReceived(bed!.standin).includes(LIMIT_RESET_MESSAGE),
      60_000,
      'resume at the model',
    );
    expect(promptsReceived(bed.standin).filter((p) => p === LIMIT_RESET_MESSAGE)).toHaveLength(1);
  });

  it('a stall is judged from the Stop hook, not from the idle_prompt reminder a minute later', async () => {
    const built = await claudeBuild(h, {
      script: 'default_text = "Greeting written, not marked done."',
      agents: BUILDER,
      extra: ONE_PHASE(''),
      watchdog: 'signal_interval = 0.5\nheavy_interval = 2\nstall_grace = "5s"\nstall_idle = "70s"',
    });
    bed = built.bed;
    await h.startWorker();
    const { handle } = await h.start(built.config);
    const stopped = await eventually(
      async () => (await hookSignals(handle)).find((e) => e.agent === 'builder' && e.kind === 'stop'),
      60_000,
      'Stop hook',
    );
    const nudged = await untilEvents(handle, 'agent_nudged', 'builder', 1, 150_000);
    const nudge = eventsOf(nudged, 'agent_nudged', 'builder')[0]!;
    // 70 s of stall_idle from the end of the turn; the old rule restarted the clock at the
    // idle_prompt reminder (60 s later) and nudged after about 130 s.
    expect(nudge.at - stopped.at).toBeGreaterThanOrEqual(70_000);
    expect(nudge.at - stopped.at).toBeLessThan(100_000);
    expect(nudge.message).toMatch(/^idle (7\d|8\d|9\d)s/);
  });
});
