import { Command, InvalidArgumentError } from 'commander';
import { parseDuration } from '../core/config/durations';

/** Line writers over commander's configured output, so a caller (or a test) can capture it. */
export interface Output {
  out(line: string): void;
  lines(lines: readonly string[]): void;
  /** Pretty-printed JSON, for `--json`. */
  json(value: unknown): void;
}

export function outputOf(command: Command): Output {
  const { writeOut } = command.configureOutput();
  const write = writeOut ?? ((s: string) => void process.stdout.write(s));
  return {
    out: (line) => write(`${line}\n`),
    lines: (lines) => {
      if (lines.length) write(`${lines.join('\n')}\n`);
    },
    json: (value) => write(`${JSON.stringify(value, null, 2)}\n`),
  };
}

/** Commander option parser for a whole number in [min, max]: bad values are usage errors (exit 2). */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** Commander option parser collecting every use of a repeatable option. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The example block every command shows after its help. */
export function examples(...lines: string[]): string {
  return `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}

/** Commander parser for a duration written like the config's (`30d`, `12h`, `90m`; a bare number is seconds), above 0. */
export function durationOption(value: string): number {
  const parsed = parseDuration(/^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.error);
  if (parsed.ms <= 0) throw new InvalidArgumentError('expected a duration above 0');
  return parsed.ms;
}
