import { addUsageInto, tokenFigures, totalTokens, usageSince, zeroUsage } from '../../src/core/tokens/usage';
import { usage as u } from './support/token-usage';

describe('token usage maths', () => {
  it('zero is all zeros', () => {
    expect(zeroUsage()).toEqual(u(0, 0, 0, 0, 0));
    expect(totalTokens(zeroUsage())).toBe(0);
  });

  it('adds field by field without touching what it adds', () => {
    const b = u(10, 20, 30, 40, 50);
    expect(addUsageInto(u(1, 2, 3, 4, 5), b)).toEqual(u(11, 22, 33, 44, 55));
    expect(b).toEqual(u(10, 20, 30, 40, 50));
  });

  it('adds in place', () => {
    const a = u(1, 2, 3, 4, 5);
    expect(addUsageInto(a, u(1, 1, 1, 1, 1))).toBe(a);
    expect(a).toEqual(u(2, 3, 4, 5, 6));
  });

  it('takes the usage since a baseline, never negative (a rebuilt ledger may briefly report less)', () => {
    expect(usageSince(u(5, 5, 5, 5, 5), u(1, 6, 0, 5, 2))).toEqual(u(4, 0, 5, 0, 3));
    expect(usageSince(u(5, 5, 5, 5, 5), undefined)).toEqual(u(5, 5, 5, 5, 5));
  });

  it("writes a record's figures in token-log.jsonl's key order, without the cache write split", () => {
    expect(JSON.stringify(tokenFigures(u(1, 2, 3, 4, 5)))).toBe(
      '{"input_tokens":1,"output_tokens":2,"cache_creation_input_tokens":7,"cache_read_input_tokens":5,"total":15}',
    );
  });

  it('totals every billed token once: 1 + 2 + (3 + 4) + 5 = 15', () => {
    expect(totalTokens(u(1, 2, 3, 4, 5))).toBe(15);
  });
});
