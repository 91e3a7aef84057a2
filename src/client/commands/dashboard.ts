/**
 * `steward dashboard [--port 8787] [--host 127.0.0.1] [--open] [--read-only] [--web-ui URL]`: the
 * live dashboard (docs/dashboard.md), served from this process until Ctrl-C.
 */
import { Option, type Command } from 'commander';
import { findExecutable } from '../../host/find-executable';
import { runProgram } from '../../host/run-program';
import { settingsFromEnv } from '../../host/temporal-connection';
import { openTemporal, closeTemporal } from '../build-handle';
import { examples, outputOf, wholeNumber } from '../cli-output';
import { startDashboard, type Dashboard } from '../dashboard/server';

export const DASHBOARD_PORT = 8787;
const DEV_SERVER_UI = 'http://localhost:8233';

/**
 * The Temporal Web UI the build links go to: --web-ui, else STEWARD_WEB_UI, else the dev
 * server's when Temporal is the local dev server; null (no links) otherwise.
 */
export function webUiBase(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  const given = flag ?? env.STEWARD_WEB_UI;
  if (given) return given.replace(/\/+$/, '');
  const address = env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  return /^(127\.0\.0\.1|localhost):7233$/.test(address) ? DEV_SERVER_UI : null;
}

/** Opens the page in the desktop's browser, when there is a desktop opener; never fails the command. */
async function openInBrowser(url: string, warn: (line: string) => void): Promise<void> {
  const opener = (await findExecutable('xdg-open')) ?? (await findExecutable('open'));
  if (!opener) return warn(`no xdg-open or open on PATH: open ${url} yourself`);
  await runProgram(opener, [url]).catch(() => warn(`could not open a browser: open ${url} yourself`));
}

/** The same problem, met every round, is printed once a minute. */
function onceAMinute(print: (line: string) => void): (line: string) => void {
  const shown = new Map<string, number>();
  return (line) => {
    const now = Date.now();
    if (now - (shown.get(line) ?? -Infinity) < 60_000) return;
    shown.set(line, now);
    print(line);
  };
}

interface DashboardOptions {
  port: number;
  host: string;
  open?: boolean;
  readOnly?: boolean;
  webUi?: string;
}

/** Serves the dashboard on the Temporal connection until the process is told to stop. */
export async function serveDashboard(
  options: DashboardOptions,
  print: (line: string) => void,
  warn: (line: string) => void,
): Promise<Dashboard> {
  const t = await openTemporal(settingsFromEnv());
  const dashboard = await startDashboard(t, {
    host: options.host,
    port: options.port,
    readOnly: !!options.readOnly,
    webUi: webUiBase(options.webUi),
    tmuxSocket: process.env.STEWARD_TMUX_SOCKET || undefined,
    onProblem: warn,
  }).catch(async (err: unknown) => {
    await closeTemporal(t);
    throw err;
  });
  print(`dashboard: ${dashboard.url}${options.readOnly ? ' (read-only)' : ''}`);
  if (options.open) await openInBrowser(dashboard.url, warn);
  return {
    ...dashboard,
    close: async () => {
      await dashboard.close();
      await closeTemporal(t);
    },
  };
}

export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description('the live dashboard: every build, gate and agent, pushed to the browser as it happens')
    .addOption(
      new Option('--port <port>', 'port to listen on (0: any free one)')
        .argParser(wholeNumber(0, 65535))
        .default(DASHBOARD_PORT),
    )
    .option('--host <address>', 'address to listen on (0.0.0.0: every interface)', '127.0.0.1')
    .option('--open', 'open it in the browser')
    .option('--read-only', 'no operator actions (pause, resume, advance, nudge, restart)')
    .option('--web-ui <url>', "the Temporal Web UI to link builds to (default: STEWARD_WEB_UI, else the dev server's)")
    .addHelpText(
      'after',
      [
        '',
        "It reads Temporal (TEMPORAL_ADDRESS, …) and the builds' event logs on this host.",
        examples('steward dashboard --open', 'steward dashboard --read-only --host 0.0.0.0 --port 8080'),
      ].join('\n'),
    )
    .action(async (opts: DashboardOptions, command: Command) => {
      const dashboard = await serveDashboard(
        opts,
        outputOf(command).out,
        onceAMinute((line) => {
          process.stderr.write(`dashboard: ${line}\n`);
        }),
      );
      await new Promise<void>((resolve) => {
        const stop = () => void dashboard.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
