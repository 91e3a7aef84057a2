/**
 * What every `steward` entry point shares, kept light: the root command and the main routine (exit
 * codes, one-line errors, a closed stdout). `tokens scan` has an entry of its own (scan-cli.ts)
 * that must not load the whole program (the Temporal client alone is ~0.5 s of start-up).
 */
import { Command, CommanderError } from 'commander';

/** The `steward` command itself, without subcommands. */
export function stewardRoot(): Command {
  return (
    new Command('steward')
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
      )
  );
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
    // Loaded only now: it brings the config loader (zod, TOML), which a fast path may never need.
    const { UsageError } = await import('./load-or-exit');
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
}

/** Commander copies settings to subcommands only when they are created: set it on every one. */
function exitOverrideAll(command: Command): void {
  command.exitOverride();
  command.commands.forEach(exitOverrideAll);
}
