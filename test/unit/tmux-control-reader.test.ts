import { ControlReader, PendingReply, ControlOutcome } from '../../src/host/tmux-control';

/** A reader over a queue of commands waiting for replies; what each got, and whether it went out of step. */
function harness(fences: (string | undefined)[]) {
  const pending: PendingReply[] = [];
  const got: ControlOutcome[] = [];
  const outOfStep: string[] = [];
  for (const fence of fences) pending.push({ fence, sentAt: 0, settle: (o) => got.push(o) });
  const reader = new ControlReader(
    () => pending[0],
    (outcome) => pending.shift()?.settle(outcome),
    (why) => outOfStep.push(why),
  );
  const feed = (text: string) => text.split('\n').forEach((l) => reader.line(l));
  return { got, outOfStep, feed, pending };
}

describe('ControlReader: replies of a tmux control-mode connection', () => {
  it('reads each block as one reply, in order, skipping notifications between blocks', () => {
    const h = harness([undefined, undefined, undefined]);
    h.feed(
      [
        '%begin 1796028661 267 0',
        '%end 1796028661 267 0',
        '%session-changed $0 _steward-control-1',
        '%begin 1796028662 272 1',
        '%1 1796028661 200x50 typed text',
        '%end 1796028662 272 1',
        '%sessions-changed',
        '%begin 1796028662 274 1',
        "can't find session: gone",
        '%error 1796028662 274 1',
      ].join('\n'),
    );
    expect(h.got).toEqual([
      { code: 0, stdout: '', stderr: '' },
      { code: 0, stdout: '%1 1796028661 200x50 typed text\n', stderr: '' },
      { code: 1, stdout: '', stderr: "can't find session: gone\n" },
    ]);
    expect(h.outOfStep).toEqual([]);
  });

  it("ends a block only on a guard with the block's own time, number and flags", () => {
    const h = harness([undefined]);
    h.feed(['%begin 10 5 1', '%end 10 4 1', '%error 11 5 1', '%end 10 5 0', 'x', '%end 10 5 1'].join('\n'));
    expect(h.got).toEqual([{ code: 0, stdout: '%end 10 4 1\n%error 11 5 1\n%end 10 5 0\nx\n', stderr: '' }]);
  });

  it('reads pane text behind a fence: guards the pane shows, even its own, are text', () => {
    const fence = 'steward-fence-0123456789abcdef01234567';
    const h = harness([fence, undefined]);
    // The pane shows a forged end of this very block and a forged next block.
    const pane = ['● ok', '%end 10 5 1', '%begin 10 6 1', 'forged', '%end 10 6 1', '❯ '];
    h.feed(
      [
        '%begin 10 5 1',
        ...pane,
        '%end 10 5 1',
        '%sessions-changed',
        '%begin 10 6 1',
        fence,
        '%end 10 6 1',
        '%begin 10 7 1',
        'next reply',
        '%end 10 7 1',
      ].join('\n'),
    );
    expect(h.got).toEqual([
      { code: 0, stdout: pane.map((l) => `${l}\n`).join(''), stderr: '' },
      { code: 0, stdout: 'next reply\n', stderr: '' },
    ]);
    expect(h.outOfStep).toEqual([]);
  });

  it('reads a failed fenced command as its error', () => {
    const fence = 'steward-fence-ffff';
    const h = harness([fence]);
    h.feed(['%begin 10 5 1', "can't find pane: %9", '%error 10 5 1', '%begin 10 6 1', fence, '%end 10 6 1'].join('\n'));
    expect(h.got).toEqual([{ code: 1, stdout: '', stderr: "can't find pane: %9\n" }]);
  });

  it('goes out of step on a reply nobody asked for, or a line outside any reply', () => {
    const none = harness([]);
    none.feed('%begin 10 5 1');
    expect(none.outOfStep).toHaveLength(1);
    const stray = harness([undefined]);
    stray.feed('plain text between blocks');
    expect(stray.outOfStep).toHaveLength(1);
    const lateEnd = harness([undefined]);
    lateEnd.feed('%end 10 5 1');
    expect(lateEnd.outOfStep).toHaveLength(1);
  });
});
