import type { BuildState } from '../../src/core/state/build';
import { HostContact, hostReachabilityDecision } from '../../src/core/host-reachability';
import { stateFor, TEAM_TOML } from './support/build-state';

const state = (hostLost: boolean) => stateFor(TEAM_TOML, { launched: true, hostLost });
const contact = (observed: boolean, observeError: string | null, timeoutMs = 30_000): HostContact => ({
  observed,
  observeError,
  timeoutMs,
});
const TIMED_OUT = 'activity ScheduleToStart timeout';

describe('hostReachabilityDecision', () => {
  test.each([
    [30_000, '30s'],
    [12_500, '12.5s'],
  ])(
    'a failed look at a reachable host (timeout %i ms): host_unreachable once, naming the queue, timeout and error',
    (timeoutMs, shown) => {
      const out = hostReachabilityDecision(state(false), contact(false, TIMED_OUT, timeoutMs));
      expect(out).toEqual({
        state: { ...state(false), hostLost: true },
        actions: [],
        events: [
          {
            type: 'host_unreachable',
            message: `no worker served steward@host-a within ${shown}: its agents are unsupervised (${TIMED_OUT})`,
          },
        ],
      });
    },
  );

  test('a host seen again is recovered', () => {
    const out = hostReachabilityDecision(state(true), contact(true, null));
    expect(out).toEqual({
      state: { ...state(true), hostLost: false },
      actions: [],
      events: [{ type: 'host_recovered', message: 'a worker serves steward@host-a again' }],
    });
  });

  test.each<[string, BuildState, HostContact]>([
    ['still failing while already lost', state(true), contact(false, TIMED_OUT)],
    ['a cancelled look (no error) at a reachable host', state(false), contact(false, null)],
    ['a cancelled look (no error) at a lost host', state(true), contact(false, null)],
    ['a healthy host seen', state(false), contact(true, null)],
  ])('%s: nothing changes, nothing is said', (_case, before, seen) => {
    const out = hostReachabilityDecision(before, seen);
    expect(out.state).toBe(before);
    expect(out.actions).toEqual([]);
    expect(out.events).toEqual([]);
  });
});
