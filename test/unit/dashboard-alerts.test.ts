import { ALERT_ORDER, buildAlerts, sortAlerts } from '../../src/core/dashboard/alerts';
import type { Alert } from '../../src/core/dashboard/types';
import { emptyTokenAccounting } from '../../src/core/state/tokens';
import { at, log, MINUTE, snapshot, teamStatus } from './support/dashboard-fixtures';

const now = at(60);
const kinds = (alerts: Alert[]) => alerts.map((a) => [a.kind, a.agent ?? null]);

describe('buildAlerts: each kind', () => {
  it('a healthy running build has none', () => {
    expect(buildAlerts(snapshot(), now)).toEqual([]);
  });

  it('crash_loop, dated by its event', () => {
    const s = snapshot(
      { events: log([20, 'crash_loop', { agent: 'builder' }]) },
      teamStatus({}, { builder: { crashLooped: true } }),
    );
    expect(buildAlerts(s, now)).toEqual([
      expect.objectContaining({ kind: 'crash_loop', build: 'team', agent: 'builder', since: at(20) }),
    ]);
  });

  it('host_lost, no_worker (a running workflow with no status answer)', () => {
    const lost = snapshot({ events: log([5, 'host_unreachable']) }, teamStatus({ hostLost: true }));
    expect(buildAlerts(lost, now)).toEqual([expect.objectContaining({ kind: 'host_lost', since: at(5) })]);
    expect(buildAlerts(snapshot({}, null), now)).toEqual([
      expect.objectContaining({ kind: 'no_worker', build: 'team', since: null }),
    ]);
  });

  it('budget_exceeded hides the warning; a warning alone is budget_warning', () => {
    const tokens = { ...emptyTokenAccounting(), warned: { build: true, phase: false } };
    const warned = snapshot({ events: log([7, 'budget_warning']) }, teamStatus({ tokens }));
    expect(kinds(buildAlerts(warned, now))).toEqual([['budget_warning', null]]);
    expect(buildAlerts(warned, now)[0].since).toBe(at(7));
    const over = snapshot({}, teamStatus({ tokens: { ...tokens, exceeded: true }, status: 'paused' }));
    expect(kinds(buildAlerts(over, now))).toEqual([['budget_exceeded', null]]);
  });

  it('blocked since the prompt, rate_limited since the limit was seen', () => {
    const s = snapshot(
      {},
      teamStatus(
        {},
        { builder: { blockedSince: at(30) }, adversary: { rateLimitedUntil: at(90), rateLimitedSince: at(40) } },
      ),
    );
    expect(buildAlerts(s, now)).toEqual([
      expect.objectContaining({ kind: 'blocked', agent: 'builder', since: at(30) }),
      expect.objectContaining({ kind: 'rate_limited', agent: 'adversary', since: at(40) }),
    ]);
  });

  it('git_fetch_failing since the first failure after the last recovery', () => {
    const events = log(
      [1, 'git_fetch_failed'],
      [2, 'git_fetch_recovered'],
      [10, 'git_fetch_failed'],
      [11, 'git_fetch_failed'],
    );
    const s = snapshot({ events }, teamStatus({ fetchHealth: { failures: 2, retryAt: at(70) } }));
    expect(buildAlerts(s, now)).toEqual([expect.objectContaining({ kind: 'git_fetch_failing', since: at(10) })]);
  });
});

describe('buildAlerts: stalled', () => {
  const idle = (idleSeconds: number, extra = {}) => teamStatus({}, { builder: { idleSeconds, ...extra } });
  const stalledOf = (s: ReturnType<typeof snapshot>) => buildAlerts(s, now).filter((a) => a.kind === 'stalled');

  it('an alive agent idle stall_idle or longer, since it went idle', () => {
    expect(stalledOf(snapshot({}, idle(599)))).toEqual([]);
    expect(stalledOf(snapshot({}, idle(600)))).toEqual([
      expect.objectContaining({ agent: 'builder', since: now - 600_000 }),
    ]);
  });

  it('not when it is not watched for stalls, or stall_idle is unknown', () => {
    expect(stalledOf(snapshot({ watch: { builder: 'heal' } }, idle(900)))).toEqual([]);
    expect(stalledOf(snapshot({ watch: { builder: 'heal+stall' } }, idle(900)))).toHaveLength(1);
    expect(stalledOf(snapshot({ stallIdleMs: null }, idle(900)))).toEqual([]);
  });

  it('not while waiting, limited, blocked, busy, down or paused', () => {
    const cases = [
      { waitingText: 'WAITING-UNTIL 10:30', waitingUntil: at(90) },
      { rateLimitedUntil: at(90) },
      { blockedSince: at(50) },
      { paneActivity: 'busy' as const },
      { alive: false },
    ];
    for (const extra of cases) expect(stalledOf(snapshot({}, idle(900, extra)))).toEqual([]);
    const paused = teamStatus({ status: 'paused' }, { builder: { idleSeconds: 900 } });
    expect(stalledOf(snapshot({}, paused))).toEqual([]);
  });

  it('an open-ended WAITING-UNTIL raises the bar to four times stall_idle', () => {
    const marker = { waitingText: 'WAITING-UNTIL the review', waitingUntil: null };
    expect(stalledOf(snapshot({}, idle(2399, marker)))).toEqual([]);
    expect(stalledOf(snapshot({}, idle(2400, marker)))).toHaveLength(1);
  });
});

describe('alert order and liveness', () => {
  it('sorts the worst kinds first, in ALERT_ORDER', () => {
    const tokens = { ...emptyTokenAccounting(), exceeded: true };
    const s = snapshot(
      { stallIdleMs: 5 * MINUTE },
      teamStatus(
        { tokens, hostLost: true, fetchHealth: { failures: 1, retryAt: 0 } },
        {
          builder: { idleSeconds: 900 },
          adversary: { rateLimitedUntil: at(90) },
          librarian: { blockedSince: at(10) },
          migrator: { crashLooped: true },
        },
      ),
    );
    expect(kinds(buildAlerts(s, now))).toEqual([
      ['crash_loop', 'migrator'],
      ['host_lost', null],
      ['budget_exceeded', null],
      ['blocked', 'librarian'],
      ['stalled', 'builder'],
      ['rate_limited', 'adversary'],
      ['git_fetch_failing', null],
    ]);
  });

  it('sortAlerts: by ALERT_ORDER, then the longest-standing first', () => {
    const a = (kind: Alert['kind'], since: number | null, build = 'b'): Alert => ({ kind, build, message: '', since });
    const sorted = sortAlerts([
      a('budget_warning', 1),
      a('stalled', 9),
      a('no_worker', null),
      a('stalled', 3),
      a('crash_loop', null),
    ]);
    expect(sorted.map((x) => [x.kind, x.since])).toEqual([
      ['crash_loop', null],
      ['no_worker', null],
      ['stalled', 3],
      ['stalled', 9],
      ['budget_warning', 1],
    ]);
    expect(ALERT_ORDER).toHaveLength(9);
  });

  it('a finished build has no live alerts, whatever its last state says', () => {
    const crashed = teamStatus({}, { builder: { crashLooped: true } });
    expect(buildAlerts(snapshot({ workflowStatus: 'COMPLETED' }, crashed), now)).toEqual([]);
    expect(buildAlerts(snapshot({ workflowStatus: 'TERMINATED' }, null), now)).toEqual([]);
    expect(
      buildAlerts(snapshot({}, teamStatus({ status: 'stopped' }, { builder: { crashLooped: true } })), now),
    ).toEqual([]);
  });
});
