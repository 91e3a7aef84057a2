import { agentActivityDecision } from '../../src/core/agent-activity';
import { MAX_LANE_MARKS, MAX_LANE_SEGMENTS } from '../../src/core/dashboard/agent-lanes';
import { BUILD_VIEW_EVENTS, buildView } from '../../src/core/dashboard/build-view';
import { snapshotOf, stateFor, TEAM_TOML, withAgents } from './support/build-state';
import { at, log, snapshot, T0, teamStatus, type Spec } from './support/dashboard-fixtures';

const now = at(120);

/** The message agentActivityDecision records when a session is found dead: the lanes read it as down. */
function deadPaneMessage(): string {
  const state = withAgents(stateFor(TEAM_TOML), { paneActivity: 'busy' });
  const snap = snapshotOf(state, T0, null);
  snap.agents.adversary = { ...snap.agents.adversary, alive: false };
  return agentActivityDecision(state, snap).events.find((e) => e.agent === 'adversary')!.message;
}

const claim = (min: number, gate: string, attempt = 1): Spec => [
  min,
  'gate_claimed',
  { agent: 'builder', builder: 'builder', gate, phase: 'p1', attempt },
];
const verdict = (min: number, gate: string, v: 'pass' | 'fail' | 'unknown', attempt = 1): Spec => [
  min,
  'gate_reviewed',
  { agent: 'adversary', reviewer: 'adversary', gate, verdict: v, phase: 'p1', attempt },
];
/** The handoff's claim ping, as `handoffDecision` words it (no gate field). */
const claimPing = (min: number, gate: string): Spec => [
  min,
  'ping_sent',
  { agent: 'adversary', message: `claim claim(${gate}): done (abc1234)` },
];

const events = log(
  [0, 'build_started'],
  [0, 'phase_started', { phase: 'p1' }],
  [0, 'agent_started', { agent: 'builder' }],
  [0, 'agent_started', { agent: 'adversary' }],
  [5, 'agent_busy', { agent: 'builder' }],
  // g1: pinged, reviewed, passed.
  claim(10, 'g1'),
  claimPing(10, 'g1'),
  [12, 'agent_idle', { agent: 'builder' }],
  verdict(15, 'g1', 'pass'),
  [15, 'gate_passed', { gate: 'g1', builder: 'builder', phase: 'p1', attempt: 1 }],
  // g2: claimed, nobody asked yet.
  claim(20, 'g2'),
  // g3: a ping that names its gate.
  claim(25, 'g3'),
  [26, 'ping_sent', { agent: 'adversary', gate: 'g3', message: 'review g3' }],
  // g4: failed in round 1, claimed again: the old ping and verdict do not make round 2 in review.
  claim(30, 'g4'),
  claimPing(30, 'g4'),
  verdict(31, 'g4', 'fail'),
  [31, 'gate_failed', { gate: 'g4', builder: 'builder', reviewer: 'adversary', phase: 'p1', attempt: 1 }],
  [32, 'agent_rate_limited', { agent: 'builder' }],
  // g5: failed, not claimed again.
  claim(33, 'g5'),
  verdict(34, 'g5', 'fail'),
  [34, 'gate_failed', { gate: 'g5', builder: 'builder', reviewer: 'adversary', phase: 'p1', attempt: 1 }],
  [40, 'agent_resumed', { agent: 'builder' }],
  [45, 'agent_nudged', { agent: 'adversary', message: 'DONE?' }],
  [50, 'agent_idle', { agent: 'adversary', message: deadPaneMessage() }],
  [55, 'agent_healed', { agent: 'adversary', message: 'healed' }],
  claim(60, 'g4', 2),
  // A blip of no length does not split the idle stretch around it.
  [80, 'agent_busy', { agent: 'builder' }],
  [80, 'agent_idle', { agent: 'builder' }],
  [90, 'agent_busy', { agent: 'builder' }],
);

describe('buildView: phases and gate stages', () => {
  const view = buildView(snapshot({ events }), now);
  const stage = (gate: string) => view.phases[0].gates.filter((g) => g.gate === gate).map((g) => g.stage);

  it('places each gate on its stage: passed, failed, claimed, in review by a ping since its latest claim', () => {
    expect(stage('g1')).toEqual(['passed']);
    expect(stage('g2')).toEqual(['claimed']);
    expect(stage('g3')).toEqual(['in_review']);
    expect(stage('g4')).toEqual(['claimed']);
    expect(stage('g5')).toEqual(['failed']);
  });

  it('a verdict on the current round puts it in review even without a ping', () => {
    const reviewed = log(claim(0, 'g1'), verdict(5, 'g1', 'unknown'));
    expect(buildView(snapshot({ events: reviewed }), now).phases[0].gates[0].stage).toBe('in_review');
  });

  it('carries the gate figures of the metrics', () => {
    expect(view.phases[0].gates[0]).toEqual({
      gate: 'g1',
      phase: 'p1',
      builder: 'builder',
      stage: 'passed',
      rounds: 1,
      verdicts: [{ reviewer: 'adversary', verdict: 'pass', at: at(15), attempt: 1, sha: null }],
      claimedAt: at(10),
      timeToFirstReviewMs: at(15) - at(10),
      timeToPassMs: at(15) - at(10),
      costUsd: 0,
    });
  });

  it("lists the status view's phases with their state (its phases[].status is a file name)", () => {
    expect(view.phases.map((p) => [p.id, p.status, p.startedAt, p.endedAt, p.gates.length])).toEqual([
      ['p1', 'running', T0, null, 5],
      ['p2', 'pending', null, null, 0],
      ['p3', 'pending', null, null, 0],
    ]);
    const later = teamStatus({
      phaseIndex: 1,
      phaseStartedAt: at(70),
      completedPhases: [{ id: 'p1', startedAt: T0, endedAt: at(70), durationMs: at(70) - T0 }],
    });
    expect(
      buildView(snapshot({ events }, later), now).phases.map((p) => [p.id, p.status, p.startedAt, p.endedAt]),
    ).toEqual([
      ['p1', 'completed', T0, at(70)],
      ['p2', 'running', at(70), null],
      ['p3', 'pending', null, null],
    ]);
  });

  it('without a status view, the phases are those of the events', () => {
    const phases = buildView(snapshot({ events }, null), now).phases;
    expect(phases.map((p) => [p.id, p.status, p.gates.length])).toEqual([['p1', 'running', 5]]);
  });
});

