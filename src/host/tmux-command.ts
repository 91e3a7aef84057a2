import { InvalidInputError } from './errors';

/**
 * One tmux command as a line of tmux's command language (what a control-mode client writes), from
 * an argument vector: each argument reaches the command exactly as given, nothing in it is
 * interpreted. Read against tmux 3.3a's parser (cmd-parse.y):
 *   - inside single quotes every byte is literal: no `$VAR`, `~`, `\` escapes, `#` comments,
 *     `;` or `{ }`; a word that starts with a quote is never read as `%if`, a comment or a brace;
 *   - a single quote, which cannot be written inside single quotes, is written `\'` outside them;
 *   - control characters are written outside quotes as octal escapes (`\012` for a newline): a raw
 *     newline would end the command line (and with it the control-mode line), a raw one inside
 *     quotes has the parser drop the spaces and a `#…` comment after it;
 *   - NUL cannot be passed at all (tmux's arguments are C strings): refused.
 * Formats (`#{…}`) are expanded by some commands in some arguments (display-message's message,
 * -F formats), never by the parser: callers pass user text only where a command takes it literally.
 */
export function tmuxCommandLine(args: readonly string[]): string {
  if (args.length === 0) throw new InvalidInputError('empty tmux command');
  return args.map(quoteTmuxWord).join(' ');
}

/** One argument as a single word of tmux's command language, always starting with a quote; see tmuxCommandLine. */
export function quoteTmuxWord(arg: string): string {
  let out = "'";
  let quoted = true;
  for (const ch of arg) {
    const code = ch.codePointAt(0)!;
    if (code === 0) throw new InvalidInputError('a tmux argument cannot hold a NUL character');
    const escape = ch === "'" ? "\\'" : code < 0x20 || code === 0x7f ? `\\${code.toString(8).padStart(3, '0')}` : null;
    if (escape === null) {
      if (!quoted) out += "'";
      quoted = true;
      out += ch;
    } else {
      if (quoted) out += "'";
      quoted = false;
      out += escape;
    }
  }
  return quoted ? `${out}'` : out;
}
