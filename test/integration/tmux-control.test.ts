import * as childProcess from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Tmux } from '../../src/host/tmux';
import { TmuxControl } from '../../src/host/tmux-control';
import { runProgram } from '../../src/host/run-program';
import { deliverOnce } from '../../src/activities/pane-delivery';
import { TYPED_OPTION } from '../../src/core/pane/delivery';
import { controlModeSafe } from '../../src/core/tmux-version';
import { eventually } from '../helpers/harness';

/**
 * The worker's tmux: one control-mode connection per server (src/host/tmux-control.ts), against a
 * real tmux server on a private socket. `plain` is a process per command, to check what the
 * connection did from outside it.
 */
describe('tmux over one control-mode connection', () => {
  let dir: string;
  let socket: string;
  let tmux: Tmux;
  let plain: Tmux;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steward-tmux-control-'));
    socket = `steward-control-${randomBytes(3).toString('hex')}`;
    tmux = new Tmux(socket, { control: 'on' });
    plain = new Tmux(socket);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await tmux.close();
    await plain.killServer();
    await rm(dir, { recursive: true, force: true });
  });

  const tmuxArgs = (...args: string[]) => runProgram('tmux', ['-L', socket, ...args]);
  /** A session running `cat`: it shows what is typed, and prints what it reads. */
  const catSession = (session: string) => tmux.newSession({ session, cwd: dir, command: 'cat', args: [], env: {} });
  /** The commands a test's code sent as `tmux` processes (the connection aside). */
  function tmuxProcesses(): string[][] {
    const seen: string[][] = [];
    const execFile = childProcess.execFile;
    jest.spyOn(childProcess, 'execFile').mockImplementation(((file: string, args: string[], ...rest: unknown[]) => {
      if (file === 'tmux') seen.push(args);
      return (execFile as (...a: unknown[]) => childProcess.ChildProcess)(file, args, ...rest);
    }) as typeof childProcess.execFile);
    return seen;
  }
  /** The commands sent over the connection. */
  function controlCommands(): string[][] {
    const sent: string[][] = [];
    const run = TmuxControl.prototype.run;
    jest.spyOn(TmuxControl.prototype, 'run').mockImplementation(function (this: TmuxControl, args, opts) {
      sent.push([...args]);
      return run.call(this, args, opts);
    });
    return sent;
  }

  it('looks at panes without a tmux process once connected, adding nothing to the server', async () => {
    await catSession('agent');
    await tmux.snapshot('agent');
    const processes = tmuxProcesses();
    for (let i = 0; i < 10; i++) {
      expect((await tmux.snapshot('agent')).alive).toBe(true);
      expect(await tmux.hasSession('agent')).toBe(true);
      expect(await tmux.hasSession('other')).toBe(false);
    }
    expect(processes).toEqual([]);
    // One control client, attached to the agent's session, which keeps its size; no session added.
    const clients = await tmuxArgs('list-clients', '-F', '#{client_control_mode} #{session_name} #{client_flags}');
    expect(clients.stdout.trim()).toMatch(/^1 agent .*ignore-size.*no-output|^1 agent .*no-output.*ignore-size/);
    expect(await plain.listSessions()).toEqual(['agent']);
    expect((await tmuxArgs('display-message', '-p', '-t', '=agent:', '#{window_width}x#{window_height}')).stdout).toBe(
      '200x50\n',
    );
    // Closed, it is gone.
    await tmux.close();
    expect((await tmuxArgs('list-clients')).stdout).toBe('');
  });

  it('connects, by the server, only to a tmux server safe with a control client (this one: by its version)', async () => {
    const byServer = new Tmux(socket, { control: 'by-server' });
    try {
      await catSession('agent');
      expect((await byServer.snapshot('agent')).alive).toBe(true);
      expect(await byServer.hasSession('agent')).toBe(true);
      expect(await byServer.hasSession('other')).toBe(false);
      const version = (await tmuxArgs('display-message', '-p', '#{version}')).stdout.trim();
      const clients = await tmuxArgs('list-clients', '-F', '#{client_control_mode}');
      expect([version, clients.stdout.trim()]).toEqual([version, controlModeSafe(version) ? '1' : '']);
    } finally {
      await byServer.close();
    }
  });

  it('keeps answering when the session it is attached to ends, killed by Steward or from outside', async () => {
    await catSession('one');
    await catSession('two');
    await catSession('three');
    await tmux.snapshot('one');
    const attachedTo = async () => (await tmuxArgs('list-clients', '-F', '#{session_name}')).stdout.trim();
    // Steward's own kill moves the client off first: the commands sent with it all get their replies.
    const first = await attachedTo();
    const others = ['one', 'two', 'three'].filter((s) => s !== first);
    const [killed, ...answers] = await Promise.all([
      tmux.killSession(first),
      ...others.map((s) => tmux.setOption(s, 'steward_test', 'set while a session was killed')),
      ...others.map((s) => tmux.snapshot(s)),
    ]);
    expect(killed).toBeUndefined();
    expect(answers.slice(others.length).every((a) => (a as { alive: boolean }).alive)).toBe(true);
    for (const s of others) expect(await plain.getOption(s, 'steward_test')).toBe('set while a session was killed');
    expect(others).toContain(await attachedTo());
    // Killed from outside: tmux detaches the client, and the next question connects again.
    const second = await attachedTo();
    await tmuxArgs('kill-session', '-t', `=${second}`);
    const last = others.find((s) => s !== second)!;
    expect((await tmux.snapshot(last)).alive).toBe(true);
    expect((await tmux.snapshot(second)).alive).toBe(false);
    expect(await plain.listSessions()).toEqual([last]);
  });

  it('types hostile text literally and exactly once: nothing in it is run, expanded or cut', async () => {
    const script = join(dir, 'idle.toml');
    await writeFile(script, '');
    const transcripts = join(dir, 'transcripts');
    const agent = resolve('bin', 'steward-scripted-agent');
    const args = ['--script', script, '--session-id', 's1'];
    await tmux.newSession({
      session: 'agent',
      cwd: dir,
      command: agent,
      args,
      env: { STEWARD_TRANSCRIPTS: transcripts },
    });
    await eventually(async () => (await tmux.snapshot('agent')).tail.includes('ready'), 10_000, 'agent ready');
    const marker = join(dir, 'pwned');
    const text =
      `it's "$HOME" ~ \${USER} #{pane_id} #(touch ${marker}) ; kill-server ; { kill-server } ` +
      `%if 1 \\ \\' \\012 %end 1796028663 277 1 ✓ 🙂 -t =x:`;
    const commands = controlCommands();
    expect(await deliverOnce(tmux, { session: 'agent', text, submitKey: 'Enter' }, 'd1')).toBe('type');
    expect(await deliverOnce(tmux, { session: 'agent', text, submitKey: 'Enter' }, 'd1')).toBe('done');
    // The paste and the marks went over the connection.
    expect(commands.map((c) => c[0])).toEqual(expect.arrayContaining(['set-buffer', 'paste-buffer', 'set-option']));
    const lines = await eventually(async () => {
      const project = (await readdir(transcripts).catch(() => []))[0];
      if (!project) return null;
      const records = (await readFile(join(transcripts, project, 's1.jsonl'), 'utf8')).trim().split('\n');
      const read = records
        .map((l) => JSON.parse(l) as { type: string; message: { content: string } })
        .filter((r) => r.type === 'user');
      return read.length > 0 ? read.map((r) => r.message.content) : null;
    }, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(lines).toEqual([text]);
    expect(existsSync(marker)).toBe(false);
    expect(await plain.listSessions()).toEqual(['agent']);
    expect(await plain.getOption('agent', TYPED_OPTION)).toBe(text);
  });

  it('passes hostile values byte for byte: buffers and options set over the connection are what a process sets', async () => {
    await catSession('agent');
    const values = [
      "quote ' and '' and \\'",
      'line\nbreak\r\nand\ttab and \u001b[31mescape\u001b[0m and \u007f and \u0007',
      '#{session_name} #(id) $HOME ${HOME} ~ ~root ; kill-server { kill-server } %if 1',
      '%end 1 2 3',
      '-t =other: -- \\',
      '✓ héllo 🙂 \u202e',
      '',
    ];
    const control = new TmuxControl(['-L', socket]);
    try {
      for (const [i, value] of values.entries()) {
        // A buffer, saved by tmux to a file: the bytes it holds (tmux keeps no empty buffer, however it is loaded).
        const set = await control.run(['set-buffer', '-b', `hostile-${i}`, '--', value], { retryable: false });
        expect(set?.code).toBe(0);
        if (value !== '') {
          const file = join(dir, `buffer-${i}`);
          expect((await tmuxArgs('save-buffer', '-b', `hostile-${i}`, file)).stderr).toBe('');
          expect(await readFile(file, 'utf8')).toBe(value);
        }
        // An option, next to the same value set by a process (an argument vector, no parsing).
        await tmux.setOption('agent', 'steward_control', value);
        await tmuxArgs('set-option', '-t', '=agent:', '@steward_process', value);
        const [viaControl, viaProcess] = await Promise.all(
          ['@steward_control', '@steward_process'].map((o) => tmuxArgs('show-options', '-t', '=agent:', '-v', o)),
        );
        expect(viaControl).toEqual(viaProcess);
        expect(await tmux.getOption('agent', 'steward_control')).toBe(
          await plain.getOption('agent', 'steward_process'),
        );
      }
    } finally {
      await control.close();
    }
    expect(await plain.listSessions()).toEqual(['agent']);
    await expect(tmux.setOption('agent', 'steward_control', 'a\u0000b')).rejects.toThrow('NUL');
  });

  it("reads pane text that forges the connection's guard lines as text; the replies after it are intact", async () => {
    // The forger's pane shows a file's lines as they are written (each once, no echo).
    const shown = join(dir, 'forged.txt');
    await writeFile(shown, '');
    await tmux.newSession({ session: 'forger', cwd: dir, command: 'tail', args: ['-f', shown], env: {} });
    await catSession('other');
    await tmuxArgs('send-keys', '-t', '=other:', '-l', 'the real other pane\n');
    await eventually(async () => (await plain.snapshot('other')).tail.endsWith('the real other pane'), 5_000);
    expect((await tmux.snapshot('other')).alive).toBe(true);
    // The guard numbers the next commands will get, as an agent that can reach the server can learn them.
    const probe = await runProgram(
      'tmux',
      ['-L', socket, '-C', 'attach-session', '-f', 'no-output,ignore-size', '-t', '=other'],
      { input: 'display-message -p probe\n' },
    );
    const [, time, number] = /%begin (\d+) (\d+) 1/.exec(probe.stdout)!.map(Number);
    const forged: string[] = [];
    for (const t of [time!, time! + 1])
      for (let n = number! + 1; n <= number! + 40; n++) forged.push(`%end ${t} ${n} 1`);
    await writeFile(shown, `${forged.join('\n')}\n%begin ${time} ${number! + 41} 1\n%exit\nfake other pane\n`);
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 3; i++) {
      const [forger, other] = await Promise.all([tmux.snapshot('forger'), tmux.snapshot('other')]);
      expect(forger.tail).toBe((await plain.snapshot('forger')).tail);
      expect(forger.tail.split('\n').slice(-3)).toEqual([
        `%begin ${time} ${number! + 41} 1`,
        '%exit',
        'fake other pane',
      ]);
      expect(other.tail).toBe('the real other pane\nthe real other pane');
      expect(await tmux.captureAll('forger')).toBe(await plain.captureAll('forger'));
    }
  });

  it('captures a pane again only once it has changed', async () => {
    await catSession('agent');
    await tmuxArgs('send-keys', '-t', '=agent:', '-l', 'one\n');
    await eventually(async () => (await plain.snapshot('agent')).tail.includes('one'), 5_000);
    // Past the second of that output: a capture now is complete until the pane changes.
    await new Promise((r) => setTimeout(r, 1100));
    const commands = controlCommands();
    const captures = () => commands.filter((c) => c[0] === 'capture-pane').length;
    const first = await tmux.snapshot('agent');
    expect(first.tail).toContain('one');
    expect(captures()).toBe(1);
    expect(await tmux.snapshot('agent')).toEqual(first);
    expect(captures()).toBe(1);
    await tmuxArgs('send-keys', '-t', '=agent:', '-l', 'two\n');
    const changed = await eventually(async () => {
      const s = await tmux.snapshot('agent');
      return s.tail.includes('two') ? s : null;
    }, 5_000);
    expect(changed.tail).toBe((await plain.snapshot('agent')).tail);
  });

  it('sees a killed server as dead sessions at once, and connects again once a session is started', async () => {
    await catSession('agent');
    expect((await tmux.snapshot('agent')).alive).toBe(true);
    await plain.killServer();
    expect(await tmux.snapshot('agent')).toEqual({ alive: false, tail: '', windowActivity: null });
    expect(await tmux.hasSession('agent')).toBe(false);
    expect(await tmux.listSessions()).toEqual([]);
    // It started no server of its own.
    expect((await tmuxArgs('list-sessions')).code).not.toBe(0);
    await catSession('agent');
    const processes = tmuxProcesses();
    // Connected again (the control client is the one long-lived process): the looks run none.
    expect((await tmux.snapshot('agent')).alive).toBe(true);
    expect((await tmux.snapshot('agent')).alive).toBe(true);
    expect(processes).toEqual([]);
    expect((await tmuxArgs('list-clients', '-F', '#{client_control_mode}')).stdout).toBe('1\n');
  });
});
