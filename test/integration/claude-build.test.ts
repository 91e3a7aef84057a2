import { runProgram } from '../../src/host/run-program';
import { eventually, useHarness } from '../helpers/harness';
import { eventsOf, status } from '../helpers/supervision';
import { claudeBuild, hookSignals } from '../helpers/claude-build';
import type { ClaudeTestbed } from '../helpers/claude-code';
import { CLAUDE_CODE_PREVIOUS_LINE, CLAUDE_CODE_VERSION } from '../../src/client/claude-binary';

/**
 * A whole build on the real Claude Code: a builder and an adversary, each the real TUI in tmux,
 * talking to the model stand-in, which answers with Bash tool calls that claim, review and mark
 * phases done through git. Steward's handoffs, hooks and token counts are checked against what the
 * stand-in logged.
 */
describe.each([CLAUDE_CODE_VERSION, CLAUDE_CODE_PREVIOUS_LINE])(
  'a two-phase build with a real Claude Code %s builder and adversary',
  (version) => {
    let bed: ClaudeTestbed | undefined;
    const h = useHarness('claude-build', { worker: false });
    afterEach(async () => {
      await bed?.close();
    });

    it('completes both phases; hooks reach the build from panes without steward on PATH; tokens equal the stand-in log', async () => {
      const built = await claudeBuild(h, { version });
      bed = built.bed;
      await h.startWorker();
      const { handle } = await h.start(built.config);

      const result = await Promise.race([
        handle.result(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no result')), 200_000)),
      ]).catch(async (err: Error) => {
        const v = await status(handle);
        process.stderr.write(`EVENTS\n${v.events.map((e) => `${e.type} ${e.agent ?? ''} ${e.message}`).join('\n')}\n`);
        for (const a of ['builder', 'adversary'])
          process.stderr.write(`PANE ${a}\n${(await h.tmux.snapshot(`${h.name}-${a}`, 60)).tail}\n`);
        throw err;
      });
      expect(result.status).toBe('completed');
      expect(result.phases.map((p) => p.id)).toEqual(['p1', 'p2']);

      const view = await status(handle);
      const pings = eventsOf(view, 'ping_sent')
        .filter((e) => /^(claim|review) /.test(e.message))
        .map((e) => `${e.agent} ${e.message.split(' ').slice(0, 2).join(' ')}`);
      expect(pings.sort()).toEqual([
        'adversary claim claim(p1-gate):',
        'adversary claim claim(p2-gate):',
        'builder review review(p1-gate):',
        'builder review review(p2-gate):',
      ]);
      const log = (await runProgram('git', ['log', '--format=%s', 'origin/main'], { cwd: `${h.dir}/builder` })).stdout
        .trim()
        .split('\n');
      expect(log.filter((s) => /^(claim|review|status)\(/.test(s)).reverse()).toEqual([
        'claim(p1-gate): work/p1.txt',
        'review(p1-gate): PASS',
        'status(p1): done',
        'claim(p2-gate): work/p2.txt',
        'review(p2-gate): PASS',
        'status(p2): done',
      ]);

      // The tmux server the agents run under was started with the test's PATH, which lacks Steward's
      // bin dir: the hooks still ran, through the absolute command in their settings.
      const serverPath = (await runProgram('tmux', ['-L', h.socket, 'show-environment', '-g', 'PATH'])).stdout;
      expect(serverPath).not.toContain(`${process.cwd()}/bin`);
      const hooks = await hookSignals(handle);
      for (const agent of ['builder', 'adversary']) {
        const kinds = new Set(hooks.filter((e) => e.agent === agent).map((e) => e.kind));
        expect([...kinds].sort()).toEqual(expect.arrayContaining(['session_start', 'stop']));
      }

      // Exact token totals: each agent's transcripts, read by Steward's scanner once the agents are
      // idle, add up to what the stand-in answered in that agent's turns (other side calls, such as
      // session titles, never reach a transcript). The build itself counted tokens as it went.
      expect(Object.keys(view.tokens.totals).sort()).toEqual(['adversary', 'builder']);
      let seen = -1;
      await eventually(
        async () => {
          const n = bed!.standin.requests().length;
          const still = n === seen;
          seen = n;
          return still && (await status(handle)).status === 'completed'
            ? true
            : (await new Promise((r) => setTimeout(r, 1500)), null);
        },
        60_000,
        'agents idle',
      );
      const scan = await runProgram(process.execPath, ['bin/steward', 'tokens', 'scan', '--json', bed.configDir]);
      const sessions = (
        JSON.parse(scan.stdout) as {
          sessions: {
            session_id: string;
            input_tokens: number;
            output_tokens: number;
            cache_read_input_tokens: number;
            cache_creation_input_tokens: number;
          }[];
        }
      ).sessions;
      for (const agent of ['builder', 'adversary']) {
        // 2.0.x's subagent Warmups are side calls that do reach the session's (sidechain) transcripts.
        const answered = bed.standin
          .requests()
          .filter((r) => (r.main || r.sidechain) && r.usage && r.cwd?.endsWith(`/${agent}`));
        const sum = (k: 'input' | 'output' | 'cache_read' | 'cache_creation') =>
          answered.reduce((n, r) => n + r.usage![k], 0);
        expect(answered.length).toBeGreaterThanOrEqual(4);
        const session = sessions.find((s) => s.session_id === view.agents[agent]!.sessionId);
        expect(session).toMatchObject({
          input_tokens: sum('input'),
          output_tokens: sum('output'),
          cache_read_input_tokens: sum('cache_read'),
          cache_creation_input_tokens: sum('cache_creation'),
        });
      }
    });
  },
);
