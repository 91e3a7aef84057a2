/**
 * The retro records of a build (./types.ts): one per phase that ended and one per gate run in it,
 * folded from the build's events. Pure: time comes in as `now`, and the same events give the same
 * records (ids included), so a retried or replayed write appends nothing new to the store.
 *
 * The figures are `buildMetrics`'s (src/core/metrics): times, gates, rounds, verdicts, tokens and
 * the phase counts. What the metrics do not hold per phase or per gate comes from one more pass:
 *
 * - a phase's outcome: `advanced` when its `phase_completed` came from the operator's `advance`
 *   (its message ends with `ADVANCED_BY_OPERATOR`), `passed` when its done marker ended it,
 *   `abandoned` when it was still open when the build ended (completed or stopped);
 * - a phase's agents: every agent an event of the phase names (as agent, builder or reviewer, or in
 *   a token window's `byAgent`); its rate-limited time: every agent's rate-limit waits (from
 *   `agent_rate_limited` to `agent_resumed`) clipped to the phase's start and end;
 * - a gate's nudges, reboots, rate-limit waits and escalations: those events of its phase from its
 *   first claim to its pass (or its phase's end) that name one of its agents or no agent at all.
 *   A gate's agents are its builder and its reviewers (`unknown`, a commit by no agent, left out).
 *
 * A gate seen in no phase (events from before any phase had a name and none after) has no record.
 */
import type { StewardEvent, EventType } from '../events';
import { buildMetrics, ESCALATION_EVENTS, inSeqOrder } from '../metrics';
import type { BuildMetrics, GateMetrics, PhaseMetrics } from '../metrics';
import { ADVANCED_BY_OPERATOR } from '../phase-advance';
import { RETRO_RECORD_VERSION } from './types';
import type { GateRecord, PhaseRecord, RetroOutcome, RetroRecord } from './types';

export interface RetroInfo {
  build: string;
  /** The build's start (epoch ms): part of every id. */
  buildStartedAt: number;
  configHash: string;
  /** When the records are made: their `recordedAt`, and the end of what still runs. */
  now: number;
  /** Agent → the model(s) it used, when known. */
  models?: Record<string, string[]>;
}

/**
 * Which records: one phase's (none while it runs, unless the build has ended), or `all-ended`:
 * every phase that ended, and the one still open when the build completed or stopped.
 */
export type RetroWhich = { phase: string } | 'all-ended';

/** The id of a phase's record: `<build>@<build start>/<phase>`. */
export function phaseRecordId(info: Pick<RetroInfo, 'build' | 'buildStartedAt'>, phase: string): string {
  return `${info.build}@${info.buildStartedAt}/${phase}`;
}

/** The id of the record of the `n`th run (1-based) of `gate` in `phase`. */
export function gateRecordId(
  info: Pick<RetroInfo, 'build' | 'buildStartedAt'>,
  phase: string,
  gate: string,
  n: number,
): string {
  return `${phaseRecordId(info, phase)}/${gate}#${n}`;
}

/** The records of `which`: each phase's record, then its gates' in the order they were first claimed. */
export function retroRecords(events: readonly StewardEvent[], info: RetroInfo, which: RetroWhich): RetroRecord[] {
  const ordered = inSeqOrder(events);
  const metrics = buildMetrics(ordered, { now: info.now });
  const extra = foldExtras(ordered, metrics, info.now);
  const records: RetroRecord[] = [];
  for (const p of metrics.phases) {
    if (which !== 'all-ended' && which.phase !== p.phase) continue;
    const outcome = phaseOutcome(p, metrics, extra);
    if (outcome === null) continue;
    records.push(phaseRecord(p, outcome, info, extra));
    const runs = new Map<string, number>();
    for (const g of metrics.gates) {
      if (g.phase !== p.phase) continue;
      const n = (runs.get(g.gate) ?? 0) + 1;
      runs.set(g.gate, n);
      records.push(gateRecord(g, n, p, info, extra));
    }
  }
  return records;
}

/** How the phase ended; null while it runs in a build that goes on. */
function phaseOutcome(p: PhaseMetrics, metrics: BuildMetrics, extra: Extras): RetroOutcome | null {
  const completion = extra.completions.get(p.phase);
  if (completion) return completion;
  return metrics.build.status === 'running' ? null : 'abandoned';
}

