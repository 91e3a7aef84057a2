import { gatePattern } from '../../src/core/learning/analysis/gate-pattern';
import { mad, median, medianAndMad, percentileOf, robustZ } from '../../src/core/learning/analysis/robust';
import { trendFigure } from '../../src/core/learning/analysis/trends';

describe('robust statistics', () => {
  test('median: the middle value, the mean of the two middle ones for an even count, null for none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });

  test('median does not sort its input in place', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  test('MAD: the median of the absolute deviations from the median', () => {
    // median 3; deviations 2, 1, 0, 1, 97 → sorted 0, 1, 1, 2, 97 → 1
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    expect(mad([5, 5, 5, 9])).toBe(0);
    expect(mad([])).toBeNull();
    expect(medianAndMad([1, 2, 3, 4, 100])).toEqual({ median: 3, mad: 1 });
  });

  test('robust z = 0.6745 × (x − median) / MAD; null when the MAD is 0', () => {
    expect(robustZ(100, 3, 1)).toBeCloseTo(0.6745 * 97, 10);
    expect(robustZ(1, 3, 1)).toBeCloseTo(-1.349, 10);
    expect(robustZ(8, 5, 0)).toBeNull();
  });

  test('percentiles are nearest-rank: always a value that occurred', () => {
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentileOf(values, 90)).toBe(90);
    expect(percentileOf(values, 95)).toBe(100);
    expect(percentileOf(values, 50)).toBe(50);
    expect(percentileOf([5], 99)).toBe(5);
    expect(percentileOf([], 90)).toBeNull();
  });

  test('a trend figure: its change and its relative change, null where they cannot be', () => {
    expect(trendFigure(0.62, 0.82)).toEqual({ current: 0.62, previous: 0.82, change: -0.2, relative: -0.243902 });
    expect(trendFigure(3, 0)).toEqual({ current: 3, previous: 0, change: 3, relative: null });
    expect(trendFigure(null, 4)).toEqual({ current: null, previous: 4, change: null, relative: null });
  });
});

describe('gate patterns', () => {
  test.each([
    ['p1-gate', 'p*-gate'],
    ['p12-gate', 'p*-gate'],
    ['feature-12', 'feature-*'],
    ['feature-12-3', 'feature-*'],
    ['step-1.2', 'step-*'],
    ['issue/12/3', 'issue/*'],
    ['fix-a3f9c2', 'fix-*'],
    ['fix-deadbeef1', 'fix-*'],
    ['add1-gate', 'add*-gate'],
    ['docs', 'docs'],
    ['fix-abcdef', 'fix-abcdef'],
    ['v2beta-api', 'v*beta-api'],
    ['db2-schema', 'db*-schema'],
    ['12', '*'],
    ['Gate_7_Login', 'Gate_*_Login'],
    ['tests: 3 suites', 'tests: * suites'],
    ['', ''],
  ])('%s → %s', (label, pattern) => {
    expect(gatePattern(label)).toBe(pattern);
  });

  test('labels of one kind share a pattern, other kinds do not', () => {
    const patterns = new Set(['feature-1', 'feature-22', 'feature-333'].map(gatePattern));
    expect([...patterns]).toEqual(['feature-*']);
    expect(gatePattern('feature-1')).not.toBe(gatePattern('fix-1'));
  });
});
