import { UsageError } from '../../src/client/load-or-exit';
import { describeEvent } from '../../src/core/events';
import { parseBuildRef } from '../../src/client/build-handle';
import { listQuery, phasesFromOptions } from '../../src/client/commands/operate';
import { formatSeconds, formatTime, oneLine, table } from '../../src/client/render/format';
import {
  listingStatus,
  phaseLabel,
  renderList,
  renderEvents,
  renderPhases,
  renderStatus,
  formatFigures,
  tokenFigures,
  type AgentView,
  type ExecutionInfo,
  type StatusView,
} from '../../src/client/render/status';

const T0 = Date.UTC(2025, 9, 1, 10, 0, 0);
const HELD_PING = {
  action: { type: 'send' as const, agent: 'adversary', text: 'claim' },
  event: { type: 'ping_sent' as const, agent: 'adversary', message: 'claim' },
};

function agent(over: Partial<AgentView> = {}): AgentView {
  return {
    sessionId: '11111111-1111-4111-8111-111111111111',
    alive: true,
    idleSeconds: 42,
    doneNudgedPhase: null,
    reboots: [],
    crashLooped: false,
    rateLimitedUntil: null,
    waitingUntil: null,
    blockedSince: null,
    ...over,
  };
}

/** One agent's cumulative token totals as the accounting state keeps them, with no cache traffic. */
function agentTotals(input: number, output: number, costUsd: number, unpriced: string[] = []) {
  return {
    usage: { input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    costUsd,
    unpriced,
  };
}

function view(over: Partial<StatusView> = {}): StatusView {
  return {
    hostId: 'box-1',
    configHash: 'abcdef0123456789',
    status: 'running',
    phaseIndex: 1,
    phaseStartedAt: T0 + 60_000,
    completedPhases: [{ id: 'p1', startedAt: T0, endedAt: T0 + 60_000, durationMs: 60_000 }],
    agents: {
      builder: agent({ doneNudgedPhase: 'p1', reboots: [T0, T0 + 1000] }),
      adversary: agent({
        alive: false,
        crashLooped: true,
        rateLimitedUntil: T0 + 3_600_000,
        blockedSince: T0 + 100_000,
        held: [HELD_PING, HELD_PING],
      }),
    },
    events: Array.from({ length: 12 }, (_, i) => ({
      seq: i + 1,
      at: T0 + i * 1000,
      type: 'ping_sent' as const,
      agent: 'builder',
      message: `ping ${i + 1}`,
    })),
    phase: 'p2',
    phaseCount: 3,
    ...over,
  };
}

const INFO: ExecutionInfo = {
  workflowId: 'build/demo',
  runId: 'r1',
  workflowStatus: 'RUNNING',
  startTime: T0,
  closeTime: null,
};

describe('status rendering', () => {
  it('renders the build, its agents and its last 10 events', () => {
    const lines = renderStatus(view(), INFO, T0 + 160_000);
    expect(lines.slice(0, 5)).toEqual([
      'build demo (build/demo): running',
      'phase:     p2 (2/3), for 1m40s',
      'completed: p1 1m00s',
      'host:      box-1 · started 2025-10-01T10:00:00Z · config abcdef012345',
      '',
    ]);
    expect(lines[5]).toMatch(
      /^AGENT\s+ALIVE\s+IDLE\s+NUDGED\s+REBOOTS\s+RATE-LIMITED UNTIL\s+CRASH LOOP\s+NOTE\s+SESSION$/,
    );
    expect(lines[6]).toMatch(/^builder\s+yes\s+42s\s+p1\s+2\s+-\s+no\s+-\s+1111/);
    expect(lines[7]).toMatch(
      /^adversary\s+no\s+-\s+-\s+0\s+2025-10-01T11:00:00Z\s+YES\s+blocked at a prompt for 1m00s; 2 message\(s\) pending\s+1111/,
    );
    expect(lines).toContain('last 10 events:');
    expect(lines.at(-1)).toBe('  2025-10-01T10:00:11.000Z #12 ping_sent builder: ping 12');
    expect(lines.filter((l) => l.startsWith('  2025-'))).toHaveLength(10);
    expect(lines.some((l) => l.startsWith('tokens:'))).toBe(false);
  });

  it("a build on several hosts shows each agent's host", () => {
    const lines = renderStatus(view({ agentHosts: { builder: 'box-1', adversary: 'gpu-2' } }), INFO, T0 + 160_000);
    expect(lines[5]).toMatch(/^AGENT\s+HOST\s+ALIVE\s+IDLE/);
    expect(lines[6]).toMatch(/^builder\s+box-1\s+yes\s+42s/);
    expect(lines[7]).toMatch(/^adversary\s+gpu-2\s+no\s+-/);
  });

  it('keeps one line per event when a message has newlines or control characters', () => {
    const rejected = {
      seq: 13,
      at: T0,
      type: 'config_rejected' as const,
      message: 'config edit refused:\nagents.toml:3: a\r\nagents.toml:5: b\x1b[2J\u2028end',
    };
    const expected =
      '2025-10-01T10:00:00.000Z #13 config_rejected: config edit refused:\\nagents.toml:3: a\\nagents.toml:5: b\\x1b[2J\\u2028end';
    expect(renderEvents([rejected])).toEqual([expected]);
    expect(renderStatus(view({ events: [rejected] }), INFO, T0).at(-1)).toBe(`  ${expected}`);
    expect(describeEvent({ ...rejected, message: 'tab\tkept' })).toBe(
      '2025-10-01T10:00:00.000Z #13 config_rejected: tab\tkept',
    );
  });

  it('shows a closed workflow, a complete sequence and token figures when the view has them', () => {
    const v = {
      ...view({ status: 'stopped', phase: null, phaseIndex: 3 }),
      tokens: {
        total: {
          input_tokens: 1234,
          output_tokens: 56,
          cache_creation_input_tokens: 7,
          cache_read_input_tokens: 89000,
          cost_usd: 1.5,
        },
      },
    };
    const lines = renderStatus(v, { ...INFO, workflowStatus: 'COMPLETED', closeTime: T0 + 200_000 }, T0 + 300_000, 2);
    expect(lines[0]).toBe('build demo (build/demo): stopped (workflow completed at 2025-10-01T10:03:20Z)');
    expect(lines[1]).toBe('phase:     complete (3/3)');
    expect(lines).toContain('tokens:    in 1,234 · out 56 · cache write 7 · cache read 89,000 · $1.50');
    expect(lines).toContain('last 2 events:');
  });

  it('finds token figures in the view in the shapes it may take', () => {
    const f = { input_tokens: 1, output_tokens: 2 };
    expect(tokenFigures({ tokens: f })).toMatchObject({
      input_tokens: 1,
      output_tokens: 2,
      cache_read_input_tokens: 0,
      cost_usd: null,
    });
    expect(tokenFigures({ tokens: { total: f } })).toMatchObject({ output_tokens: 2 });
    // The token accounting state's shape: per-agent cumulative totals and the summed cost.
    const accounting = {
      tokens: {
        totals: {
          builder: {
            usage: { ...f, cache_creation_input_tokens: 3, cache_read_input_tokens: 4 },
            costUsd: 0.25,
            unpriced: [],
          },
          adversary: agentTotals(10, 20, 0.5),
        },
        costUsd: 0.75,
      },
    };
    expect(tokenFigures(accounting)).toEqual({
      input_tokens: 11,
      output_tokens: 22,
      cache_creation_input_tokens: 3,
      cache_read_input_tokens: 4,
      cost_usd: 0.75,
      unpriced: [],
    });
    const rows = renderStatus({ ...view(), ...accounting } as StatusView, INFO, T0);
    expect(rows).toContain('tokens:    in 11 · out 22 · cache write 3 · cache read 4 · $0.75');
    expect(rows.find((l) => l.startsWith('AGENT'))).toMatch(/NOTE\s+TOKENS\s+SESSION$/);
    expect(rows.find((l) => l.startsWith('builder'))).toMatch(/\s10\s+1111/);
    expect(rows.find((l) => l.startsWith('adversary'))).toMatch(/\s30\s+1111/);
    expect(tokenFigures({ tokens: 'n/a' })).toBeNull();
    expect(tokenFigures({})).toBeNull();
  });

  it('marks the cost when a model is unpriced, never a bare $0.00', () => {
    // The case: every token on a model without a price.
    const only = { tokens: { totals: { builder: agentTotals(5, 6, 0, ['claude-foo']) }, costUsd: 0 } };
    expect(renderStatus({ ...view(), ...only } as StatusView, INFO, T0)).toContain(
      'tokens:    in 5 · out 6 · cache write 0 · cache read 0 · $0.00 + unpriced (claude-foo)',
    );
    // Priced and unpriced models across agents: the dollars cover the priced ones, every unpriced one is named once.
    const mixed = {
      tokens: {
        totals: {
          builder: agentTotals(1, 2, 0.42, ['claude-foo']),
          adversary: agentTotals(3, 4, 0, ['claude-bar', 'claude-foo']),
          reviewer: agentTotals(0, 0, 0),
        },
        costUsd: 0.42,
      },
    };
    expect(tokenFigures(mixed)).toMatchObject({ cost_usd: 0.42, unpriced: ['claude-bar', 'claude-foo'] });
    expect(renderStatus({ ...view(), ...mixed } as StatusView, INFO, T0)).toContain(
      'tokens:    in 4 · out 6 · cache write 0 · cache read 0 · $0.42 + unpriced (claude-bar, claude-foo)',
    );
    // Transcript-style figures name theirs as unpriced_models.
    const direct = { input_tokens: 1, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    expect(
      formatFigures(
        tokenFigures({ tokens: { total: { ...direct, cost_usd: 1.5, unpriced_models: ['claude-foo'] } } })!,
      ),
    ).toBe('in 1 · out 0 · cache write 0 · cache read 0 · $1.50 + unpriced (claude-foo)');
    expect(formatFigures({ ...direct, cost_usd: null, unpriced: ['claude-foo'] })).toBe(
      'in 1 · out 0 · cache write 0 · cache read 0 · unpriced (claude-foo)',
    );
  });

  it('labels phases and renders the phase table', () => {
    expect(phaseLabel({ phase: null, phaseIndex: 0, phaseCount: 0 })).toBe('none');
    expect(phaseLabel({ phase: 'p1', phaseIndex: 0, phaseCount: 2 })).toBe('p1 (1/2)');
    const lines = renderPhases(view(), ['p1', 'p2', 'p3'], T0 + 90_000);
    expect(lines[0]).toBe('phase p2 (2/3) · build running');
    expect(lines.slice(2)).toEqual([
      '#  PHASE  STATE    STARTED               DURATION',
      '1  p1     done     2025-10-01T10:00:00Z  1m00s',
      '2  p2     current  2025-10-01T10:01:00Z  30s',
      '3  p3     pending  -                     -',
    ]);
    expect(renderPhases(view(), null, T0).at(-1)).toMatch(/^3\s+\?\s+pending/);
  });

  it('lists builds with Steward status while running and Temporal status when killed', () => {
    expect(listingStatus('RUNNING', 'paused')).toBe('paused');
    expect(listingStatus('COMPLETED', 'stopped')).toBe('stopped');
    expect(listingStatus('TERMINATED', 'running')).toBe('terminated');
    expect(listingStatus('RUNNING', null)).toBe('running');
    expect(renderList([])).toEqual(['no builds']);
    const rows = renderList([
      {
        build: 'demo',
        workflowId: 'build/demo',
        runId: 'r',
        status: 'running',
        workflowStatus: 'RUNNING',
        phase: 'p1',
        project: 'demo',
        escalation: 'crash-loop:builder',
        startTime: '2025-10-01T10:00:00Z',
        closeTime: null,
      },
    ]);
    expect(rows).toEqual([
      'BUILD  STATUS   PHASE  ESCALATION          STARTED               CLOSED',
      'demo   running  p1     crash-loop:builder  2025-10-01T10:00:00Z  -',
    ]);
    expect(listQuery(false)).toBe("WorkflowType='buildWorkflow' AND ExecutionStatus != 'ContinuedAsNew'");
    expect(listQuery(true)).toContain("AND ExecutionStatus = 'Running'");
  });

  it('formats times, durations, tables and one-liners', () => {
    expect(formatTime(T0 + 1234)).toBe('2025-10-01T10:00:01Z');
    expect(formatTime(null)).toBe('-');
    expect([0, 59, 60, 3599, 3600, 7 * 3600 + 65, 49 * 3600].map(formatSeconds)).toEqual([
      '0s',
      '59s',
      '1m00s',
      '59m59s',
      '1h00m',
      '7h01m',
      '2d01h',
    ]);
    expect(table(['A', 'BB'], [['xyz', '1']])).toEqual(['A    BB', 'xyz  1']);
    expect(oneLine('a\n  b\tc', 5)).toBe('a ⏎ …');
  });
});

describe('operator arguments', () => {
  it('names a build by its name or its workflow id, and refuses unsafe names', () => {
    expect(parseBuildRef('demo')).toEqual({ name: 'demo', workflowId: 'build/demo' });
    expect(parseBuildRef('build/demo.v2')).toEqual({ name: 'demo.v2', workflowId: 'build/demo.v2' });
    expect(() => parseBuildRef('a b')).toThrow(UsageError);
    expect(() => parseBuildRef('build/')).toThrow(/not a safe id/);
  });

  it('builds phases from repeated flags or a JSON list', () => {
    expect(phasesFromOptions({ id: ['p3'] })).toEqual([{ id: 'p3', status: 'STATUS-p3.md', kickoff: '' }]);
    expect(phasesFromOptions({ id: ['p3', 'p4'], kickoff: ['a', 'b'], status: ['s3.md', 's4.md'] })).toEqual([
      { id: 'p3', status: 's3.md', kickoff: 'a' },
      { id: 'p4', status: 's4.md', kickoff: 'b' },
    ]);
    expect(phasesFromOptions({ phases: '{"id":"p5","kickoff":"go"}' })).toEqual([
      { id: 'p5', status: 'STATUS-p5.md', kickoff: 'go' },
    ]);
    expect(() => phasesFromOptions({})).toThrow(/no phase given/);
    expect(() => phasesFromOptions({ phases: '[]' })).toThrow(/the list is empty/);
    expect(() => phasesFromOptions({ phases: '[3]' })).toThrow(/phase 1: expected an object/);
    expect(() => phasesFromOptions({ phases: '[{"id":7}]' })).toThrow(/"id" must be a string/);
    expect(() => phasesFromOptions({ phases: '[{"id":"p","kickoff":1}]' })).toThrow(/"kickoff" must be a string/);
    expect(() => phasesFromOptions({ id: ['p3'], status: ['a', 'b'] })).toThrow(
      /--status given 2 time\(s\) for 1 --id/,
    );
  });
});
