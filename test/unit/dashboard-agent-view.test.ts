import { AGENT_VIEW_EVENTS, agentView } from '../../src/core/dashboard/agent-view';
import { at, log, snapshot, T0, teamStatus, tok, type Spec } from './support/dashboard-fixtures';

const now = at(120);
const share = (input: number, costUsd: number) => ({ tokens: tok(input), costUsd });

const events = log(
  [0, 'build_started'],
  [0, 'agent_busy', { agent: 'builder' }],
  [10, 'gate_claimed', { agent: 'builder', builder: 'builder', gate: 'g1', phase: 'p1' }],
  [15, 'gate_reviewed', { agent: 'adversary', reviewer: 'adversary', gate: 'g1', verdict: 'pass', phase: 'p1' }],
  [15, 'gate_passed', { gate: 'g1', builder: 'builder', phase: 'p1' }],
  [
    16,
    'tokens_recorded',
    {
      phase: 'p1',
      gate: 'g1',
      tokens: tok(300),
      costUsd: 3,
      byAgent: { builder: share(200, 2), adversary: share(100, 1) },
    },
  ],
  [20, 'gate_claimed', { agent: 'adversary', builder: 'adversary', gate: 'g2', phase: 'p1' }],
  [25, 'gate_reviewed', { agent: 'builder', reviewer: 'builder', gate: 'g2', verdict: 'pass', phase: 'p1' }],
  [25, 'gate_passed', { gate: 'g2', builder: 'adversary', phase: 'p1' }],
  [
    26,
    'tokens_recorded',
    { phase: 'p1', gate: 'g2', tokens: tok(50), costUsd: 0.5, byAgent: { adversary: share(50, 0.5) } },
  ],
  // g1 again after its pass: a new gate of the same label, whose window adds to the builder's g1 row.
  [30, 'gate_claimed', { agent: 'builder', builder: 'builder', gate: 'g1', phase: 'p1' }],
  [40, 'agent_rate_limited', { agent: 'builder' }],
  [50, 'agent_resumed', { agent: 'builder' }],
  [55, 'agent_rate_limited', { agent: 'builder' }],
  [60, 'agent_resumed', { agent: 'builder', durationMs: 5 * 60_000 }],
  [61, 'agent_rebooted', { agent: 'builder' }],
  [62, 'agent_idle', { agent: 'builder' }],
  [
    70,
    'tokens_recorded',
    { phase: 'p1', gate: 'g1', tokens: tok(10), costUsd: 0.25, byAgent: { builder: share(10, 0.25) } },
  ],
  [
    80,
    'tokens_recorded',
    { phase: 'p1', tokens: tok(400), costUsd: 4, byAgent: { builder: share(260, 2.5), adversary: share(140, 1.5) } },
  ],
);

describe('agentView', () => {
  const view = agentView(
    snapshot({ events }, teamStatus({}, { builder: { idleSeconds: 200 } })),
    'builder',
    ['> ready'],
    now,
  )!;

  it('its state now, from the status view', () => {
    expect(view).toMatchObject({
      now,
      build: 'team',
      agent: 'builder',
      state: 'idle',
      colour: 'yellow',
      idleSeconds: 200,
      alive: true,
      startedAt: T0,
      pane: ['> ready'],
    });
  });

  it('its tokens and dollars from the metrics, and its share per gate from the gate windows', () => {
    expect(view.tokens).toEqual(tok(260));
    expect(view.costUsd).toBe(2.5);
    expect(view.byGate).toEqual([{ gate: 'g1', phase: 'p1', tokens: tok(210), costUsd: 2.25 }]);
    const adversary = agentView(snapshot({ events }), 'adversary', null, now)!;
    expect(adversary.byGate).toEqual([
      { gate: 'g1', phase: 'p1', tokens: tok(100), costUsd: 1 },
      { gate: 'g2', phase: 'p1', tokens: tok(50), costUsd: 0.5 },
    ]);
  });

  it('the gates it claimed and reviewed (each label once), its reboots and rate-limit waits', () => {
    expect(view.gatesClaimed).toEqual(['g1']);
    expect(view.gatesReviewed).toEqual(['g2']);
    expect(view).toMatchObject({ reboots: 1, rateLimitWaits: 2, rateLimitedMs: 15 * 60_000 });
    expect(view.busyShare).toBeCloseTo(62 / 120);
  });

  it('its own latest events, newest first, at most AGENT_VIEW_EVENTS', () => {
    expect(view.events.map((e) => e.type).slice(0, 3)).toEqual(['agent_idle', 'agent_rebooted', 'agent_resumed']);
    expect(view.events.every((e) => e.agent === 'builder')).toBe(true);
    const many: Spec[] = [];
    for (let i = 0; i < 300; i++) many.push([i * 0.1, 'agent_nudged', { agent: i % 2 ? 'builder' : 'adversary' }]);
    const busy = agentView(snapshot({ events: log(...many) }), 'builder', null, now)!;
    expect(busy.events).toHaveLength(AGENT_VIEW_EVENTS);
    expect([busy.events[0].seq, busy.events.at(-1)!.seq]).toEqual([300, 102]);
  });

  it('an agent only the events know is shown down; an agent nobody knows is null', () => {
    const gone = agentView(snapshot({ events }, null), 'builder', null, now)!;
    expect(gone).toMatchObject({ state: 'down', colour: 'grey', alive: false, startedAt: null, costUsd: 2.5 });
    expect(agentView(snapshot({ events }), 'nobody', null, now)).toBeNull();
    expect(agentView(snapshot(), 'librarian', null, now)).toMatchObject({ agent: 'librarian', byGate: [], costUsd: 0 });
  });
});
