import { deliveryStep, parseTypingMark, typingMark } from '../../src/core/pane/delivery';

describe('deliveryStep: what a retried delivery still has to do', () => {
  const id = 'build/x/run-1/7';
  const ping = 'watchdog: new claim claim(p1-gate): work/p1.txt (abc1234). Review it.';

  it('types a delivery never begun, even when another one is marked', () => {
    expect(deliveryStep(id, { sent: null, typing: null }, ping, null)).toBe('type');
    expect(deliveryStep(id, { sent: 'build/x/run-1/6', typing: typingMark('build/x/run-1/6', 40) }, ping, null)).toBe('type');
  });

  it('does nothing for a delivery marked sent', () => {
    expect(deliveryStep(id, { sent: id, typing: typingMark(id, 3) }, ping, 'anything')).toBe('done');
  });

  it('presses only the submit key when the earlier attempt pasted the text', () => {
    expect(deliveryStep(id, { sent: null, typing: typingMark(id, 3) }, ping, `> ${ping}\n`)).toBe('submit');
    // A long first line shows wrapped or truncated: its first 60 characters are enough.
    const long = `${'x'.repeat(70)} tail`;
    expect(deliveryStep(id, { sent: null, typing: typingMark(id, 3) }, long, `> ${'x'.repeat(60)}…`)).toBe('submit');
    // Claude Code folds a long paste into a placeholder.
    expect(deliveryStep(id, { sent: null, typing: typingMark(id, 3) }, 'a\nb\nc', '> [Pasted text #1 +12 lines]')).toBe('submit');
  });

  it('types again when the earlier attempt died before its paste reached the pane', () => {
    expect(deliveryStep(id, { sent: null, typing: typingMark(id, 3) }, ping, '> \n')).toBe('type');
    expect(deliveryStep(id, { sent: null, typing: typingMark(id, 3) }, ping, null)).toBe('type');
  });

  it('reads the typing mark back, ids with spaces and slashes included', () => {
    expect(parseTypingMark(typingMark('launch:a b/c', 1234))).toEqual({ deliveryId: 'launch:a b/c', line: 1234 });
    expect(parseTypingMark('garbage')).toBeNull();
    expect(parseTypingMark(null)).toBeNull();
  });
});