describe('buildView: lanes', () => {
  const view = buildView(snapshot({ events }), now);
  const lane = (agent: string) => view.lanes.find((l) => l.agent === agent)!;
  const segments = (agent: string) =>
    lane(agent).segments.map((s) => [s.state, (s.from - T0) / 60_000, (s.to - T0) / 60_000]);

  it('spans the build from its start to now while it runs', () => {
    expect([view.from, view.to]).toEqual([T0, now]);
    expect(view.lanes.map((l) => l.agent)).toEqual(['builder', 'adversary', 'librarian', 'migrator']);
  });

  it('busy, idle and rate-limited stretches from the events, same-state neighbours joined', () => {
    expect(segments('builder')).toEqual([
      ['idle', 0, 5],
      ['busy', 5, 12],
      ['idle', 12, 32],
      ['rate_limited', 32, 40],
      ['idle', 40, 90],
      ['busy', 90, 120],
    ]);
  });

  it('down from a dead-session idle to the heal; marks for the nudge, pings and heal', () => {
    expect(segments('adversary')).toEqual([
      ['idle', 0, 50],
      ['down', 50, 55],
      ['idle', 55, 120],
    ]);
    expect(lane('adversary').marks.map((m) => [m.kind, (m.at - T0) / 60_000])).toEqual([
      ['ping', 10],
      ['ping', 26],
      ['ping', 30],
      ['nudge', 45],
      ['heal', 55],
    ]);
    expect(lane('librarian')).toEqual({ agent: 'librarian', segments: [], marks: [] });
  });

  it('marks each kind on the agent it names', () => {
    const kinds = log(
      [1, 'agent_rebooted', { agent: 'builder' }],
      [2, 'agent_woken', { agent: 'builder' }],
      [3, 'agent_restarted', { agent: 'builder' }],
      [4, 'agent_blocked', { agent: 'builder' }],
    );
    const marks = buildView(snapshot({ events: kinds }), now).lanes[0].marks;
    expect(marks.map((m) => [m.kind, m.message])).toEqual([
      ['reboot', 'agent_rebooted'],
      ['wake', 'agent_woken'],
      ['restart', 'agent_restarted'],
      ['blocked', 'agent_blocked'],
    ]);
  });

  it('keeps the newest segments and marks of a long lane', () => {
    const flips: Spec[] = [];
    for (let i = 0; i < 3000; i++) {
      flips.push([i * 0.01, i % 2 ? 'agent_idle' : 'agent_busy', { agent: 'builder' }]);
      flips.push([i * 0.01, 'agent_nudged', { agent: 'builder', message: `n${i}` }]);
    }
    const builder = buildView(snapshot({ events: log(...flips) }), now).lanes[0];
    expect(builder.segments).toHaveLength(MAX_LANE_SEGMENTS);
    expect(builder.segments.at(-1)).toEqual({ from: at(29.99), to: now, state: 'idle' });
    expect(builder.marks).toHaveLength(MAX_LANE_MARKS);
    expect(builder.marks.at(-1)!.message).toBe('n2999');
    expect(builder.marks[0].message).toBe(`n${3000 - MAX_LANE_MARKS}`);
  });

  it('a build that ended stops its axis at its end', () => {
    const stopped = log([0, 'build_started'], [0, 'agent_busy', { agent: 'builder' }], [30, 'stopped']);
    const v = buildView(snapshot({ events: stopped }, teamStatus({ status: 'stopped' })), now);
    expect(v.to).toBe(at(30));
    expect(v.lanes[0].segments).toEqual([{ from: T0, to: at(30), state: 'busy' }]);
  });
});

describe('buildView: cost and events', () => {
  it('the cost curve is the metrics one; the latest events come newest first, at most BUILD_VIEW_EVENTS', () => {
    const many: Spec[] = [[0, 'tokens_recorded', { phase: 'p1', costUsd: 2 }]];
    for (let i = 1; i < 300; i++) many.push([i * 0.1, 'ping_sent', { agent: 'builder' }]);
    const view = buildView(snapshot({ events: log(...many) }), now);
    expect(view.cost).toEqual([{ at: T0, costUsd: 2 }]);
    expect(view.events).toHaveLength(BUILD_VIEW_EVENTS);
    expect(view.events[0].seq).toBe(300);
    expect(view.events.at(-1)!.seq).toBe(101);
    expect(view.row.build).toBe('team');
    expect(view.metrics.costUsd).toBe(2);
  });
});
