import { deliveryStep, parseTypingMark, pasteTraceCount, typingMark } from '../../src/core/pane/delivery';

describe('deliveryStep: what a retried delivery still has to do', () => {
  const id = 'build/x/run-1/7';
  const ping = 'watchdog: new claim claim(p1-gate): work/p1.txt (abc1234). Review it.';

  it('types a delivery never begun, even when another one is marked', () => {
    expect(deliveryStep(id, { sent: null, typing: null }, ping, null)).toBe('type');
    expect(deliveryStep(id, { sent: 'build/x/run-1/6', typing: typingMark('build/x/run-1/6', 0) }, ping, null)).toBe(
      'type',
    );
  });

  it('does nothing for a delivery marked sent', () => {
    expect(deliveryStep(id, { sent: id, typing: typingMark(id, 0) }, ping, 'anything')).toBe('done');
  });

  it('presses only the submit key when the pane holds one more trace of the text than before typing', () => {
    expect(deliveryStep(id, { sent: null, typing: typingMark(id, 0) }, ping, `> ${ping}\n`)).toBe('submit');
    // Wherever it was drawn: Claude Code redraws a submitted prompt above its input box.
    expect(
      deliveryStep(
        id,
        { sent: null, typing: typingMark(id, 0) },
        ping,
        `● earlier\n❯ ${ping}\n● Noted.\n${'─'.repeat(40)}\n❯ \n`,
      ),
    ).toBe('submit');
    // A long first line shows wrapped or truncated: its first 60 characters are enough.
    const long = `${'x'.repeat(70)} tail`;
    expect(deliveryStep(id, { sent: null, typing: typingMark(id, 0) }, long, `> ${'x'.repeat(60)}…`)).toBe('submit');
    // Claude Code folds a long paste into a placeholder.
    expect(deliveryStep(id, { sent: null, typing: typingMark(id, 0) }, 'a\nb\nc', '> [Pasted text #1 +12 lines]')).toBe(
      'submit',
    );
  });

  it('types again when the earlier attempt died before its paste reached the pane', () => {
    expect(deliveryStep(id, { sent: null, typing: typingMark(id, 0) }, ping, '> \n')).toBe('type');
    expect(deliveryStep(id, { sent: null, typing: typingMark(id, 0) }, ping, null)).toBe('type');
  });

  it('an earlier message with the same text was counted before typing: it is not this one', () => {
    const before = `> ${ping}\n● Done.\n> `;
    const mark = typingMark(id, pasteTraceCount(ping, before));
    expect(deliveryStep(id, { sent: null, typing: mark }, ping, before)).toBe('type');
    expect(deliveryStep(id, { sent: null, typing: mark }, ping, `${before}${ping}\n`)).toBe('submit');
  });

  it("reads the typing mark back, ids with spaces and slashes included, and an older worker's line mark", () => {
    expect(parseTypingMark(typingMark('launch:a b/c', 2))).toEqual({ deliveryId: 'launch:a b/c', tracesBefore: 2 });
    expect(parseTypingMark('1234 launch:a b/c')).toEqual({ deliveryId: 'launch:a b/c', line: 1234 });
    expect(deliveryStep(id, { sent: null, typing: `3 ${id}` }, ping, `> ${ping}`)).toBe('submit');
    expect(parseTypingMark('garbage')).toBeNull();
    expect(parseTypingMark(null)).toBeNull();
  });
});
