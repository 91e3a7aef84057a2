/**
 * `steward hook [--build B] [--agent A]`: run by Claude Code as a command hook (see
 * src/core/hook-settings.ts). Reads the hook's JSON payload on stdin, turns it into an
 * AgentHookEvent (src/core/hook-payload.ts) and signals the build workflow `build/<B>`.
 *
 * A hook must never block or break the agent, so:
 * - stdin is read for at most {@link HOOK_STDIN_TIMEOUT_MS}; connect + signal take at most
 *   {@link HOOK_SEND_TIMEOUT_MS}; nothing waits longer.
 * - Nothing is written to stdout on success (Claude Code parses hook stdout as JSON, and for
 *   SessionStart adds it to the agent's context). Errors are one line on stderr, never a stack.
 * - Exit codes: 0 sent; 2 malformed payload or no build/agent; 1 Temporal unreachable or the
 *   signal failed. Claude Code reads exit 2 from a Stop hook as "keep going", so the generated
 *   hook command maps every failure to 1 (`… || exit 1`).
 */
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import type { AgentHookEvent } from '../../core/hook-event';
import { parseHookPayload } from '../../core/hook-payload';
import { hookSettings, shellCommand } from '../../core/hook-settings';
import { idError, sessionSafeNameError } from '../../core/config/names';
import { buildWorkflowId, hookSignal } from '../../workflows/definitions';
import { settingsFromEnv, type ConnectionSettings } from '../../host/temporal-connection';
import { connect } from '../connection';
import { cliError, closeTemporal, openTemporal } from '../build-handle';
import { firstLine } from '../render/format';

export const HOOK_EXIT = { ok: 0, unreachable: 1, badInput: 2 } as const;
export const HOOK_STDIN_TIMEOUT_MS = 5_000;
export const HOOK_SEND_TIMEOUT_MS = 10_000;
/** Payloads carry the agent's last message; anything past this is not a hook payload. */
export const HOOK_STDIN_MAX_BYTES = 4 * 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; error: string };

/**
 * Reads a stream to its end, giving up after `timeoutMs` or past `maxBytes` (then the stream is
 * destroyed so it holds the process no longer).
 */
export function readStreamCapped(stream: Readable, timeoutMs: number, maxBytes: number): Promise<ReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: ReadResult, release: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      if (release) stream.destroy();
      resolve(result);
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > maxBytes) finish({ ok: false, error: `hook payload is larger than ${maxBytes} bytes` }, true);
      else chunks.push(bytes);
    };
    const onEnd = (): void => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }, false);
    const onError = (err: Error): void =>
      finish({ ok: false, error: `cannot read stdin: ${firstLine(err.message)}` }, true);
    const timer = setTimeout(
      () => finish({ ok: false, error: `no complete hook payload on stdin within ${timeoutMs / 1000} s` }, true),
      timeoutMs,
    );
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

export interface HookTarget {
  build: string;
  agent: string;
  /** STEWARD_SESSION_ID: used when the payload has no session_id. */
  sessionId?: string;
}

/** Build and agent from the flags, else from STEWARD_BUILD / STEWARD_AGENT. */
export function hookTarget(
  flags: { build?: string; agent?: string },
  env: NodeJS.ProcessEnv = process.env,
): { ok: true; target: HookTarget } | { ok: false; error: string } {
  const build = flags.build ?? env.STEWARD_BUILD ?? '';
  const agent = flags.agent ?? env.STEWARD_AGENT ?? '';
  if (build === '') return { ok: false, error: 'no build: set STEWARD_BUILD or pass --build' };
  if (agent === '') return { ok: false, error: 'no agent: set STEWARD_AGENT or pass --agent' };
  const buildError = idError(build);
  if (buildError) return { ok: false, error: `build: ${buildError}` };
  const agentError = sessionSafeNameError(agent);
  if (agentError) return { ok: false, error: `agent: ${agentError}` };
  const sessionId = env.STEWARD_SESSION_ID || undefined;
  return { ok: true, target: { build, agent, ...(sessionId ? { sessionId } : {}) } };
}

/** Signals `hookSignal` to the build's workflow (the latest run of `build/<build>`). */
export async function sendHookEvent(client: Client, build: string, event: AgentHookEvent): Promise<void> {
  await client.workflow.getHandle(buildWorkflowId(build)).signal(hookSignal, event);
}

export interface RunHookDeps {
  /** The payload; default: stdin, capped in time and size. */
  readInput?: () => Promise<ReadResult>;
  connect?: (settings: ConnectionSettings) => ReturnType<typeof connect>;
  settings?: () => ConnectionSettings;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** Zone for bare clock times in limit messages; default this host's zone. */
  timeZone?: string;
  sendTimeoutMs?: number;
  /** Where the one-line error goes; default stderr. */
  error?: (line: string) => void;
}

