import { runProgram, ProgramResult } from './run-program';
import { sessionSafeNameError } from '../core/config/names';
import { InvalidInputError } from './errors';
import { PANE_LISTING_FILTER, PANE_LISTING_FORMAT, parsePaneListing, type ListedPane } from '../core/pane/pane-listing';
import { TmuxControl } from './tmux-control';
import type { TmuxControlMode } from '../core/tmux-version';
import { SharedRun } from './shared-run';

/** What a tmux client says when no server runs on its socket (never started, or gone): no session lives. */
const NO_SERVER = /no server running|error connecting to .*\(No such file or directory\)/;
/** What tmux says when a session is not there. */
const NO_SESSION = /can't find session/;

/** Session names become tmux targets: refuse anything that could be read as target syntax. */
function assertSafeName(name: string, what: string): void {
  const problem = sessionSafeNameError(name);
  if (problem) throw new InvalidInputError(`unsafe ${what} name: ${problem}`);
}

export interface PaneSnapshot {
  alive: boolean;
  /** Last lines of the pane, plain text. */
  tail: string;
  /** tmux #{window_activity}: epoch seconds of the last output, or null. */
  windowActivity: number | null;
  /** The last text Steward typed into the pane (see TYPED_OPTION), whitespace folded; '' if none. */
  typed?: string;
}

interface RunOptions {
  /** Fed to the command's stdin: such a command always runs as a process. */
  input?: string;
  /** Nothing changes when it runs twice: run again as a process should its reply be lost with the connection. */
  retryable?: boolean;
  /** Its output is pane text (or text typed into a pane): read behind a fence over control mode (see ControlReader). */
  paneText?: boolean;
}

/** The last capture of a session's pane, and what it was taken at (see `captureIsCurrent`). */
export interface Capture {
  /** Pane id, window activity, pane size and lines asked for. */
  key: string;
  /** Epoch second just before the capture was asked for. */
  takenAt: number;
  tail: string;
}

/**
 * Whether `last` still shows the pane whose pane id, window activity, size and lines asked for
 * are `key` (activity second: `activity`). tmux stamps the window's activity (whole seconds) as it
 * reads each output of the pane's program, in the same step that draws it. So a capture asked for
 * in a later second than the activity it was taken with holds all output up to then, and any
 * output after it moves the activity to that second or later: while the key is the same, that
 * capture is still the pane's text. One asked for in the activity's own second may have missed
 * output of that second.
 */
export function captureIsCurrent(last: Capture | undefined, key: string, activity: number): boolean {
  return last !== undefined && last.key === key && last.takenAt > activity;
}

/**
 * tmux on one server socket. Tests use a private `-L` socket; production uses the default server
 * unless STEWARD_TMUX_SOCKET names another. Every call is an argument vector; text is sent with
 * paste-buffer (literal, bracketed when the program asked for it) and the submit key separately.
 *
 * With `control` (the worker's, for a server safe with it: src/core/tmux-version.ts), commands go
 * over one long-lived control-mode client (src/host/tmux-control.ts) instead of a `tmux` process each;
 * while it cannot connect (no server runs) they run as processes. Sessions are always started by a
 * process, so a server starts as before.
 */
export class Tmux {
  private readonly control: TmuxControl | null;
  /** Each session's last pane capture: a pane that has not changed since is not captured again. */
  private readonly captures = new Map<string, Capture>();
  /** Every session's pane in one command, shared by the looks that ask at once (see SharedRun). */
  private readonly panes = new SharedRun(() => this.listPanes());

  constructor(
    readonly socket?: string,
    opts: { control?: TmuxControlMode } = {},
  ) {
    const control = opts.control ?? 'off';
    this.control = control === 'off' ? null : new TmuxControl(this.prefix, { askServer: control === 'by-server' });
  }

  private get prefix(): string[] {
    return this.socket ? ['-L', this.socket] : [];
  }