function phaseRecord(p: PhaseMetrics, outcome: RetroOutcome, info: RetroInfo, extra: Extras): PhaseRecord {
  const agents = [...(extra.phaseAgents.get(p.phase) ?? [])].sort();
  const span = { from: p.startedAt ?? -Infinity, to: p.endedAt ?? extra.end };
  return {
    v: RETRO_RECORD_VERSION,
    kind: 'phase',
    id: phaseRecordId(info, p.phase),
    ...common(info, p.phase, outcome, { startedAt: p.startedAt, endedAt: p.endedAt, durationMs: p.durationMs }),
    tokens: { ...p.tokens },
    costUsd: p.costUsd,
    ...modelsOf(info.models, agents),
    agents,
    gatesPassed: p.gatesPassed,
    gatesFailed: p.gatesFailed,
    nudges: p.nudges,
    reboots: p.reboots,
    rateLimitWaits: p.rateLimitWaits,
    rateLimitedMs: extra.rateLimits.reduce((sum, w) => sum + overlap(w, span), 0),
    escalations: p.escalations,
  };
}

function gateRecord(g: GateMetrics, n: number, p: PhaseMetrics, info: RetroInfo, extra: Extras): GateRecord {
  const phase = p.phase;
  const agents = [...new Set([g.builder, ...g.reviewers])].filter((a): a is string => a !== null && a !== 'unknown');
  const passed = g.status === 'passed';
  const failedReview = g.status === 'failed' || g.verdicts.some((v) => v.verdict === 'fail');
  const outcome: RetroOutcome = passed ? 'passed' : failedReview ? 'failed' : 'abandoned';
  const endedAt = passed ? g.passedAt : p.endedAt;
  const durationMs = passed
    ? g.timeToPassMs
    : g.claimedAt !== null && endedAt !== null
      ? Math.max(0, endedAt - g.claimedAt)
      : null;
  const window = { from: g.claimedAt ?? p.startedAt ?? -Infinity, to: endedAt ?? extra.end };
  const counts = gateCounts(extra, phase, g.gate, new Set(agents), window);
  return {
    v: RETRO_RECORD_VERSION,
    kind: 'gate',
    id: gateRecordId(info, phase, g.gate, n),
    ...common(info, phase, outcome, { startedAt: g.claimedAt, endedAt, durationMs }),
    tokens: { ...g.tokens },
    costUsd: g.costUsd,
    ...modelsOf(info.models, agents),
    gate: g.gate,
    builder: g.builder,
    reviewers: [...g.reviewers],
    agents,
    rounds: g.rounds,
    verdicts: g.verdicts.map((v) => ({ reviewer: v.reviewer, verdict: v.verdict, attempt: v.attempt, at: v.at })),
    // Passed in its first round, and its first review was no fail (a late review after the pass does not count).
    firstPass: passed && g.rounds <= 1 && g.verdicts[0]?.verdict !== 'fail',
    timeToFirstReviewMs: g.timeToFirstReviewMs,
    ...counts,
  };
}

function common(
  info: RetroInfo,
  phase: string,
  outcome: RetroOutcome,
  times: { startedAt: number | null; endedAt: number | null; durationMs: number | null },
) {
  return {
    build: info.build,
    buildStartedAt: info.buildStartedAt,
    configHash: info.configHash,
    phase,
    outcome,
    ...times,
    recordedAt: info.now,
  };
}

/** The models of `agents`, when models are known. */
function modelsOf(models: Record<string, string[]> | undefined, agents: readonly string[]) {
  if (!models) return {};
  const known = agents.filter((a) => models[a]?.length).map((a): [string, string[]] => [a, [...models[a]]]);
  return known.length ? { models: Object.fromEntries(known) } : {};
}

// ---- what the metrics do not hold per phase or gate ----

interface Span {
  from: number;
  to: number;
}

/** An event a gate's counts are made of, with the phase it belongs to. */
interface CountedEvent {
  event: StewardEvent;
  phase: string | null;
  key: keyof GateCounts;
}

