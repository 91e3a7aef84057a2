/**
 * A generated retro store: `builds` builds, one a day, each of three phases (p1, p2, p3) and ten
 * gates, with effects planted on purpose (each can be left out) and seeded noise elsewhere.
 *
 * Each build: p1 `p1-gate`, 2 × `feature-<n>`; p2 `p2-gate`, 2 × `feature-<n>`, `migration-<n>`;
 * p3 `p3-gate`, `feature-<n>`, `fix-<hex>`. Builders alternate (builder-a, builder-b); every gate is
 * reviewed by `correctness`, one non-migration gate a build also by `strict`. With the trend
 * window of 10 days, each window holds 10 builds = 100 gates and 30 phases.
 *
 * Baseline (always): `correctness` fails the first claim of one gate in builds with i mod 10 ∈
 * {2, 5, 8} (3 per window); durations and costs are uniform around a base per type (×0.5–1.5 for
 * gates, ×0.8–1.2 for phases), so no type is long and nothing is an outlier; phase p3 of build 15
 * is advanced by an operator (once: not a repeat), phase p2 of build 5 had a reboot (one build:
 * not a repeat); agents are rate-limited for 0–5 % of a phase.
 *
 * Planted (`plant`, all on by default):
 * - `trend`: in the last 10 builds 2 more gates each fail their first claim: the first-pass rate
 *   falls from 82 % to 62 % (20 points) in the last window;
 * - `failingType`: `migration-*` fails its first review in 70 % of builds (i mod 10 < 7; off: 10 %);
 * - `repeat`: the baseline failure of build 22 (a `fix-*` gate) fails 3 times before it passes;
 * - `outliers`: two `feature-*` gates (builds 10 and 30) take 5× the type's base (its median),
 *   one (build 40) 2×, which must not count;
 * - `harshReviewer`: `strict` fails 80 % of the first claims it reviews (i mod 10 < 8; off: 10 %).
 */
import type { GateRecord, PhaseRecord, RetroRecord } from '../../../src/core/learning/types';

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
export const FIXTURE_START = Date.UTC(2026, 0, 1);
export const FIXTURE_WINDOW_MS = 10 * DAY_MS;
export const FIXTURE_MODEL = 'claude-sonnet-4-5';

export type Plant = 'trend' | 'failingType' | 'repeat' | 'outliers' | 'harshReviewer';

export interface FixtureOptions {
  builds?: number;
  seed?: number;
  plant?: Partial<Record<Plant, boolean>>;
  /** Between build starts (default a day). */
  spacingMs?: number;
}

export interface RetroStoreFixture {
  records: RetroRecord[];
  /** The end of the last build's day: the analysis' `now`. */
  now: number;
  windowMs: number;
  planted: {
    repeatGateId: string;
    outlierIds: string[];
    notOutlierId: string;
  };
}

