import { stat } from 'node:fs/promises';
import type { LaunchSpec } from '../core/launch';
import {
  downPressesToAccept,
  lastNonEmptyLines,
  showsDialog,
  startupDialog,
  CLAUDE_DIALOG_PATTERNS,
} from '../core/pane';
import { hookArgsForVersion } from '../core/hook-settings';
import { runProgram } from '../host/run-program';
import { launchPath, temporalEnv } from '../host/agent-env';
import { SENT_OPTION } from '../core/pane/delivery';
import type { StartupDialog } from '../core/pane';
import type { Tmux } from '../host/tmux';
import { findExecutable } from '../host/find-executable';
import { deliverOnce } from './pane-delivery';
import type { LessonsOutcome, LessonsRequest } from '../core/learning/injection';
import { composeWithLessons } from './lessons';
import { permanentFailure } from './failures';

export interface LaunchRequest {
  spec: LaunchSpec;
  fresh: boolean;
  prompt: string;
  /** The prompt carries the top lessons for the agent and phase (`[learning] inject`). */
  lessons?: LessonsRequest;
}

// Within the launch activity's one minute: a cold Claude Code 2.0.x on a busy 2-core host takes 10–15 s through two dialogs.
const READY_TIMEOUT_MS = 40_000;
const POLL_MS = 250;
/** A TUI draws its first screen in pieces (a dialog may follow the banner): ready means still for this long. */
const SETTLED_MS = 500;
/** An answer to a start-up dialog that left it on screen this long is given again. */
const ANSWER_AGAIN_MS = 2_000;

const DIALOG_NAMES: Record<StartupDialog, { what: string; key: string }> = {
  trust: { what: 'the folder-trust dialog', key: 'trust_workdir' },
  bypass: { what: 'the bypass-permissions warning', key: 'accept_bypass_mode' },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The launch outcome of a program that ended right after its start: healing and the crash-loop rule take it from here. */
function exited(spec: LaunchSpec) {
  return permanentFailure(
    'AgentExited',
    `agent ${spec.agent}: ${spec.command} exited right after start${exitHint(spec)}`,
  );
}

/** Why a program may exit at once; the pane is gone with it, so this is the only hint there is. */
function exitHint(spec: LaunchSpec): string {
  const bypass = spec.args.includes('--dangerously-skip-permissions');
  if (bypass && process.getuid?.() === 0 && (spec.env.IS_SANDBOX ?? process.env.IS_SANDBOX) !== '1') {
    return ' (Claude Code refuses --dangerously-skip-permissions as root unless IS_SANDBOX=1 is set: `steward doctor` checks this)';
  }
  return '';
}

/**
 * Waits until the program has drawn its first screen and holds still, answering the start-up
 * dialogs the backend allows (Claude Code's folder trust, bypass warning: both default to "No,
 * exit", so the first prompt's Enter would end the agent). A dialog it may not answer fails the
 * launch for good, naming the setting; so does a program that exits at once. Nothing is typed
 * into a dialog but the keys that answer it.
 */
async function waitForStart(tmux: Tmux, spec: LaunchSpec): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  let stillSince = Date.now();
  let answeredAt = 0;
  while (Date.now() < deadline) {
    const snap = await tmux.snapshot(spec.session);
    if (!snap.alive) throw exited(spec);
    if (snap.tail !== last) {
      last = snap.tail;
      stillSince = Date.now();
    }
    // Keys sent while a TUI is still drawing are lost: act on a screen that has held still.
    const settled = last.trim() !== '' && Date.now() - stillSince >= SETTLED_MS;
    const dialog = startupDialog(last);
    if (settled && dialog) {
      const presses = downPressesToAccept(last, dialog);
      const { what, key } = DIALOG_NAMES[dialog];
      if (spec.answers?.[dialog] !== true) {
        throw permanentFailure(
          'StartupDialog',
          `agent ${spec.agent}: start-up dialog: ${what} waits in session ${spec.session}; nothing was typed. Answer it and \`steward restart\` the agent, or set [backend] ${key} = true`,
        );
      }
      if (presses === null) {
        throw permanentFailure(
          'StartupDialog',
          `agent ${spec.agent}: start-up dialog: ${what} in session ${spec.session} has no option Steward knows how to accept; nothing was typed: ${dialogText(last)}`,
        );
      }
      // The highlight is read afresh each time, and Enter only goes to the accepting option once
      // the screen shows it highlighted: a lost key press is pressed again, never Enter on "No, exit".
      if (presses > 0 && Date.now() - answeredAt >= ANSWER_AGAIN_MS) {
        for (let i = 0; i < presses; i++) await tmux.pressKey(spec.session, 'Down');
        answeredAt = Date.now();
      } else if (presses === 0 && Date.now() - answeredAt >= SETTLED_MS) {
        await tmux.pressKey(spec.session, 'Enter');
        answeredAt = Date.now();
      }
    } else if (settled && showsDialog(last, CLAUDE_DIALOG_PATTERNS)) {
      throw permanentFailure(
        'StartupDialog',
        `agent ${spec.agent}: start-up dialog in session ${spec.session}, nothing was typed: ${dialogText(last)}`,
      );
    } else if (settled) {
      return;
    }
    await sleep(POLL_MS);
  }
}