interface GateCounts {
  nudges: number;
  reboots: number;
  rateLimitWaits: number;
  escalations: number;
}

interface Extras {
  /** How each phase that has a `phase_completed` ended. */
  completions: Map<string, 'passed' | 'advanced'>;
  phaseAgents: Map<string, Set<string>>;
  /** Every agent's rate-limit waits. */
  rateLimits: Span[];
  counted: CountedEvent[];
  /** The build's end, or `now` while it runs. */
  end: number;
}

const COUNTED: Partial<Record<EventType, keyof GateCounts>> = {
  agent_nudged: 'nudges',
  agent_rebooted: 'reboots',
  agent_rate_limited: 'rateLimitWaits',
};

function countKey(type: EventType): keyof GateCounts | undefined {
  return ESCALATION_EVENTS.has(type) ? 'escalations' : COUNTED[type];
}

const overlap = (a: Span, b: Span): number => Math.max(0, Math.min(a.to, b.to) - Math.max(a.from, b.from));

function gateCounts(extra: Extras, phase: string, gate: string, agents: Set<string>, window: Span): GateCounts {
  const counts: GateCounts = { nudges: 0, reboots: 0, rateLimitWaits: 0, escalations: 0 };
  for (const { event: e, phase: p, key } of extra.counted) {
    if (p !== phase || e.at < window.from || e.at > window.to) continue;
    if (e.gate !== undefined ? e.gate === gate : !e.agent || agents.has(e.agent)) counts[key]++;
  }
  return counts;
}

/**
 * The phase each event belongs to, as `buildMetrics` counts it: its own, else the phase running
 * then (none between a phase's end and the next one's start); events before any phase had a name
 * belong to the first one named.
 */
function eventPhases(events: readonly StewardEvent[]): (string | null)[] {
  const out: (string | null)[] = [];
  const pending: number[] = [];
  let first: string | null = null;
  let current: string | null = null;
  let completed = false;
  events.forEach((e, i) => {
    if (e.phase && first === null) {
      first = e.phase;
      if (current === null && !completed) current = e.phase;
      for (const j of pending.splice(0)) out[j] = first;
    }
    const phase = e.phase ?? current;
    out[i] = phase;
    if (phase === null && first === null) pending.push(i);
    if (e.type === 'phase_started') {
      completed = false;
      if (e.phase) current = e.phase;
    } else if (e.type === 'phase_completed') {
      if (current === phase) current = null;
    } else if (e.type === 'sequence_completed') {
      completed = true;
      current = null;
    } else if (e.type === 'phases_appended') completed = false;
  });
  return out;
}

function foldExtras(events: readonly StewardEvent[], metrics: BuildMetrics, now: number): Extras {
  const end = metrics.build.endedAt ?? now;
  const phases = eventPhases(events);
  const extra: Extras = { completions: new Map(), phaseAgents: new Map(), rateLimits: [], counted: [], end };
  const limitedSince = new Map<string, number>();
  events.forEach((e, i) => {
    const phase = phases[i];
    if (phase !== null) {
      let agents = extra.phaseAgents.get(phase);
      if (!agents) extra.phaseAgents.set(phase, (agents = new Set()));
      for (const a of [e.agent, e.builder, e.reviewer, ...Object.keys(e.byAgent ?? {})]) if (a) agents.add(a);
      if (e.type === 'phase_completed') {
        extra.completions.set(phase, e.message.endsWith(ADVANCED_BY_OPERATOR) ? 'advanced' : 'passed');
      }
    }
    const key = countKey(e.type);
    if (key) extra.counted.push({ event: e, phase, key });
    if (e.type === 'agent_rate_limited' && e.agent && !limitedSince.has(e.agent)) limitedSince.set(e.agent, e.at);
    if (e.type === 'agent_resumed' && e.agent) {
      const from = e.durationMs !== undefined ? e.at - e.durationMs : limitedSince.get(e.agent);
      if (from !== undefined) extra.rateLimits.push({ from, to: e.at });
      limitedSince.delete(e.agent);
    }
  });
  for (const from of limitedSince.values()) extra.rateLimits.push({ from, to: Math.max(from, end) });
  return extra;
}
