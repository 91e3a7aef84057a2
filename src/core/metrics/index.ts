/**
 * A build's metrics, folded from its event log in one pass (`buildMetrics`). Pure: time comes in
 * as `now`. The definitions of every figure are on its field in ./types.ts.
 *
 * The fold is linear in the number of events: each event touches a constant number of map
 * entries, and the only sorts are of the events (once, and only when they are not already in
 * `seq` order) and of the two distributions' values at the end. Events written before the data
 * fields existed are accepted: a gate event without its gate is skipped, a token window without
 * figures adds nothing, and phase times come from `phase_started`/`phase_completed` themselves.
 */
import type { EventTokens, EventType, StewardEvent } from '../events';
import { roundUsd } from '../tokens/format';
import { distribution } from './distribution';
import type {
  AgentMetrics,
  BuildMetrics,
  BuildMetricsSummary,
  CostPoint,
  GateMetrics,
  GateVerdict,
  PhaseMetrics,
} from './types';

export type * from './types';
export { distribution, percentile } from './distribution';
export { buildInsights, type Insight } from './insights';

/** Events of an effect that was performed (the denominator of the error rate, with action_failed). */
export const EFFECT_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'agent_started',
  'agent_healed',
  'agent_rebooted',
  'agent_nudged',
  'agent_woken',
  'agent_resumed',
  'ping_sent',
  'agent_restarted',
  'service_started',
  'service_healed',
]);

/** The problems an operator has to act on. */
export const ESCALATION_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'crash_loop',
  'budget_exceeded',
  'host_unreachable',
  'agent_blocked',
]);

