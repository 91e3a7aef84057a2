import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Tmux } from '../../src/host/tmux';
import { launchAgent } from '../../src/activities/agent-session';
import { deliverOnce } from '../../src/activities/pane-delivery';
import { pasteTraceCount, TYPING_OPTION, typingMark } from '../../src/core/pane/delivery';
import { CLAUDE_CODE_PREVIOUS_LINE, CLAUDE_CODE_VERSION } from '../../src/client/claude-binary';
import { eventually } from '../helpers/harness';
import { claudeAgentSpec, claudeTestbed, ClaudeTestbed, launchSite, promptsReceived } from '../helpers/claude-code';

/**
 * Exactly-once typing into the real Claude Code: a worker that died after the submit key but
 * before the sent mark leaves a retry that must not type the message again. Claude Code redraws the
 * submitted prompt above its input box, not where the cursor was: the retry counts the traces of
 * the text in the whole scrollback against the count taken before typing.
 */
describe.each([CLAUDE_CODE_VERSION, CLAUDE_CODE_PREVIOUS_LINE])('a retried delivery into Claude Code %s', (version) => {
  let dir: string;
  let tmux: Tmux;
  let bed: ClaudeTestbed;
  let session: string;
  const PING =
    'watchdog ping: the other loop pushed a gate CLAIM commit: "claim(p1-gate): work/p1.txt" (abc1234) on origin/main. Pull and verify the claimed gate now.';

  beforeEach(async () => {
    let work: string;
    ({ dir, work, tmux } = await launchSite('claude-delivery'));
    bed = await claudeTestbed({ dir, version, script: { default_text: 'Noted.' }, trusted: [work] });
    const spec = await claudeAgentSpec(dir, bed, 'delivery', { name: 'adversary', backend: 'claude', cwd: work });
    session = spec.session;
    await launchAgent(tmux, resolve('bin'), { spec, fresh: true, prompt: 'You are the adversary. Wait for pings.' });
    await eventually(async () => promptsReceived(bed.standin).length === 1, 60_000, 'kickoff read');
    await eventually(
      async () => ((await tmux.snapshot(session)).tail.includes('Noted.') ? true : null),
      30_000,
      'turn over',
    );
  }, 120_000);
  afterEach(async () => {
    await tmux.killServer();
    await bed.close();
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  const pingsRead = () => promptsReceived(bed.standin).filter((p) => p.includes('CLAIM commit'));

  it('the worker died after the submit key: the retry presses nothing new, and the ping is read once', async () => {
    // What the dead attempt left: its typing mark, the paste, the submit key, but no sent mark.
    await tmux.setOption(
      session,
      TYPING_OPTION,
      typingMark('d1', pasteTraceCount(PING, await tmux.captureAll(session))),
    );
    await tmux.paste(session, PING);
    await new Promise((r) => setTimeout(r, 300));
    await tmux.pressKey(session, 'Enter');
    await eventually(async () => pingsRead().length === 1, 60_000, 'ping read');

    expect(await deliverOnce(tmux, { session, text: PING, submitKey: 'Enter' }, 'd1')).toBe('submit');
    await new Promise((r) => setTimeout(r, 4000));
    expect(pingsRead()).toHaveLength(1);
    // A new delivery of the same text is a new message.
    expect(await deliverOnce(tmux, { session, text: PING, submitKey: 'Enter' }, 'd2')).toBe('type');
    await eventually(async () => pingsRead().length === 2, 60_000, 'second ping read');
  });
});
