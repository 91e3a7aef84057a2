import { quoteTmuxWord, tmuxCommandLine } from '../../src/host/tmux-command';

/**
 * What tmux's parser (cmd-parse.y, 3.3a) may interpret is `$`, `~`, `\`, `#`, `;`, `{`, `}`, a
 * leading `%`, `"`, whitespace and line breaks, all of them only outside single quotes. A word is
 * safe when outside its quotes there is nothing but `\'` and three-digit octal escapes.
 */
function outsideQuotes(word: string): string[] {
  const outside: string[] = [];
  let quoted = false;
  for (let i = 0; i < word.length; i++) {
    const ch = word[i]!;
    if (ch === "'") quoted = !quoted;
    else if (!quoted) {
      const escape = /^\\('|[0-3][0-7]{2})/.exec(word.slice(i))?.[0];
      if (!escape) throw new Error(`unescaped ${JSON.stringify(ch)} outside quotes in ${word}`);
      outside.push(escape);
      i += escape.length - 1;
    }
  }
  if (quoted) throw new Error(`unterminated quote in ${word}`);
  return outside;
}

const HOSTILE = [
  '',
  'plain',
  "it's",
  "'",
  "''",
  '$HOME ${HOME} ~ ~root',
  '#{pane_id} #(id) # comment',
  'a ; kill-server',
  '{ kill-server }',
  '%if 1',
  '%end 1796028663 277 1',
  'back\\slash \\n \\',
  '"double" "',
  'line one\nline two\r\n',
  'tab\there',
  '\u001b[31mred\u001b[0m \u0007 \u007f',
  'FOO=bar',
  '-t =other:',
  '✓ héllo 🙂 \u202e',
];

describe('tmuxCommandLine: an argument vector as one line of tmux commands', () => {
  it.each(HOSTILE)('quotes %j so nothing in it is interpreted', (text) => {
    const word = quoteTmuxWord(text);
    expect(word.startsWith("'")).toBe(true);
    outsideQuotes(word);
    // Nothing that ends a line, or a command, survives raw.
    expect([...word].filter((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toEqual([]);
  });

  it('writes a quote and control characters as escapes outside the quotes', () => {
    expect(quoteTmuxWord("it's")).toBe("'it'\\''s'");
    expect(quoteTmuxWord('a\nb')).toBe("'a'\\012'b'");
    expect(quoteTmuxWord('\u001b')).toBe("''\\033");
    expect(quoteTmuxWord('')).toBe("''");
    expect(quoteTmuxWord('$x ~ #{y}')).toBe("'$x ~ #{y}'");
  });

  it('joins the words of a command with spaces, on one line', () => {
    expect(tmuxCommandLine(['set-option', '-t', '=a:', '@steward_typed', 'x\ny'])).toBe(
      "'set-option' '-t' '=a:' '@steward_typed' 'x'\\012'y'",
    );
  });

  it('refuses NUL, which no tmux argument can hold, and an empty command', () => {
    expect(() => quoteTmuxWord('a\u0000b')).toThrow('NUL');
    expect(() => tmuxCommandLine([])).toThrow('empty tmux command');
  });
});
