import { Command } from 'commander';

/**
 * A `steward` program with the commands `register` adds, as the CLI builds it, but with every
 * command's output captured in `out` and `err` and its exits thrown (CommanderError) instead.
 */
export function capturedProgram(register: (program: Command) => void): {
  program: Command;
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('steward');
  const capture = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void err.push(s) });
    c.commands.forEach(capture);
  };
  // Before registering, for the subcommands `.command()` makes (they inherit it); after, for those added whole.
  capture(program);
  register(program);
  capture(program);
  return { program, out, err };
}
