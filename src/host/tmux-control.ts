import { spawn, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { runProgram, type ProgramResult } from './run-program';
import { tmuxCommandLine } from './tmux-command';
import { controlModeSafe } from '../core/tmux-version';

/** How long a command may wait for its reply before the connection is taken for broken (a process's timeout). */
const REPLY_TIMEOUT_MS = 30_000;
/** After a failed connection attempt, how long commands run as processes before the next one. */
const RECONNECT_AFTER_MS = 1_000;
/** After a server said it is not safe with a control client, how long before it is asked again (or a session was started). */
const ASK_SERVER_AGAIN_MS = 60_000;

/** How a command sent over the connection ended: its reply, or `lost` (sent, no reply: the connection died). */
export type ControlOutcome = ProgramResult | 'lost';

export interface PendingReply {
  /** The random line a fence command prints, for a command whose output is pane text (see ControlReader). */
  fence?: string;
  sentAt: number;
  settle(outcome: ControlOutcome): void;
}

/** A `%begin`/`%end`/`%error` guard line: its kind and the time, number and flags it carries. */
function guard(line: string): { kind: string; id: string } | null {
  const m = /^%(begin|end|error) (\d+ \d+ \d+)$/.exec(line);
  return m ? { kind: m[1]!, id: m[2]! } : null;
}

/** A reply as a finished program's: output on stdout (a line each), or the error on stderr. */
function asResult(ok: boolean, lines: string[]): ProgramResult {
  const text = lines.map((l) => `${l}\n`).join('');
  return ok ? { code: 0, stdout: text, stderr: '' } : { code: 1, stdout: '', stderr: text };
}

type ReaderState =
  | { at: 'between' }
  | { at: 'reply'; id: string; lines: string[]; fence?: string }
  | { at: 'fence'; id: string; outcome: ProgramResult };

/**
 * Reads one control-mode connection's output (tmux 3.3a, CONTROL MODE in tmux(1)). Each command
 * line gets one block: `%begin <time> <number> <flags>`, its output, then `%end` or `%error` with
 * the same three numbers. Between blocks, lines starting with `%` are notifications
 * (`%sessions-changed`, `%exit`, …): skipped. A block ends only on a guard with its own numbers.
 *
 * Pane text might still show such a guard, so a command whose output is pane text is sent with a
 * fence after it, `display-message -p <random>`: that reply is read to the fence's line, which no
 * pane shows, and the command's output is what comes before the last guard in front of the
 * fence's `%begin`. Anything outside this grammar calls `outOfStep`.
 */
export class ControlReader {
  private state: ReaderState = { at: 'between' };

  constructor(
    /** The oldest command still waiting for its reply. */
    private readonly head: () => PendingReply | undefined,
    /** Settles the oldest waiting command. */
    private readonly settle: (outcome: ProgramResult) => void,
    private readonly outOfStep: (why: string) => void,
    /** A notification (a `%` line between replies). */
    private readonly notice: (line: string) => void = () => undefined,
  ) {}

  reset(): void {
    this.state = { at: 'between' };
  }

  line(text: string): void {
    const s = this.state;
    const g = guard(text);
    if (s.at === 'between') {
      if (g?.kind === 'begin' && this.head())
        this.state = { at: 'reply', id: g.id, lines: [], fence: this.head()!.fence };
      else if (g || !text.startsWith('%')) this.outOfStep(`a line outside any reply: ${text.slice(0, 80)}`);
      else this.notice(text);
    } else if (s.at === 'reply' && s.fence === undefined) {
      if (g && g.kind !== 'begin' && g.id === s.id) this.finish(asResult(g.kind === 'end', s.lines));
      else s.lines.push(text);
    } else if (s.at === 'reply') {
      if (text === s.fence) this.fenced(s.id, s.lines);
      else s.lines.push(text);
    } else if (g && g.kind !== 'begin' && g.id === s.id) this.finish(s.outcome);
    else this.outOfStep(`the fence's reply does not end: ${text.slice(0, 80)}`);
  }

  /** The fence's line came: `lines` ends with its `%begin`, after the command's own last guard (and maybe notifications). */
  private fenced(id: string, lines: string[]): void {
    const open = guard(lines.at(-1) ?? '');
    let i = lines.length - 2;
    while (i >= 0 && lines[i]!.startsWith('%') && !guard(lines[i]!)) i--;
    const close = guard(lines[i] ?? '');
    if (open?.kind !== 'begin' || !close || close.kind === 'begin' || close.id !== id) {
      this.outOfStep('a fenced reply without its guards');
      return;
    }
    this.state = { at: 'fence', id: open.id, outcome: asResult(close.kind === 'end', lines.slice(0, i)) };
  }

  private finish(outcome: ProgramResult): void {
    this.state = { at: 'between' };
    this.settle(outcome);
  }
}

/**
 * One long-lived tmux control-mode client (`tmux -C`) on a tmux server socket: commands are written
 * to it as lines and their replies read back, instead of one `tmux` process per command. A control
 * client must be attached to a session: it attaches to one that exists (tmux picks the most recently
 * used unattached one), without pane output (`no-output`) and without a say in window sizes
 * (`ignore-size`), so the session and its panes are as they were; nothing is added to the server.
 *
 * It never starts a tmux server (`-N`): while none runs (or the connection cannot be made), `run`
 * answers null and the caller runs the command as a process, as before; it tries again a second
 * later, or at once after `serverMayRun`. When the server dies, or the session it is attached to
 * ends (tmux then detaches it), the connection ends, every command waiting for a reply is `lost`,
 * and the next command connects again. Before Steward kills that session itself, `leave` moves the
 * client to another one, so that its own commands are not cut off.
 */
export class TmuxControl {
  private child: ChildProcess | null = null;
  /** Set once `child` has attached: before that, commands wait for the connection or go to processes. */
  private attached = false;
  /** The session the client is attached to (tmux's `%session-changed`). */
  private session: string | null = null;
  private connecting: Promise<boolean> | null = null;
  private pending: PendingReply[] = [];
  private retryAt = 0;
  /** The last server asked was not safe with a control client (see `askServer`). */
  private unsafeServer = false;
  private closed = false;
  private watchdog: NodeJS.Timeout | null = null;
  private readonly reader = new ControlReader(
    () => this.pending[0],
    (outcome) => this.pending.shift()?.settle(outcome),
    () => this.drop(),
    (line) => {
      const changed = /^%session-changed \$\d+ (.*)$/.exec(line);
      if (changed) this.session = changed[1]!;
    },
  );

  constructor(
    /** tmux's arguments before the command (`-L <socket>`). */
    private readonly prefix: readonly string[],
    /**
     * Before each connect, ask the running server its version and connect only when it is safe
     * with a control client (src/core/tmux-version.ts): the server may be older than the `tmux`
     * on PATH, which is what would connect to it.
     */
    private readonly opts: { askServer?: boolean } = {},
  ) {}

  /**
   * Runs one command over the connection. Null when it was not run there — no connection could be
   * made, or a `retryable` command lost its reply — and the caller should run it as a process; a
   * command that changes something and lost its reply fails instead (it may have been done).
   * `paneText`: its output is pane text, read behind a fence (see ControlReader).
   */
  async run(args: readonly string[], opts: { retryable: boolean; paneText?: boolean }): Promise<ProgramResult | null> {
    const line = tmuxCommandLine(args);
    if (!(await this.ready()) || !this.child?.stdin?.writable) return null;
    const fence = opts.paneText ? `steward-fence-${randomBytes(12).toString('hex')}` : undefined;
    const outcome = await this.send(
      fence ? `${line}\n${tmuxCommandLine(['display-message', '-p', fence])}` : line,
      fence,
    );
    if (outcome !== 'lost') return outcome;
    return opts.retryable ? null : { code: 1, stdout: '', stderr: 'tmux control connection lost before the reply' };
  }

  /** A tmux server may run now (a session was started): the next command connects at once. */
  serverMayRun(): void {
    this.retryAt = 0;
  }

  /**
   * Moves the client off `session` (to another one) when it is attached there: Steward is about
   * to kill it, and tmux would detach the client with it, cutting off the replies still to come.
   */
  async leave(session: string): Promise<void> {
    if (!this.attached || this.session !== session) return;
    const listed = await this.run(['list-sessions', '-F', '#{session_name}'], { retryable: false });
    const other = listed?.stdout.split('\n').find((name) => name && name !== session);
    if (other) await this.run(['switch-client', '-t', `=${other}`], { retryable: false });
  }

  /** Ends the connection; commands run as processes afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await this.connecting;
    const child = this.child;
    if (!child) return;
    const exited = new Promise((r) => child.once('exit', r));
    // End of input: the client detaches and exits.
    child.stdin?.end();
    const timer = setTimeout(() => child.kill(), 2_000);
    await exited;
    clearTimeout(timer);
  }

  private async ready(): Promise<boolean> {
    if (this.attached) return true;
    if (this.closed || Date.now() < this.retryAt) return false;
    this.connecting ??= this.attach().finally(() => (this.connecting = null));
    const ok = await this.connecting;
    if (!ok) this.retryAt = Date.now() + (this.unsafeServer ? ASK_SERVER_AGAIN_MS : RECONNECT_AFTER_MS);
    // The connection may have ended while this caller waited its turn.
    return ok && this.attached;
  }

  private send(lines: string, fence?: string): Promise<ControlOutcome> {
    const child = this.child;
    if (!child?.stdin?.writable) return Promise.resolve('lost');
    return new Promise((settle) => {
      this.pending.push({ fence, sentAt: Date.now(), settle });
      child.stdin!.write(`${lines}\n`);
    });
  }

  /** Whether a server runs that may be connected to: with `askServer`, one that says it is safe. */
  private async serverToConnect(): Promise<boolean> {
    if (!this.opts.askServer) return true;
    // A client process asks the server, whatever version that client is: no control client is made.
    const asked = await runProgram('tmux', [...this.prefix, 'display-message', '-p', '#{version}']);
    this.unsafeServer = asked.code === 0 && !controlModeSafe(asked.stdout);
    return asked.code === 0 && !this.unsafeServer;
  }

  /** Attaches to a session of the server, when one runs ("no server running", "no sessions": false). */
  private async attach(): Promise<boolean> {
    if (!(await this.serverToConnect()) || this.closed) return false;
    const env = { ...process.env };
    // A worker started from inside tmux: the control client is not a nested session.
    delete env.TMUX;
    const child = spawn(
      'tmux',
      // -N: attaching never starts a server (nor runs the user's tmux.conf) when none runs.
      [...this.prefix, '-N', '-u', '-C', 'attach-session', '-f', 'no-output,ignore-size'],
      { stdio: ['pipe', 'pipe', 'ignore'], env },
    );
    this.child = child;
    this.reader.reset();
    let rest: Buffer = Buffer.alloc(0);
    child.stdout!.on('data', (chunk: Buffer) => {
      let data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10)) {
        const text = data.subarray(0, nl).toString('utf8');
        data = data.subarray(nl + 1);
        if (this.child === child) this.reader.line(text);
      }
      rest = data;
    });
    child.stdin!.on('error', () => this.drop(child));
    child.on('error', () => this.drop(child));
    child.on('exit', () => this.drop(child));
    this.watchdog ??= setInterval(() => {
      if (this.pending[0] && Date.now() - this.pending[0].sentAt > REPLY_TIMEOUT_MS) this.drop();
    }, 5_000).unref();
    // The attach command's own reply is the first block.
    return new Promise((resolve) => {
      this.pending.push({
        sentAt: Date.now(),
        settle: (outcome) => {
          this.attached = outcome !== 'lost' && outcome.code === 0;
          if (!this.attached) this.drop(child);
          resolve(this.attached);
        },
      });
    });
  }

  /** Ends the connection (`child`, or whichever is current): every waiting command has lost its reply. */
  private drop(child: ChildProcess | null = this.child): void {
    if (!child || child !== this.child) return;
    this.child = null;
    this.attached = false;
    this.session = null;
    child.kill();
    const lost = this.pending;
    this.pending = [];
    for (const p of lost) p.settle('lost');
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }
}
