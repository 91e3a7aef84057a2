import { preloads } from '../../src/host/spawn-helper';

describe('preloads', () => {
  it('keeps the worker’s --require preloads and nothing else', () => {
    expect(
      preloads([
        '--require',
        '/b/spawn-counter.cjs',
        '--inspect-brk=9229',
        '-r',
        './ts.cjs',
        '--require=x.cjs',
        '--expose-gc',
      ]),
    ).toEqual(['--require', '/b/spawn-counter.cjs', '-r', './ts.cjs', '--require=x.cjs']);
    expect(preloads(['--require'])).toEqual([]);
    expect(preloads([])).toEqual([]);
  });
});
