import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { Tmux } from '../../src/host/tmux';
import { launchAgent } from '../../src/activities/agent-session';
import { startupDialog } from '../../src/core/pane';
import { CLAUDE_CODE_PREVIOUS_LINE, CLAUDE_CODE_VERSION } from '../../src/client/claude-binary';
import { eventually } from '../helpers/harness';
import { claudeAgentSpec, claudeTestbed, ClaudeTestbed, launchSite, promptsReceived } from '../helpers/claude-code';

/**
 * The real Claude Code's start-up dialogs (folder trust, the bypass-permissions warning) both
 * default to "No, exit": a first prompt typed into one ends the agent. The launch answers them only
 * as the backend allows, and otherwise fails naming the setting, with nothing typed.
 */
describe.each([CLAUDE_CODE_VERSION, CLAUDE_CODE_PREVIOUS_LINE])(
  'launching Claude Code %s through its start-up dialogs',
  (version) => {
    let dir: string;
    let work: string;
    let tmux: Tmux;
    let bed: ClaudeTestbed;
    const KICKOFF = 'You are the builder. Say hello.';

    beforeEach(async () => {
      ({ dir, work, tmux } = await launchSite('claude-launch'));
    }, 600_000);
    afterEach(async () => {
      await tmux.killServer();
      await bed?.close();
      // Claude Code may still be writing its config as its session is killed.
      await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    });

    /** Launches the agent with this backend config; resolves to the failure, or null once launched. */
    async function launch(opts: { trusted: boolean; bypass: boolean; extra?: string; skipBypassWarning?: boolean }) {
      bed = await claudeTestbed({
        dir,
        version,
        script: { default_text: 'Hello.' },
        trusted: opts.trusted ? [work] : [],
        skipBypassWarning: opts.skipBypassWarning,
      });
      const backend = { args: opts.bypass ? ['--dangerously-skip-permissions'] : [], extra: opts.extra };
      const spec = await claudeAgentSpec(
        dir,
        bed,
        'launch',
        { name: 'builder', backend: 'claude', cwd: work, kickoff: KICKOFF },
        backend,
      );
      return launchAgent(tmux, resolve('bin'), { spec, fresh: true, prompt: KICKOFF }).then(
        () => null,
        (err: unknown) => err as ApplicationFailure,
      );
    }

    const screen = async () => (await tmux.snapshot('launch-builder')).tail;
    const kickoffReceived = () =>
      eventually(
        async () => promptsReceived(bed.standin).some((p) => p.includes('Say hello')),
        60_000,
        'kickoff at the model',
      );

    it('an untrusted folder: the trust dialog is left for an operator, nothing typed, the launch fails naming trust_workdir', async () => {
      const failure = await launch({ trusted: false, bypass: false });
      expect(failure?.type).toBe('StartupDialog');
      expect(failure?.nonRetryable).toBe(true);
      expect(failure?.message).toContain('trust_workdir');
      expect(startupDialog(await screen())).toBe('trust');
      expect(promptsReceived(bed.standin)).toEqual([]);
    });

    it('an untrusted folder with trust_workdir = true: answered, then the kickoff reaches the model once', async () => {
      expect(await launch({ trusted: false, bypass: false, extra: 'trust_workdir = true' })).toBeNull();
      await kickoffReceived();
      expect(startupDialog(await screen())).toBeNull();
      expect(promptsReceived(bed.standin).filter((p) => p.includes('Say hello'))).toHaveLength(1);
    });

    it('bypass mode: the warning is left for an operator unless accept_bypass_mode = true', async () => {
      const failure = await launch({ trusted: true, bypass: true });
      expect(failure?.type).toBe('StartupDialog');
      expect(failure?.message).toContain('accept_bypass_mode');
      expect(startupDialog(await screen())).toBe('bypass');
      expect(promptsReceived(bed.standin)).toEqual([]);
    });

    it('bypass mode with accept_bypass_mode = true and an untrusted folder: both answered, kickoff typed once', async () => {
      expect(
        await launch({ trusted: false, bypass: true, extra: 'trust_workdir = true\naccept_bypass_mode = true' }),
      ).toBeNull();
      await kickoffReceived();
      expect(promptsReceived(bed.standin).filter((p) => p.includes('Say hello'))).toHaveLength(1);
    });

    it('a missing cwd fails the launch for good, naming the agent and the path', async () => {
      await rm(work, { recursive: true });
      const failure = await launch({ trusted: true, bypass: false });
      expect(failure?.type).toBe('ConfigError');
      expect(failure?.message).toBe(`agent builder: cwd ${work} is not a directory on this host`);
      expect(await tmux.hasSession('launch-builder')).toBe(false);
    });
  },
);