/** The dialog's words for the event, in one line: what an operator must answer. */
function dialogText(screen: string): string {
  return lastNonEmptyLines(screen, 12)
    .map((l) => l.trim())
    .join(' · ')
    .slice(0, 400);
}

const versions = new Map<string, string>();

/**
 * What `<command> --version` says, once per program path (a worker keeps it while it runs), when
 * the launch passes Claude Code hook settings: they must name only events that release knows.
 * A failed answer is not kept, so the next launch asks again.
 */
async function programVersion(command: string): Promise<string | null> {
  const known = versions.get(command);
  if (known !== undefined) return known;
  const r = await runProgram(command, ['--version'], { timeoutMs: 8_000, input: '' });
  if (r.code !== 0 || !r.stdout.trim()) return null;
  versions.set(command, r.stdout.trim());
  return r.stdout.trim();
}

/** A missing working directory would silently become the worker's own: refuse it, naming both. */
async function assertWorkdir(spec: LaunchSpec): Promise<void> {
  const isDir = await stat(spec.cwd).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir)
    throw permanentFailure('ConfigError', `agent ${spec.agent}: cwd ${spec.cwd} is not a directory on this host`);
}

/**
 * Starts an agent in its own tmux session and types its first prompt. Idempotent per launch: the
 * session is tagged with the launch's session id, so a retried activity (say, after its worker
 * died) finishes the launch it began instead of killing the agent it just started. Returns the
 * lessons the prompt carried, when it was asked for them and the prompt went out. The activity
 * heartbeats all along (src/activities/heartbeat-ticker.ts).
 */
export async function launchAgent(tmux: Tmux, binDir: string, req: LaunchRequest): Promise<LessonsOutcome | undefined> {
  const { spec } = req;
  const launchId = spec.env.STEWARD_SESSION_ID ?? spec.session;
  if (await tmux.hasSession(spec.session)) {
    const tagged = await tmux.getOption(spec.session, 'steward_launch');
    // Typing the prompt is itself exactly-once: a retry after it was typed does nothing more.
    if (tagged === launchId) return typeFirstPrompt(tmux, spec, launchId, req);
    if (!req.fresh) return undefined;
    await tmux.killSession(spec.session);
  }
  await assertWorkdir(spec);
  // Hooks (`steward hook`) must reach the worker's Temporal even when the user's tmux server predates
  // the worker; STEWARD_BIN makes the hook command absolute (src/core/launch.ts).
  const path = launchPath(binDir, spec.env);
  const env = { ...temporalEnv(), ...spec.env, STEWARD_BIN: binDir, PATH: path };
  // tmux execs the command with its server's PATH, not the session's: resolve it here, and set the
  // program's PATH through env(1), since tmux 3.3a gives the session its client's PATH, not `-e PATH`.
  const command = await findExecutable(spec.command, path);
  if (!command) throw permanentFailure('ConfigError', `agent ${spec.agent}: command not found: ${spec.command}`);
  const args = spec.args.includes('--settings')
    ? hookArgsForVersion(spec.args, await programVersion(command))
    : spec.args;
  await tmux.newSession({
    session: spec.session,
    cwd: spec.cwd,
    command: '/usr/bin/env',
    args: [`PATH=${path}`, command, ...args],
    env,
  });
  // A program that exits at once takes its session with it, before the tag can be set.
  await tmux.setOption(spec.session, 'steward_launch', launchId).catch(async (err: unknown) => {
    throw (await tmux.hasSession(spec.session)) ? err : exited(spec);
  });
  return typeFirstPrompt(tmux, spec, launchId, req);
}

async function typeFirstPrompt(
  tmux: Tmux,
  spec: LaunchSpec,
  launchId: string,
  req: LaunchRequest,
): Promise<LessonsOutcome | undefined> {
  // A service has no prompt: nothing to wait for.
  if (!req.prompt.trim()) return undefined;
  // Composed the same on every attempt (the same file, the workflow's clock); typed at most once.
  const prompt = await composeWithLessons(req.prompt, req.lessons);
  // A retry of a launch whose prompt went out: the agent may be at a dialog of its own by now.
  if ((await tmux.getOption(spec.session, SENT_OPTION)) === `launch:${launchId}`) return prompt.outcome;
  await waitForStart(tmux, spec);
  try {
    await deliverOnce(
      tmux,
      { session: spec.session, text: prompt.text, submitKey: spec.submitKey },
      `launch:${launchId}`,
    );
    return prompt.outcome;
  } catch (err) {
    // An agent that exits right after reading its prompt is not a failed launch (a retry would
    // start it again behind the crash-loop count's back): healing deals with the dead session.
    if (await tmux.hasSession(spec.session)) throw err;
    return undefined;
  }
}
