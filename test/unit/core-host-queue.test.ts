import { activityQueueFor, hostTimeoutMs } from '../../src/core/host-queue';
import { stateFor, TEAM_TOML } from './support/build-state';

describe('activityQueueFor', () => {
  test.each([
    ['host-a', 'steward@host-a'],
    ['ci.example.org', 'steward@ci.example.org'],
  ])('host %s serves queue %s', (hostId, queue) => {
    expect(activityQueueFor(hostId)).toBe(queue);
  });
});

describe('hostTimeoutMs: three signal intervals, never under 10 s', () => {
  test.each([
    [1_000, 10_000],
    [3_333, 10_000],
    [3_334, 10_002],
    [10_000, 30_000],
    [60_000, 180_000],
  ])('signal_interval %i ms → %i ms', (signal_interval, timeout) => {
    expect(hostTimeoutMs({ signal_interval })).toBe(timeout);
  });

  test("the team config's 10s interval gives 30 s", () => {
    expect(hostTimeoutMs(stateFor(TEAM_TOML).config.watchdog)).toBe(30_000);
  });
});
