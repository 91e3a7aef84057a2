import { Command, CommanderError } from 'commander';
import { UsageError } from './load-or-exit';
import { registerBuildCommands } from './commands/build';
import { registerServerCommands } from './commands/server';
import { registerConfigCommands } from './commands/config';
import { registerTokensCommand } from './commands/tokens';
import { registerReportCommand } from './commands/report';
import { registerBudgetCommand } from './commands/budget';
import { registerOperateCommands } from './commands/operate';
import { registerLogCommand } from './commands/log';
import { registerCiCommands } from './commands/ci';
import { registerHookCommand } from './commands/hook';
import { registerModelStandinCommand } from './commands/model-standin';
import { registerDoctorCommand } from './commands/doctor';
import { registerDashboardCommand } from './commands/dashboard';
import { registerRetroCommand } from './commands/retro';
import { registerLessonsCommand } from './commands/lessons';

export function stewardProgram(): Command {
  const program = new Command('steward')
    .description('Durable supervision for teams of CLI coding agents, on Temporal')
    // Set before the commands are added, so every subcommand inherits them: a usage error is a
    // CommanderError for runProgramMain (exit 2), reported on one line.
    .exitOverride()
    .showHelpAfterError(false)
    .addHelpText(
      'after',
      [
        '',
        'A build is named by its build name B (workflow id build/B); the full id is accepted too.',
        'Temporal: TEMPORAL_ADDRESS (default 127.0.0.1:7233), TEMPORAL_NAMESPACE, TEMPORAL_TLS_CERT/KEY, TEMPORAL_API_KEY.',
        'Exit codes: 0 ok, 1 runtime error (Temporal unreachable, no answer in time), 2 usage or bad input.',
        'Each command has --help with an example; docs/operations.md has them all.',
      ].join('\n'),
    );
  registerBuildCommands(program);
  registerServerCommands(program);
  registerConfigCommands(program);
  registerTokensCommand(program);
  registerReportCommand(program);
  registerOperateCommands(program);
  registerBudgetCommand(program);
  registerLogCommand(program);
  registerCiCommands(program);
  registerHookCommand(program);
  registerModelStandinCommand(program);
  registerDoctorCommand(program);
  registerDashboardCommand(program);
  registerRetroCommand(program);
  registerLessonsCommand(program);
  return program;
}

/**
 * `steward … | head`: once the reader of stdout has gone, there is nobody left to tell anything,
 * so the command ends quietly (exit 0) instead of dying on an EPIPE stack trace.
 */
export function exitQuietlyOnClosedPipe(
  stream: NodeJS.WritableStream = process.stdout,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    exit(0);
  });
}

/** Exit codes: 0 ok, 1 runtime error, 2 usage or bad input. One line per error, no stack trace. */
export async function runProgramMain(program: Command, argv: string[]): Promise<void> {
  exitQuietlyOnClosedPipe();
  exitOverrideAll(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`steward: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
}

/** Commander copies settings to subcommands only when they are created: set it on every one. */
function exitOverrideAll(command: Command): void {
  command.exitOverride();
  command.commands.forEach(exitOverrideAll);
}