/** The whole command as a function: returns the exit code, prints only errors. */
export async function runHook(flags: { build?: string; agent?: string }, deps: RunHookDeps = {}): Promise<number> {
  const report = deps.error ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const fail = (code: number, message: string): number => {
    report(`steward hook: ${message}`);
    return code;
  };
  const target = hookTarget(flags, deps.env ?? process.env);
  if (!target.ok) return fail(HOOK_EXIT.badInput, target.error);

  const input = await (deps.readInput ?? readStdin)();
  if (!input.ok) return fail(HOOK_EXIT.badInput, input.error);
  const now = (deps.now ?? Date.now)();
  const parsed = parseHookPayload(input.text, target.target.agent, now, {
    timeZone: deps.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    sessionId: target.target.sessionId,
  });
  if (!parsed.ok) return fail(HOOK_EXIT.badInput, parsed.error);

  let settings: ConnectionSettings;
  try {
    settings = (deps.settings ?? settingsFromEnv)();
  } catch (err) {
    return fail(HOOK_EXIT.unreachable, `connection settings: ${firstLine((err as Error).message)}`);
  }
  const workflowId = buildWorkflowId(target.target.build);
  const timeoutMs = deps.sendTimeoutMs ?? HOOK_SEND_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  try {
    await withTimeout(
      timeoutMs,
      `no answer from Temporal at ${settings.address} within ${timeoutMs / 1000} s`,
      async (late) => {
        const t = await openTemporal(settings, deps.connect);
        try {
          if (late()) return; // already reported as a timeout: do not signal after the fact
          await t.connection.withDeadline(deadline, () => sendHookEvent(t.client, target.target.build, parsed.event));
        } catch (err) {
          if ((err as Error).name === 'WorkflowNotFoundError')
            throw new Error(`no running build ${target.target.build} (workflow ${workflowId})`);
          throw cliError(t, err, `signal to ${workflowId} failed`, timeoutMs);
        } finally {
          await closeTemporal(t);
        }
      },
    );
  } catch (err) {
    return fail(HOOK_EXIT.unreachable, (err as Error).message);
  }
  return HOOK_EXIT.ok;
}

function readStdin(): Promise<ReadResult> {
  if (process.stdin.isTTY) {
    return Promise.resolve({
      ok: false,
      error: 'reads a Claude Code hook payload on stdin; Claude Code runs it (see `steward hook --print-settings`)',
    });
  }
  return readStreamCapped(process.stdin, HOOK_STDIN_TIMEOUT_MS, HOOK_STDIN_MAX_BYTES);
}

/**
 * Runs `work` with a deadline: rejects with `message` once `ms` have passed. `work` can ask
 * `late()` whether that has happened, to skip what would now come too late.
 */
async function withTimeout(ms: number, message: string, work: (late: () => boolean) => Promise<void>): Promise<void> {
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(message));
    }, ms);
  });
  const running = work(() => timedOut);
  running.catch(() => undefined); // a failure after the deadline has already been reported
  try {
    await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The Claude Code settings JSON for this installation: `node <this steward> hook` on each event. */
export function settingsForThisInstall(): string {
  const bin = process.argv[1];
  const command = bin ? shellCommand([process.execPath, bin]) : 'steward';
  return JSON.stringify(hookSettings(command), null, 2);
}

export function registerHookCommand(program: Command): void {
  program
    .command('hook')
    .description("report a Claude Code hook event (JSON on stdin) to the agent's build; run by Claude Code")
    .option('--build <name>', 'build name (default: $STEWARD_BUILD); the workflow is build/<name>')
    .option('--agent <name>', 'agent name (default: $STEWARD_AGENT)')
    .option('--print-settings', 'print the Claude Code settings (for `claude --settings`) that run this hook, and exit')
    // A usage error is a CommanderError for runProgramMain (exit 2), not commander's own exit 1.
    .exitOverride()
    .addHelpText(
      'after',
      [
        '',
        'Exit codes: 0 sent, 2 bad payload or no build/agent, 1 Temporal unreachable. Prints nothing on success.',
        '',
        'Example:',
        '  echo \'{"hook_event_name":"Stop","session_id":"abc"}\' | STEWARD_BUILD=demo STEWARD_AGENT=builder steward hook',
      ].join('\n'),
    )
    .action(async (opts: { build?: string; agent?: string; printSettings?: boolean }) => {
      if (opts.printSettings) {
        process.stdout.write(`${settingsForThisInstall()}\n`);
        return;
      }
      process.exitCode = await runHook(opts);
    });
}
