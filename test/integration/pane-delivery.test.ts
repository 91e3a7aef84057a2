import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Tmux } from '../../src/host/tmux';
import { deliverOnce } from '../../src/activities/pane-delivery';
import { pasteTraceCount, TYPING_OPTION, typingMark } from '../../src/core/pane/delivery';
import { eventually } from '../helpers/harness';

/**
 * Exactly-once typing against a real tmux pane and the scripted agent, whose transcript records
 * every line it read. Each way a worker can die inside a delivery is set up by hand — the marks
 * and pane as the dead attempt left them — and the retry must leave the agent with one prompt.
 */
describe('deliverOnce: a retried delivery types its text once', () => {
  let dir: string;
  let tmux: Tmux;
  const session = 'agent';
  const text = 'watchdog: new claim claim(p1-gate): work/p1.txt (abc1234). Review it.';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steward-delivery-'));
    tmux = new Tmux(`steward-delivery-${randomBytes(3).toString('hex')}`);
    await writeFile(join(dir, 'empty.script.toml'), '');
    await tmux.newSession({
      session,
      cwd: dir,
      command: process.execPath,
      args: [
        resolve('bin', 'steward-scripted-agent'),
        '--script',
        join(dir, 'empty.script.toml'),
        '--session-id',
        's1',
      ],
      env: { STEWARD_TRANSCRIPTS: join(dir, 'transcripts') },
    });
    await eventually(
      async () => ((await tmux.snapshot(session)).tail.includes('ready') ? true : null),
      10_000,
      'agent ready',
    );
  });
  afterEach(async () => {
    await tmux.killServer();
    await rm(dir, { recursive: true, force: true });
  });

  /** Every line the agent has read, once it has read `count` of them. */
  async function linesRead(count: number): Promise<string[]> {
    return eventually(
      async () => {
        const project = (await readdir(join(dir, 'transcripts')).catch(() => []))[0];
        if (!project) return null;
        const records = (await readFile(join(dir, 'transcripts', project, 's1.jsonl'), 'utf8')).trim().split('\n');
        const lines = records
          .map((l) => JSON.parse(l) as { type: string; message: { content: string } })
          .filter((r) => r.type === 'user')
          .map((r) => r.message.content);
        return lines.length >= count ? lines : null;
      },
      10_000,
      `${count} lines read`,
    );
  }

  /** The typing mark a delivery `id` beginning now would leave. */
  async function markNow(id: string): Promise<void> {
    await tmux.setOption(session, TYPING_OPTION, typingMark(id, pasteTraceCount(text, await tmux.captureAll(session))));
  }

  /** A delivery's paste and submit key, without its marks. */
  async function typeAndSubmit(): Promise<void> {
    await tmux.paste(session, text);
    await new Promise((r) => setTimeout(r, 150));
    await tmux.pressKey(session, 'Enter');
  }

  /** Lets a stray second delivery reach the agent before the test counts. */
  const settle = () => new Promise((r) => setTimeout(r, 500));

  it('a retry after a completed delivery does nothing', async () => {
    expect(await deliverOnce(tmux, { session, text, submitKey: 'Enter' }, 'd1')).toBe('type');
    expect(await deliverOnce(tmux, { session, text, submitKey: 'Enter' }, 'd1')).toBe('done');
    await settle();
    expect(await linesRead(1)).toEqual([text]);
    // A new delivery of the same text is a new message.
    expect(await deliverOnce(tmux, { session, text, submitKey: 'Enter' }, 'd2')).toBe('type');
    expect(await linesRead(2)).toEqual([text, text]);
  });

  it('a retry after the paste, before the submit key, only submits', async () => {
    await markNow('d1');
    await tmux.paste(session, text);
    await eventually(
      async () => ((await tmux.snapshot(session)).tail.includes('abc1234') ? true : null),
      5_000,
      'paste on screen',
    );
    expect(await deliverOnce(tmux, { session, text, submitKey: 'Enter' }, 'd1')).toBe('submit');
    await settle();
    expect(await linesRead(1)).toEqual([text]);
  });

  it('a retry after the submit key, before the sent mark, submits nothing new', async () => {
    await markNow('d1');
    await typeAndSubmit();
    await linesRead(1);
    expect(await deliverOnce(tmux, { session, text, submitKey: 'Enter' }, 'd1')).toBe('submit');
    await settle();
    expect(await linesRead(1)).toEqual([text]);
  });

  it('a retry after the typing mark, before the paste, types the text', async () => {
    await markNow('d1');
    expect(await deliverOnce(tmux, { session, text, submitKey: 'Enter' }, 'd1')).toBe('type');
    await settle();
    expect(await linesRead(1)).toEqual([text]);
  });

  it('the same text typed by an earlier delivery does not count as this one', async () => {
    await typeAndSubmit();
    await linesRead(1);
    await markNow('d2');
    expect(await deliverOnce(tmux, { session, text, submitKey: 'Enter' }, 'd2')).toBe('type');
    expect(await linesRead(2)).toEqual([text, text]);
  });

  it("a text that quotes a dialog's words is typed: its own echo is not a dialog", async () => {
    const quoting = 'review(p1-gate): FAIL — the prompt says "Enter to confirm · Esc to cancel" under ❯ 1. Yes';
    expect(await deliverOnce(tmux, { session, text: quoting, submitKey: 'Enter' }, 'd1')).toBe('type');
    expect(await linesRead(1)).toEqual([quoting]);
  });

  it('a session that is gone is an error, not a silent success', async () => {
    await tmux.killSession(session);
    await expect(deliverOnce(tmux, { session, text, submitKey: 'Enter' }, 'd1')).rejects.toThrow(
      'session agent is not running',
    );
  });
});
