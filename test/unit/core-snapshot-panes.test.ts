import { paneDigests, restorePanes } from '../../src/core/known-panes';
import type { Observation } from '../../src/core/state/snapshot';
import { textDigest } from '../../src/core/pane/digest';

const T = 1_800_000_000_000;
const snapshot = (agents: Observation['agents']): Observation => ({
  at: T,
  agents,
  repo: null,
  config: null,
  tokens: null,
});
const PANE = '● Done.\n\n❯ \n';

describe('restorePanes: an unchanged pane is not sent again', () => {
  it('keeps what was seen, names its digest in the next request, and puts a left-out text back', () => {
    const first = restorePanes(
      snapshot({ builder: { alive: true, tail: PANE, windowActivity: 100, digest: textDigest(PANE) } }),
      {},
    );
    expect(first.snapshot.agents.builder!.tail).toBe(PANE);
    expect(paneDigests(first.known)).toEqual({ builder: textDigest(PANE) });

    const idle = restorePanes(
      snapshot({ builder: { alive: true, windowActivity: 100, unchanged: true } }),
      first.known,
    );
    expect(idle.snapshot.agents.builder).toEqual({
      alive: true,
      tail: PANE,
      windowActivity: 100,
      digest: textDigest(PANE),
    });
    expect(idle.known).toEqual(first.known);
  });

  it('a changed pane replaces the known text; a dead one is forgotten, so its next start is sent whole', () => {
    const known = { builder: { digest: textDigest(PANE), tail: PANE } };
    const changed = restorePanes(
      snapshot({ builder: { alive: true, tail: 'working', windowActivity: 101, digest: textDigest('working') } }),
      known,
    );
    expect(changed.known.builder).toEqual({ digest: textDigest('working'), tail: 'working' });
    const dead = restorePanes(snapshot({ builder: { alive: false, tail: '', windowActivity: null } }), known);
    expect(dead.known).toEqual({});
  });
});
