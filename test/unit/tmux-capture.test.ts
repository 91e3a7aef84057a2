import { captureIsCurrent, Capture } from '../../src/host/tmux';

describe('captureIsCurrent: when a pane is not captured again', () => {
  const key = '%3 1796028661 200x50 40';
  const taken = (takenAt: number): Capture => ({ key, takenAt, tail: 'text' });

  it('reuses a capture asked for after the second of the activity it was taken with', () => {
    expect(captureIsCurrent(taken(1796028662), key, 1796028661)).toBe(true);
  });

  it("captures again when it was asked for in the activity's own second: output later in that second may be missing", () => {
    expect(captureIsCurrent(taken(1796028661), key, 1796028661)).toBe(false);
  });

  it('captures again when the pane, its activity, its size or the lines asked for differ, or nothing was captured', () => {
    for (const other of [
      '%4 1796028661 200x50 40',
      '%3 1796028663 200x50 40',
      '%3 1796028661 80x24 40',
      '%3 1796028661 200x50 60',
    ])
      expect(captureIsCurrent(taken(1796028670), other, Number(other.split(' ')[1]))).toBe(false);
    expect(captureIsCurrent(undefined, key, 1796028661)).toBe(false);
    expect(captureIsCurrent(taken(1796028670), key, NaN)).toBe(false);
  });
});