  private async run(args: string[], opts: RunOptions = {}): Promise<ProgramResult> {
    const viaControl =
      this.control && opts.input === undefined
        ? await this.control.run(args, { retryable: opts.retryable ?? false, paneText: opts.paneText })
        : null;
    return viaControl ?? runProgram('tmux', [...this.prefix, ...args], { input: opts.input });
  }

  /** Ends the control-mode client, if any (the worker's shutdown). */
  async close(): Promise<void> {
    await this.control?.close();
  }

  /** Whether the session runs; a failure that says nothing about it (no process could start) throws. */
  async hasSession(session: string): Promise<boolean> {
    assertSafeName(session, 'session');
    const r = await this.run(['has-session', '-t', `=${session}`], { retryable: true });
    if (r.code === 0) return true;
    if (NO_SESSION.test(r.stderr) || NO_SERVER.test(r.stderr)) return false;
    throw new Error(`tmux has-session ${session}: ${r.stderr.trim() || `exit ${r.code}`}`);
  }

  async newSession(opts: {
    session: string;
    cwd: string;
    command: string;
    args: string[];
    env: Record<string, string>;
  }): Promise<void> {
    assertSafeName(opts.session, 'session');
    const envArgs = Object.entries(opts.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    // Several trailing arguments make tmux exec the command directly, with no shell in between.
    // Always a process: it starts the tmux server when none runs.
    const r = await runProgram('tmux', [
      ...this.prefix,
      'new-session',
      '-d',
      '-s',
      opts.session,
      '-c',
      opts.cwd,
      '-x',
      '200',
      '-y',
      '50',
      ...envArgs,
      '--',
      opts.command,
      ...opts.args,
    ]);
    this.control?.serverMayRun();
    if (r.code !== 0) throw new Error(`tmux new-session ${opts.session}: ${r.stderr.trim()}`);
  }

  /** Reads a session's user option (`@name`), null when unset or the session is gone. */
  async getOption(session: string, option: string): Promise<string | null> {
    assertSafeName(session, 'session');
    const r = await this.run(['show-options', '-t', `=${session}:`, '-v', `@${option}`], {
      retryable: true,
      paneText: true,
    });
    return r.code === 0 ? r.stdout.trim() : null;
  }

  async setOption(session: string, option: string, value: string): Promise<void> {
    assertSafeName(session, 'session');
    const r = await this.run(['set-option', '-t', `=${session}:`, `@${option}`, value]);
    if (r.code !== 0) throw new Error(`tmux set-option ${session}: ${r.stderr.trim()}`);
  }

  async killSession(session: string): Promise<void> {
    assertSafeName(session, 'session');
    await this.control?.leave(session);
    await this.run(['kill-session', '-t', `=${session}`]);
  }

  /** Pastes text into the pane literally (bracketed when the program asked for it), without submitting it. */
  async paste(session: string, text: string): Promise<void> {
    assertSafeName(session, 'session');
    const buffer = `steward-${session}`;
    // Over control mode the text is an argument (stdin is the connection); a process reads it from stdin.
    const set = await this.control?.run(['set-buffer', '-b', buffer, '--', text], { retryable: true });
    const load = set ?? (await this.run(['load-buffer', '-b', buffer, '-'], { input: text }));
    if (load.code !== 0) throw new Error(`tmux load-buffer: ${load.stderr.trim()}`);
    const paste = await this.run(['paste-buffer', '-p', '-d', '-b', buffer, '-t', `=${session}:`]);
    if (paste.code !== 0) throw new Error(`tmux paste-buffer ${session}: ${paste.stderr.trim()}`);
  }

  async pressKey(session: string, key: string): Promise<void> {
    assertSafeName(session, 'session');
    const r = await this.run(['send-keys', '-t', `=${session}:`, key]);
    if (r.code !== 0) throw new Error(`tmux send-keys ${session}: ${r.stderr.trim()}`);
  }

  /**
   * The pane's text from an absolute line (history + cursor row, as a typing mark of an older
   * worker names it) to the bottom. Once the scrollback is
   * full, old lines fall off and absolute lines shift, so the whole scrollback is returned then.
   */
  async captureSince(session: string, line: number): Promise<string> {
    const [history, limit] = await this.paneNumbers(session, ['history_size', 'history_limit']);
    const start = history! >= limit! ? '-' : String(line - history!);
    const r = await this.run(['capture-pane', '-p', '-J', '-t', `=${session}:`, '-S', start], {
      retryable: true,
      paneText: true,
    });
    if (r.code !== 0) throw new Error(`tmux capture-pane ${session}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** The pane's whole scrollback and screen (up to tmux's history-limit), wrapped lines joined. */
  async captureAll(session: string): Promise<string> {
    assertSafeName(session, 'session');
    const r = await this.run(['capture-pane', '-p', '-J', '-t', `=${session}:`, '-S', '-'], {
      retryable: true,
      paneText: true,
    });
    if (r.code !== 0) throw new Error(`tmux capture-pane ${session}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  private async paneNumbers(session: string, formats: string[]): Promise<number[]> {
    assertSafeName(session, 'session');
    const r = await this.run(['display-message', '-p', '-t', `=${session}:`, formats.map((f) => `#{${f}}`).join(' ')], {
      retryable: true,
    });
    const numbers = r.stdout.trim().split(' ').map(Number);
    if (r.code !== 0 || numbers.length !== formats.length || numbers.some((n) => !Number.isInteger(n))) {
      throw new Error(`tmux display-message ${session}: no pane (${r.stderr.trim() || 'empty reply'})`);
    }
    return numbers;
  }

  /** The session's pane: alive, its last `lines` lines, activity and the text last typed into it. */
  async snapshot(session: string, lines = 40): Promise<PaneSnapshot> {
    assertSafeName(session, 'session');
    const listed = (await this.panes.get()).get(session);
    if (!listed) {
      this.captures.delete(session);
      return { alive: false, tail: '', windowActivity: null };
    }
    return {
      alive: true,
      tail: await this.paneTail(session, listed.pane, listed.activity, listed.size, lines),
      windowActivity: listed.activity > 0 ? listed.activity : null,
      typed: listed.typed,
    };
  }

  /** Each session's active pane, one `list-panes` for the whole server; none when no server runs. */
  private async listPanes(): Promise<Map<string, ListedPane>> {
    // Typed text is pane text: read behind a fence over control mode.
    const r = await this.run(['list-panes', '-a', '-f', PANE_LISTING_FILTER, '-F', PANE_LISTING_FORMAT], {
      retryable: true,
      paneText: true,
    });
    if (r.code === 0) return parsePaneListing(r.stdout);
    if (NO_SERVER.test(r.stderr)) return new Map();
    // Anything else (tmux missing, out of processes) says nothing about the sessions: not taken for their death.
    throw new Error(`tmux list-panes: ${r.stderr.trim() || `exit ${r.code}`}`);
  }

  /** The pane's last `lines` lines, captured again only when it may have changed (`captureIsCurrent`). */
  private async paneTail(
    session: string,
    pane: string,
    activity: number,
    size: string,
    lines: number,
  ): Promise<string> {
    const key = `${pane} ${activity} ${size} ${lines}`;
    const last = this.captures.get(session);
    if (captureIsCurrent(last, key, activity)) return last!.tail;
    const takenAt = Math.floor(Date.now() / 1000);
    const r = await this.run(['capture-pane', '-p', '-J', '-t', pane, '-S', `-${lines}`], {
      retryable: true,
      paneText: true,
    });
    if (r.code !== 0) {
      this.captures.delete(session);
      return '';
    }
    const tail = r.stdout.replace(/\s+$/, '');
    this.captures.set(session, { key, takenAt, tail });
    return tail;
  }

  async listSessions(): Promise<string[]> {
    const r = await this.run(['list-sessions', '-F', '#{session_name}'], { retryable: true });
    return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
  }

  async killServer(): Promise<void> {
    await runProgram('tmux', [...this.prefix, 'kill-server']);
  }
}
