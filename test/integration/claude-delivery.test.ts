import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Tmux } from '../../src/activities/tmux';
import { launchAgent } from '../../src/activities/agent-session';
import { deliverOnce } from '../../src/activities/pane-delivery';
import { runProgram } from '../../src/activities/run-program';
import { launchSpec } from '../../src/core/launch';
import { pasteTraceCount, TYPING_OPTION, typingMark } from '../../src/core/pane/delivery';
import { loadConfigOrThrow } from '../../src/client/load-or-exit';
import { CLAUDE_CODE_PREVIOUS_LINE, CLAUDE_CODE_VERSION } from '../../src/client/claude-binary';
import { eventually } from '../helpers/harness';
import { claudeBackendToml, claudeTestbed, ClaudeTestbed, promptsReceived } from '../helpers/claude-code';

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
  const PING = 'watchdog ping: the other loop pushed a gate CLAIM commit: "claim(p1-gate): work/p1.txt" (abc1234) on origin/main. Pull and verify the claimed gate now.';

  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'steward-claude-delivery-')));
    const work = join(dir, 'work');
    await runProgram('git', ['init', '-q', work]);
    tmux = new Tmux(`steward-claude-delivery-${randomBytes(3).toString('hex')}`);
    bed = await claudeTestbed({ dir, version, script: { default_text: 'Noted.' }, trusted: [work] });
    const file = join(dir, 'agents.toml');
    await writeFile(file, `name = "delivery"\n${claudeBackendToml(bed)}\n[[agent]]\nname = "adversary"\nbackend = "claude"\ncwd = ${JSON.stringify(work)}\n`);
    const { config } = await loadConfigOrThrow(file);
    const spec = launchSpec(config, config.agents[0]!, randomUUID());
    session = spec.session;
    await launchAgent(tmux, resolve('bin'), { spec, fresh: true, prompt: 'You are the adversary. Wait for pings.' });
    await eventually(async () => promptsReceived(bed.standin).length === 1, 60_000, 'kickoff read');
    await eventually(async () => ((await tmux.snapshot(session)).tail.includes('Noted.') ? true : null), 30_000, 'turn over');
  }, 120_000);
  afterEach(async () => {
    await tmux.killServer();
    await bed.close();
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  const pingsRead = () => promptsReceived(bed.standin).filter((p) => p.includes('CLAIM commit'));

  it('the worker died after the submit key: the retry presses nothing new, and the ping is read once', async () => {
    // What the dead attempt left: its typing mark, the paste, the submit key, but no sent mark.
    await tmux.setOption(session, TYPING_OPTION, typingMark('d1', pasteTraceCount(PING, await tmux.captureAll(session))));
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
