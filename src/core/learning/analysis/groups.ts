/**
 * The one pass over the retro records: each record in range lands in the groups the analysis
 * reads (its window, its type, its builder, its model). Everything after works per group, so a
 * long store costs one pass and a sort per group. Pure.
 */
import type { GateRecord, PhaseRecord, RetroRecord } from '../types';
import { gatePatternCache } from './gate-pattern';

/** When a record counts as having happened: its end, else its start, else when it was written. */
export function recordTime(r: RetroRecord): number {
  return r.endedAt ?? r.startedAt ?? r.recordedAt;
}

/** The fail verdicts a gate received, over all its rounds and reviewers. */
export function failVerdicts(g: GateRecord): number {
  let n = 0;
  for (const v of g.verdicts) if (v.verdict === 'fail') n++;
  return n;
}

/** The models a gate's builder used, each once; none when the record does not say. */
export function builderModels(g: GateRecord): string[] {
  const models = g.builder === null ? undefined : g.models?.[g.builder];
  return models ? [...new Set(models)] : [];
}

/** A half-open span of time (from, to]. */
export interface Span {
  from: number;
  to: number;
}

export interface WindowRecords {
  gates: GateRecord[];
  phases: PhaseRecord[];
}

export interface RecordGroups {
  gates: GateRecord[];
  phases: PhaseRecord[];
  current: WindowRecords;
  previous: WindowRecords;
  gatesByPattern: Map<string, GateRecord[]>;
  phasesById: Map<string, PhaseRecord[]>;
  /** Phase id → gate records in phases of that id. */
  gatesPerPhase: Map<string, number>;
  gatesByBuilder: Map<string, GateRecord[]>;
  gatesByModel: Map<string, GateRecord[]>;
  /** Builder → model → its gates built with that model. */
  gatesByBuilderModel: Map<string, Map<string, GateRecord[]>>;
  /** Distinct builds (name and start) among the records counted. */
  builds: number;
  /** Records outside [since, now]. */
  leftOut: number;
  /** When the newest record counted ended; null for none. */
  newestAt: number | null;
  patternOf(label: string): string;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const inSpan = (at: number, span: Span) => at > span.from && at <= span.to;

export function groupRecords(
  records: readonly RetroRecord[],
  range: { since?: number; now: number },
  current: Span,
  previous: Span,
): RecordGroups {
  const patternOf = gatePatternCache();
  const g: RecordGroups = {
    gates: [],
    phases: [],
    current: { gates: [], phases: [] },
    previous: { gates: [], phases: [] },
    gatesByPattern: new Map(),
    phasesById: new Map(),
    gatesPerPhase: new Map(),
    gatesByBuilder: new Map(),
    gatesByModel: new Map(),
    gatesByBuilderModel: new Map(),
    builds: 0,
    leftOut: 0,
    newestAt: null,
    patternOf,
  };
  const builds = new Set<string>();
  for (const r of records) {
    const at = recordTime(r);
    if (at > range.now || (range.since !== undefined && at < range.since)) {
      g.leftOut++;
      continue;
    }
    builds.add(`${r.build}@${r.buildStartedAt}`);
    if (g.newestAt === null || at > g.newestAt) g.newestAt = at;
    const window = inSpan(at, current) ? g.current : inSpan(at, previous) ? g.previous : null;
    if (r.kind === 'phase') {
      g.phases.push(r);
      window?.phases.push(r);
      push(g.phasesById, r.phase, r);
      continue;
    }
    g.gates.push(r);
    window?.gates.push(r);
    push(g.gatesByPattern, patternOf(r.gate), r);
    g.gatesPerPhase.set(r.phase, (g.gatesPerPhase.get(r.phase) ?? 0) + 1);
    if (r.builder === null) continue;
    push(g.gatesByBuilder, r.builder, r);
    for (const model of builderModels(r)) {
      push(g.gatesByModel, model, r);
      let byModel = g.gatesByBuilderModel.get(r.builder);
      if (!byModel) g.gatesByBuilderModel.set(r.builder, (byModel = new Map()));
      push(byModel, model, r);
    }
  }
  g.builds = builds.size;
  return g;
}