export function zeroTokens(): EventTokens {
  return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

/** Every token counted: input + output + cache writes + cache reads. */
export function tokenTotal(t: EventTokens): number {
  return t.input_tokens + t.output_tokens + t.cache_creation_input_tokens + t.cache_read_input_tokens;
}

interface TokenAcc {
  tokens: EventTokens;
  costUsd: number;
}

const zeroAcc = (): TokenAcc => ({ tokens: zeroTokens(), costUsd: 0 });

function addInto(acc: TokenAcc, tokens: EventTokens | undefined, costUsd: number | undefined): void {
  if (tokens) {
    acc.tokens.input_tokens += tokens.input_tokens ?? 0;
    acc.tokens.output_tokens += tokens.output_tokens ?? 0;
    acc.tokens.cache_creation_input_tokens += tokens.cache_creation_input_tokens ?? 0;
    acc.tokens.cache_read_input_tokens += tokens.cache_read_input_tokens ?? 0;
  }
  acc.costUsd += costUsd ?? 0;
}

function accOf(map: Map<string, TokenAcc>, name: string): TokenAcc {
  let acc = map.get(name);
  if (!acc) map.set(name, (acc = zeroAcc()));
  return acc;
}

interface PhaseAcc {
  phase: string;
  startedAt: number | null;
  endedAt: number | null;
  /** From its `phase_completed`. */
  durationMs: number | null;
  /** The first claim of its latest gate: the anchor of the next gate's time to claim. */
  lastFirstClaimAt: number | null;
  passed: Set<GateAcc>;
  failed: Set<GateAcc>;
  counts: PhaseCounts;
  /** Its phase windows, whole and per agent; null until one closed. */
  phaseWindow: TokenAcc | null;
  phaseAgents: Map<string, TokenAcc>;
  /** Its gate windows until its phase window closed. */
  gateWindows: TokenAcc;
  gateAgents: Map<string, TokenAcc>;
}

interface PhaseCounts {
  nudges: number;
  reboots: number;
  rateLimitWaits: number;
  escalations: number;
}

interface GateAcc {
  metrics: GateMetrics;
  window: TokenAcc;
  /** The latest claim: the start of the current round's review wait. */
  lastClaimAt: number | null;
}

interface AgentAcc {
  agent: string;
  observedSince: number | null;
  busySince: number | null;
  busyMs: number;
  limitedSince: number | null;
  rateLimitedMs: number;
  reboots: number;
  verdicts: number;
  fails: number;
}

function newPhase(phase: string, startedAt: number | null): PhaseAcc {
  return {
    phase,
    startedAt,
    endedAt: null,
    durationMs: null,
    lastFirstClaimAt: null,
    passed: new Set(),
    failed: new Set(),
    counts: { nudges: 0, reboots: 0, rateLimitWaits: 0, escalations: 0 },
    phaseWindow: null,
    phaseAgents: new Map(),
    gateWindows: zeroAcc(),
    gateAgents: new Map(),
  };
}

function newGate(gate: string, phase: string | null): GateAcc {
  return {
    lastClaimAt: null,
    window: zeroAcc(),
    metrics: {
      gate,
      phase,
      builder: null,
      reviewers: [],
      claimedAt: null,
      timeToClaimMs: null,
      timeToFirstReviewMs: null,
      passedAt: null,
      timeToPassMs: null,
      rounds: 0,
      verdicts: [],
      status: 'open',
      tokens: zeroTokens(),
      costUsd: 0,
    },
  };
}

function newAgent(agent: string): AgentAcc {
  return {
    agent,
    observedSince: null,
    busySince: null,
    busyMs: 0,
    limitedSince: null,
    rateLimitedMs: 0,
    reboots: 0,
    verdicts: 0,
    fails: 0,
  };
}

/** `events` in `seq` order: the same array when it already is (the usual case), else a sorted copy. */
export function inSeqOrder(events: readonly StewardEvent[]): readonly StewardEvent[] {
  for (let i = 1; i < events.length; i++) {
    if (events[i].seq < events[i - 1].seq) return [...events].sort((a, b) => a.seq - b.seq);
  }
  return events;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const perHour = (n: number, ms: number): number | null => (ms > 0 ? n / (ms / 3_600_000) : null);
const since = (from: number, to: number): number => Math.max(0, to - from);

/** The metrics of a build from its events (any order; sorted by `seq`), at `now`. */
export function buildMetrics(events: readonly StewardEvent[], options: { now: number }): BuildMetrics {
  const ordered = inSeqOrder(events);
  const phases = new Map<string, PhaseAcc>();
  /** Every gate in order of first sight, and the latest gate of each label. */
  const gates: GateAcc[] = [];
  const gateByLabel = new Map<string, GateAcc>();
  const agents = new Map<string, AgentAcc>();
  /** Token windows of no known phase: counted in the build's totals like a phase window. */
  const unphased = newPhase('', null);
  const pending: PhaseCounts = { nudges: 0, reboots: 0, rateLimitWaits: 0, escalations: 0 };
  const reviewWaits: number[] = [];
  const costOverTime: CostPoint[] = [];

  let startedAt: number | null = null;
  let buildStartedSeen = false;
  let stoppedAt: number | null = null;
  let completedAt: number | null = null;
  /** Where a phase seen without its `phase_started` begins: the build's start or the last phase end. */
  let boundaryAt: number | null = null;
  let current: PhaseAcc | null = null;
  let cumulativeUsd = 0;
  let effects = 0;
  let failures = 0;
  let escalations = 0;

  const agentOf = (name: string): AgentAcc => {
    let a = agents.get(name);
    if (!a) agents.set(name, (a = newAgent(name)));
    return a;
  };

  const phaseNamed = (name: string): PhaseAcc => {
    let p = phases.get(name);
    if (!p) {
      p = newPhase(name, boundaryAt ?? startedAt);
      if (phases.size === 0) {
        // Whatever happened before the first phase had a name belongs to it.
        p.counts = { ...pending };
        if (current === null && completedAt === null) current = p;
      }
      phases.set(name, p);
    }
    return p;
  };

  const phaseOf = (e: StewardEvent): PhaseAcc | null => (e.phase ? phaseNamed(e.phase) : current);

  const count = (e: StewardEvent, key: keyof PhaseCounts): void => {
    const p = phaseOf(e);
    if (p) p.counts[key]++;
    else if (phases.size === 0) pending[key]++;
  };

  /** The gate an event is about; a claim of a label that passed starts a new gate of that label. */
  const gateOf = (e: StewardEvent): GateAcc | null => {
    if (!e.gate) return null;
    let g = gateByLabel.get(e.gate);
    if (!g || (e.type === 'gate_claimed' && g.metrics.status === 'passed')) {
      g = newGate(e.gate, phaseOf(e)?.phase ?? null);
      gateByLabel.set(e.gate, g);
      gates.push(g);
    } else if (g.metrics.phase === null && e.phase) g.metrics.phase = e.phase;
    return g;
  };

  const tokenWindow = (e: StewardEvent): void => {
    if (!e.tokens && e.costUsd === undefined) return;
    const cost = e.costUsd ?? 0;
    const p = phaseOf(e) ?? unphased;
    let added: number;
    if (e.gate) {
      addInto(gateOf(e)!.window, e.tokens, cost);
      // A gate window after its phase's window closed is already inside it.
      if (p.phaseWindow) return;
      addInto(p.gateWindows, e.tokens, cost);
      for (const [name, share] of Object.entries(e.byAgent ?? {})) {
        agentOf(name);
        addInto(accOf(p.gateAgents, name), share.tokens, share.costUsd);
      }
      added = cost;
    } else {
      // The first phase window replaces the gate windows counted so far: add only the rest.
      added = p.phaseWindow ? cost : cost - p.gateWindows.costUsd;
      p.phaseWindow ??= zeroAcc();
      addInto(p.phaseWindow, e.tokens, cost);
      for (const [name, share] of Object.entries(e.byAgent ?? {})) {
        agentOf(name);
        addInto(accOf(p.phaseAgents, name), share.tokens, share.costUsd);
      }
    }
    cumulativeUsd += added;
    costOverTime.push({ at: e.at, costUsd: roundUsd(cumulativeUsd) });
  };

  const claimed = (e: StewardEvent, g: GateAcc): void => {
    const m = g.metrics;
    const builder = e.builder ?? e.agent;
    if (builder) agentOf(builder);
    if (m.claimedAt === null) {
      m.claimedAt = e.at;
      m.builder ??= builder ?? null;
      const p = m.phase !== null ? phaseNamed(m.phase) : null;
      const anchor = p ? (p.lastFirstClaimAt ?? p.startedAt) : null;
      m.timeToClaimMs = anchor !== null ? since(anchor, e.at) : null;
      if (p) p.lastFirstClaimAt = e.at;
    }
    m.rounds = e.attempt !== undefined ? Math.max(m.rounds, e.attempt) : m.rounds + 1;
    g.lastClaimAt = e.at;
    m.status = 'open';
  };

  const reviewed = (e: StewardEvent, g: GateAcc): void => {
    const m = g.metrics;
    const agent = e.reviewer ?? e.agent;
    const reviewer = agent ?? 'unknown';
    const verdict: GateVerdict = {
      reviewer,
      verdict: e.verdict ?? 'unknown',
      at: e.at,
      attempt: e.attempt ?? Math.max(1, m.rounds),
      sha: e.sha ?? null,
    };
    if (m.verdicts.length === 0) {
      m.timeToFirstReviewMs = m.claimedAt !== null ? since(m.claimedAt, e.at) : (e.durationMs ?? null);
    }
    m.verdicts.push(verdict);
    if (!m.reviewers.includes(reviewer)) m.reviewers.push(reviewer);
    // A late review of a passed gate waited for nothing: it has no durationMs, and none is made up.
    const open = m.status !== 'passed' && g.lastClaimAt !== null;
    const wait = e.durationMs ?? (open ? since(g.lastClaimAt!, e.at) : null);
    if (wait !== null) reviewWaits.push(wait);
    if (agent) {
      const a = agentOf(agent);
      a.verdicts++;
      if (verdict.verdict === 'fail') a.fails++;
    }
  };

  const passed = (e: StewardEvent, g: GateAcc): void => {
    const m = g.metrics;
    if (m.passedAt === null) {
      m.passedAt = e.at;
      m.timeToPassMs = e.durationMs ?? (m.claimedAt !== null ? since(m.claimedAt, e.at) : null);
    }
    m.builder ??= e.builder ?? null;
    m.rounds = Math.max(m.rounds, e.attempt ?? 0);
    m.status = 'passed';
    if (m.phase !== null) phaseNamed(m.phase).passed.add(g);
  };

  const failed = (e: StewardEvent, g: GateAcc): void => {
    const m = g.metrics;
    m.builder ??= e.builder ?? null;
    if (e.reviewer) agentOf(e.reviewer);
    if (m.status !== 'passed') m.status = 'failed';
    if (m.phase !== null) phaseNamed(m.phase).failed.add(g);
  };

  for (const e of ordered) {
    if (startedAt === null) startedAt = e.at;
    if (e.agent) agentOf(e.agent);
    if (e.phase) phaseNamed(e.phase);
    if (EFFECT_EVENTS.has(e.type)) effects++;
    if (ESCALATION_EVENTS.has(e.type)) {
      escalations++;
      count(e, 'escalations');
    }
    switch (e.type) {
      case 'build_started':
        if (!buildStartedSeen) {
          buildStartedSeen = true;
          startedAt = e.at;
          if (phases.size === 0) boundaryAt = e.at;
        }
        break;
      case 'phase_started': {
        completedAt = null;
        const p = e.phase ? phaseNamed(e.phase) : null;
        if (p) {
          if (p.endedAt === null) p.startedAt = e.at;
          current = p;
        }
        break;
      }
      case 'phase_completed': {
        const p = phaseOf(e);
        if (p) {
          p.endedAt = e.at;
          if (e.durationMs !== undefined) {
            p.durationMs = e.durationMs;
            p.startedAt = e.at - e.durationMs;
          }
          if (current === p) current = null;
        }
        boundaryAt = e.at;
        break;
      }
      case 'sequence_completed':
        completedAt = e.at;
        current = null;
        boundaryAt = e.at;
        break;
      case 'phases_appended':
        completedAt = null;
        break;
      case 'stopped':
        stoppedAt ??= e.at;
        break;
      case 'action_failed':
        failures++;
        break;
      case 'agent_nudged':
        count(e, 'nudges');
        break;
      case 'agent_rebooted':
        count(e, 'reboots');
        if (e.agent) agentOf(e.agent).reboots++;
        break;
      case 'agent_rate_limited':
        count(e, 'rateLimitWaits');
        if (e.agent) agentOf(e.agent).limitedSince ??= e.at;
        break;
      case 'agent_resumed':
        if (e.agent) {
          const a = agentOf(e.agent);
          if (e.durationMs !== undefined) a.rateLimitedMs += e.durationMs;
          else if (a.limitedSince !== null) a.rateLimitedMs += since(a.limitedSince, e.at);
          a.limitedSince = null;
        }
        break;
      case 'agent_busy':
        if (e.agent) {
          const a = agentOf(e.agent);
          a.observedSince ??= e.at;
          a.busySince ??= e.at;
        }
        break;
      case 'agent_idle':
        if (e.agent) {
          const a = agentOf(e.agent);
          a.observedSince ??= e.at;
          if (a.busySince !== null) a.busyMs += since(a.busySince, e.at);
          a.busySince = null;
        }
        break;
      case 'tokens_recorded':
        tokenWindow(e);
        break;
      case 'gate_claimed':
      case 'gate_reviewed':
      case 'gate_passed':
      case 'gate_failed': {
        const g = gateOf(e);
        if (!g) break;
        if (e.type === 'gate_claimed') claimed(e, g);
        else if (e.type === 'gate_reviewed') reviewed(e, g);
        else if (e.type === 'gate_passed') passed(e, g);
        else failed(e, g);
        break;
      }
      default:
        break;
    }
  }

  const status: BuildMetricsSummary['status'] =
    stoppedAt !== null ? 'stopped' : completedAt !== null ? 'completed' : 'running';
  const endedAt = stoppedAt ?? completedAt;
  const end = endedAt ?? options.now;

  // Each phase's tokens: its phase window once closed, else its gate windows (never both).
  const build = zeroAcc();
  const byAgent = new Map<string, TokenAcc>();
  const phaseTokens = (p: PhaseAcc): TokenAcc => {
    const whole = p.phaseWindow ?? p.gateWindows;
    addInto(build, whole.tokens, whole.costUsd);
    for (const [name, share] of p.phaseWindow ? p.phaseAgents : p.gateAgents) {
      addInto(accOf(byAgent, name), share.tokens, share.costUsd);
    }
    return whole;
  };
  phaseTokens(unphased);

  const phaseList: PhaseMetrics[] = [...phases.values()].map((p) => {
    const endedAtP = p.endedAt ?? endedAt;
    const whole = phaseTokens(p);
    return {
      phase: p.phase,
      startedAt: p.startedAt,
      endedAt: endedAtP,
      durationMs: p.durationMs ?? (p.startedAt !== null ? since(p.startedAt, endedAtP ?? options.now) : null),
      gatesPassed: p.passed.size,
      gatesFailed: p.failed.size,
      tokens: { ...whole.tokens },
      costUsd: roundUsd(whole.costUsd),
      ...p.counts,
    };
  });

  const gateList = gates.map((g) => ({
    ...g.metrics,
    tokens: g.window.tokens,
    costUsd: roundUsd(g.window.costUsd),
  }));
  const claimedBy = new Map<string, number>();
  const passedBy = new Map<string, { passed: number; first: number }>();
  const reviewedBy = new Map<string, number>();
  const rounds: number[] = [];
  let gatesPassed = 0;
  let firstPasses = 0;
  for (const g of gateList) {
    if (g.builder !== null && g.claimedAt !== null) claimedBy.set(g.builder, (claimedBy.get(g.builder) ?? 0) + 1);
    for (const r of g.reviewers) reviewedBy.set(r, (reviewedBy.get(r) ?? 0) + 1);
    if (g.status !== 'passed') continue;
    gatesPassed++;
    const first = g.rounds <= 1;
    if (first) firstPasses++;
    if (g.rounds > 0) rounds.push(g.rounds);
    if (g.builder !== null) {
      const b = passedBy.get(g.builder) ?? { passed: 0, first: 0 };
      b.passed++;
      if (first) b.first++;
      passedBy.set(g.builder, b);
    }
  }

  const agentList: AgentMetrics[] = [...agents.values()].map((a) => {
    let busyMs = a.busyMs;
    if (a.busySince !== null) busyMs += since(a.busySince, end);
    const observed = a.observedSince !== null ? since(a.observedSince, end) : 0;
    const money = byAgent.get(a.agent) ?? zeroAcc();
    const claims = claimedBy.get(a.agent) ?? 0;
    const passes = passedBy.get(a.agent);
    return {
      agent: a.agent,
      busyShare: observed > 0 ? Math.min(1, busyMs / observed) : null,
      gatesClaimed: claims,
      gatesReviewed: reviewedBy.get(a.agent) ?? 0,
      firstPassRate: passes ? ratio(passes.first, passes.passed) : null,
      rejectionRate: ratio(a.fails, a.verdicts),
      tokens: money.tokens,
      costUsd: roundUsd(money.costUsd),
      costPerGateUsd: claims > 0 ? roundUsd(money.costUsd / claims) : null,
      reboots: a.reboots,
      rateLimitedMs: a.rateLimitedMs + (a.limitedSince !== null ? since(a.limitedSince, end) : 0),
    };
  });

  const durationMs = startedAt !== null ? since(startedAt, end) : 0;
  const costPerHour = perHour(build.costUsd, durationMs);
  return {
    build: {
      startedAt,
      endedAt,
      status,
      durationMs,
      tokens: build.tokens,
      costUsd: roundUsd(build.costUsd),
      costPerHourUsd: costPerHour !== null ? roundUsd(costPerHour) : null,
      gatesPassed,
      gatesPerHour: perHour(gatesPassed, durationMs),
      firstPassQuality: ratio(firstPasses, gatesPassed),
      errorRate: ratio(failures, effects + failures),
      escalations,
      timeToReview: distribution(reviewWaits),
      reviewRounds: distribution(rounds),
    },
    phases: phaseList,
    gates: gateList,
    agents: agentList,
    costOverTime,
  };
}
