import { runProgram } from './run-program';
import { sessionSafeNameError } from '../core/config/names';
import { InvalidInputError } from './errors';
import { TYPED_OPTION } from '../core/pane/delivery';

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

/**
 * tmux on one server socket. Tests use a private `-L` socket; production uses the default server
 * unless STEWARD_TMUX_SOCKET names another. Every call is an argument vector; text is sent with
 * paste-buffer (literal, bracketed when the program asked for it) and the submit key separately.
 */
export class Tmux {
  constructor(readonly socket?: string) {}

  private run(args: string[], input?: string) {
    const prefix = this.socket ? ['-L', this.socket] : [];
    return runProgram('tmux', [...prefix, ...args], { input });
  }

  async hasSession(session: string): Promise<boolean> {
    assertSafeName(session, 'session');
    return (await this.run(['has-session', '-t', `=${session}`])).code === 0;
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
    const r = await this.run([
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
    if (r.code !== 0) throw new Error(`tmux new-session ${opts.session}: ${r.stderr.trim()}`);
  }

  /** Reads a session's user option (`@name`), null when unset or the session is gone. */
  async getOption(session: string, option: string): Promise<string | null> {
    assertSafeName(session, 'session');
    const r = await this.run(['show-options', '-t', `=${session}:`, '-v', `@${option}`]);
    return r.code === 0 ? r.stdout.trim() : null;
  }

  async setOption(session: string, option: string, value: string): Promise<void> {
    assertSafeName(session, 'session');
    const r = await this.run(['set-option', '-t', `=${session}:`, `@${option}`, value]);
    if (r.code !== 0) throw new Error(`tmux set-option ${session}: ${r.stderr.trim()}`);
  }

  async killSession(session: string): Promise<void> {
    assertSafeName(session, 'session');
    await this.run(['kill-session', '-t', `=${session}`]);
  }

  /** Pastes text into the pane literally (bracketed when the program asked for it), without submitting it. */
  async paste(session: string, text: string): Promise<void> {
    assertSafeName(session, 'session');
    const buffer = `steward-${session}`;
    const load = await this.run(['load-buffer', '-b', buffer, '-'], text);
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
    const r = await this.run(['capture-pane', '-p', '-J', '-t', `=${session}:`, '-S', start]);
    if (r.code !== 0) throw new Error(`tmux capture-pane ${session}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** The pane's whole scrollback and screen (up to tmux's history-limit), wrapped lines joined. */
  async captureAll(session: string): Promise<string> {
    assertSafeName(session, 'session');
    const r = await this.run(['capture-pane', '-p', '-J', '-t', `=${session}:`, '-S', '-']);
    if (r.code !== 0) throw new Error(`tmux capture-pane ${session}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  private async paneNumbers(session: string, formats: string[]): Promise<number[]> {
    assertSafeName(session, 'session');
    const r = await this.run(['display-message', '-p', '-t', `=${session}:`, formats.map((f) => `#{${f}}`).join(' ')]);
    const numbers = r.stdout.trim().split(' ').map(Number);
    if (r.code !== 0 || numbers.length !== formats.length || numbers.some((n) => !Number.isInteger(n))) {
      throw new Error(`tmux display-message ${session}: no pane (${r.stderr.trim() || 'empty reply'})`);
    }
    return numbers;
  }

  async snapshot(session: string, lines = 40): Promise<PaneSnapshot> {
    assertSafeName(session, 'session');
    // One call for the activity time and the last typed text (user options expand in formats, once).
    const info = await this.run([
      'display-message',
      '-p',
      '-t',
      `=${session}:`,
      `#{window_activity} #{@${TYPED_OPTION}}`,
    ]);
    const [activity = '', ...typed] = info.stdout.replace(/\n$/, '').split(' ');
    // display-message exits 0 with empty formats when its target session is gone (tmux 3.3a): empty output is dead too.
    if (info.code !== 0 || !activity.trim()) return { alive: false, tail: '', windowActivity: null };
    const pane = await this.run(['capture-pane', '-p', '-J', '-t', `=${session}:`, '-S', `-${lines}`]);
    const seconds = Number(activity.trim());
    const tail = pane.code === 0 ? pane.stdout.replace(/\s+$/, '') : '';
    return {
      alive: true,
      tail,
      windowActivity: Number.isFinite(seconds) && seconds > 0 ? seconds : null,
      typed: typed.join(' '),
    };
  }

  async listSessions(): Promise<string[]> {
    const r = await this.run(['list-sessions', '-F', '#{session_name}']);
    return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
  }

  async killServer(): Promise<void> {
    await this.run(['kill-server']);
  }
}
