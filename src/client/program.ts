import { Command, CommanderError } from 'commander';
import { UsageError } from './load-or-exit';
import { registerBuildCommands } from './commands/build';
import { registerServerCommands } from './commands/server';
import { registerConfigCommands } from './commands/config';
import { registerTokensScan } from './commands/tokens';

export function stewardProgram(): Command {
  const program = new Command('steward')
    .description('Durable supervision for teams of CLI coding agents, on Temporal')
    .showHelpAfterError();
  registerBuildCommands(program);
  registerServerCommands(program);
  registerConfigCommands(program);
  registerTokensScan(program.command('tokens').description('token and cost accounting'));
  return program;
}

/** Exit codes: 0 ok, 1 runtime error, 2 usage or bad input. One line per error, no stack trace. */
export async function runProgramMain(program: Command, argv: string[]): Promise<void> {
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`steward: ${(err as Error).message}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
}
