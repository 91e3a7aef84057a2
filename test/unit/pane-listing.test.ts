import { parsePaneListing } from '../../src/core/pane/pane-listing';

describe('parsePaneListing', () => {
  it('reads each session’s pane, activity, size and typed text', () => {
    const panes = parsePaneListing('%0 1796052519 200x50 a b:\n%2 1796052520 80x24 builder:hello: world #{pane_id}\n');
    expect([...panes.entries()]).toEqual([
      ['a b', { pane: '%0', activity: 1796052519, size: '200x50', typed: '' }],
      ['builder', { pane: '%2', activity: 1796052520, size: '80x24', typed: 'hello: world #{pane_id}' }],
    ]);
  });

  it('leaves out lines that are not a pane, and a session listed twice', () => {
    const panes = parsePaneListing(
      ['', 'garbage', '%1 x 200x50 odd:', '%3 17 200x50 twice:a', '%4 18 200x50 twice:b', '%5 19 10x10 ok:'].join('\n'),
    );
    expect([...panes.keys()]).toEqual(['ok']);
  });
});