/** A Park–Miller (minimal standard) generator: seeded, the same numbers on every machine; plenty for noise. */
function random(seed: number): () => number {
  let state = (Math.abs(Math.trunc(seed)) % 2147483646) + 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

interface GateSpec {
  phase: string;
  label: string;
  baseMs: number;
  baseUsd: number;
  /** Failing reviewers per failed attempt (attempt 1 first). */
  fails: string[];
  strict: boolean;
  durationMs?: number;
}

const PHASES = [
  { id: 'p1', offsetMs: 0 },
  { id: 'p2', offsetMs: 7.5 * HOUR_MS },
  { id: 'p3', offsetMs: 15 * HOUR_MS },
];
/** Gate positions 0–9 of a build; the non-migration ones are NON_MIGRATION. */
const MIGRATION = 5;
const NON_MIGRATION = [0, 1, 2, 3, 4, 6, 7, 8, 9];

const ZERO_TOKENS = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

function gateSpecs(i: number, hex: string): GateSpec[] {
  const feature = (k: number) => `feature-${i * 5 + k}`;
  const spec = (phase: string, label: string, baseMs: number, baseUsd: number): GateSpec => ({
    phase,
    label,
    baseMs,
    baseUsd,
    fails: [],
    strict: false,
  });
  return [
    spec('p1', 'p1-gate', 2 * HOUR_MS, 1.2),
    spec('p1', feature(1), HOUR_MS, 0.8),
    spec('p1', feature(2), HOUR_MS, 0.8),
    spec('p2', 'p2-gate', 2 * HOUR_MS, 1.2),
    spec('p2', feature(3), HOUR_MS, 0.8),
    spec('p2', `migration-${i}`, 1.5 * HOUR_MS, 1),
    spec('p2', feature(4), HOUR_MS, 0.8),
    spec('p3', 'p3-gate', 2 * HOUR_MS, 1.2),
    spec('p3', feature(5), HOUR_MS, 0.8),
    spec('p3', `fix-${hex}`, 0.5 * HOUR_MS, 0.5),
  ];
}

/** Who fails which gate of build i (see the module comment). */
function plantFailures(i: number, builds: number, gates: GateSpec[], plant: Record<Plant, boolean>): void {
  const s = i % 9;
  const at = (k: number) => gates[NON_MIGRATION[(s + k) % 9]];
  at(0).strict = true;
  if (i % 10 < (plant.harshReviewer ? 8 : 1)) at(0).fails.push('strict');
  if (i % 10 < (plant.failingType ? 7 : 1)) gates[MIGRATION].fails.push('correctness');
  if ([2, 5, 8].includes(i % 10)) {
    const base = at(4);
    base.fails.push('correctness');
    if (plant.repeat && i === 22) base.fails.push('correctness', 'correctness');
  }
  if (plant.trend && i >= builds - 10) {
    at(2).fails.push('correctness');
    at(6).fails.push('correctness');
  }
}

function gateRecord(
  g: GateSpec,
  n: number,
  build: { name: string; startedAt: number; builder: string },
  startedAt: number,
  rnd: () => number,
): GateRecord {
  const reviewers = g.strict ? ['correctness', 'strict'] : ['correctness'];
  const rounds = g.fails.length + 1;
  const durationMs = g.durationMs ?? Math.round(g.baseMs * (0.5 + rnd()));
  const endedAt = startedAt + durationMs;
  const verdicts: GateRecord['verdicts'] = [];
  for (let attempt = 1; attempt <= rounds; attempt++) {
    const failing = g.fails[attempt - 1];
    for (const reviewer of reviewers) {
      const verdict = reviewer === failing ? 'fail' : 'pass';
      verdicts.push({ reviewer, verdict, attempt, at: startedAt + (attempt * durationMs) / rounds });
    }
  }
  const agents = [build.builder, ...reviewers];
  return {
    v: 1,
    kind: 'gate',
    id: `${build.name}@${build.startedAt}/${g.phase}/${g.label}#${n}`,
    build: build.name,
    buildStartedAt: build.startedAt,
    configHash: 'cfg1',
    phase: g.phase,
    outcome: 'passed',
    startedAt,
    endedAt,
    durationMs,
    tokens: ZERO_TOKENS,
    costUsd: Math.round(g.baseUsd * (0.5 + rnd()) * 1e6) / 1e6,
    models: Object.fromEntries(agents.map((a) => [a, [FIXTURE_MODEL]])),
    recordedAt: endedAt,
    gate: g.label,
    builder: build.builder,
    reviewers,
    agents,
    rounds,
    verdicts,
    firstPass: rounds === 1,
    timeToFirstReviewMs: 600_000,
    nudges: 0,
    reboots: 0,
    rateLimitWaits: 0,
    escalations: 0,
  };
}

function phaseRecord(
  id: string,
  build: { name: string; startedAt: number; builder: string },
  startedAt: number,
  gates: GateRecord[],
  rnd: () => number,
  extra: Partial<PhaseRecord>,
): PhaseRecord {
  const durationMs = Math.round(6 * HOUR_MS * (0.8 + 0.4 * rnd()));
  const endedAt = startedAt + durationMs;
  return {
    v: 1,
    kind: 'phase',
    id: `${build.name}@${build.startedAt}/${id}`,
    build: build.name,
    buildStartedAt: build.startedAt,
    configHash: 'cfg1',
    phase: id,
    outcome: 'passed',
    startedAt,
    endedAt,
    durationMs,
    tokens: ZERO_TOKENS,
    costUsd: Math.round(4 * (0.8 + 0.4 * rnd()) * 1e6) / 1e6,
    models: { [build.builder]: [FIXTURE_MODEL], correctness: [FIXTURE_MODEL] },
    recordedAt: endedAt,
    agents: [...new Set(gates.flatMap((g) => g.agents))],
    gatesPassed: gates.length,
    gatesFailed: 0,
    nudges: 0,
    reboots: 0,
    rateLimitWaits: 0,
    rateLimitedMs: Math.round(durationMs * 0.05 * rnd()),
    escalations: 0,
    ...extra,
  };
}

export function retroStoreFixture(options: FixtureOptions = {}): RetroStoreFixture {
  const builds = options.builds ?? 70;
  const spacing = options.spacingMs ?? DAY_MS;
  const plant: Record<Plant, boolean> = {
    trend: true,
    failingType: true,
    repeat: true,
    outliers: true,
    harshReviewer: true,
    ...options.plant,
  };
  const rnd = random(options.seed ?? 7);
  const records: RetroRecord[] = [];
  const planted: RetroStoreFixture['planted'] = { repeatGateId: '', outlierIds: [], notOutlierId: '' };
  for (let i = 0; i < builds; i++) {
    const startedAt = FIXTURE_START + i * spacing + HOUR_MS;
    const build = { name: `demo-${i}`, startedAt, builder: i % 2 === 0 ? 'builder-a' : 'builder-b' };
    const hex = `${Math.floor(rnd() * 0xfffff)
      .toString(16)
      .padStart(5, 'a')}${i % 10}`;
    const specs = gateSpecs(i, hex);
    plantFailures(i, builds, specs, plant);
    const outlier = plant.outliers ? ({ 10: 5, 30: 5, 40: 2 } as Record<number, number>)[i] : undefined;
    if (outlier !== undefined) specs[1].durationMs = outlier * HOUR_MS;
    for (const phase of PHASES) {
      const phaseStart = startedAt + phase.offsetMs;
      const gates = specs
        .filter((g) => g.phase === phase.id)
        .map((g, k) => gateRecord(g, 1, build, phaseStart + k * 0.5 * HOUR_MS, rnd));
      const extra: Partial<PhaseRecord> =
        i === 15 && phase.id === 'p3' ? { outcome: 'advanced' } : i === 5 && phase.id === 'p2' ? { reboots: 1 } : {};
      records.push(...gates, phaseRecord(phase.id, build, phaseStart, gates, rnd, extra));
      for (const g of gates) {
        if (plant.repeat && i === 22 && g.rounds === 4) planted.repeatGateId = g.id;
        if (outlier !== undefined && g.gate === specs[1].label) {
          if (outlier === 5) planted.outlierIds.push(g.id);
          else planted.notOutlierId = g.id;
        }
      }
    }
  }
  return { records, now: FIXTURE_START + builds * spacing, windowMs: FIXTURE_WINDOW_MS, planted };
}
