import { addUsage, addUsageInto, isZeroUsage, subtractUsage, totalTokens, zeroUsage, type TokenUsage } from '../../src/core/tokens/usage';

const u = (i: number, o: number, c5: number, c1: number, r: number): TokenUsage => ({
  input_tokens: i,
  output_tokens: o,
  cache_creation_input_tokens: c5 + c1,
  cache_creation_5m: c5,
  cache_creation_1h: c1,
  cache_read_input_tokens: r,
});

describe('token usage maths', () => {
  it('zero is all zeros', () => {
    expect(isZeroUsage(zeroUsage())).toBe(true);
    expect(totalTokens(zeroUsage())).toBe(0);
  });

  it('adds field by field without touching its arguments', () => {
    const a = u(1, 2, 3, 4, 5);
    const b = u(10, 20, 30, 40, 50);
    expect(addUsage(a, b)).toEqual(u(11, 22, 33, 44, 55));
    expect(a).toEqual(u(1, 2, 3, 4, 5));
  });

  it('adds in place', () => {
    const a = u(1, 2, 3, 4, 5);
    expect(addUsageInto(a, u(1, 1, 1, 1, 1))).toBe(a);
    expect(a).toEqual(u(2, 3, 4, 5, 6));
  });

  it('subtracts to a delta that may be negative', () => {
    expect(subtractUsage(u(5, 5, 5, 5, 5), u(1, 6, 0, 5, 2))).toEqual(u(4, -1, 5, 0, 3));
  });

  it('totals every billed token once: 1 + 2 + (3 + 4) + 5 = 15', () => {
    expect(totalTokens(u(1, 2, 3, 4, 5))).toBe(15);
  });
});
