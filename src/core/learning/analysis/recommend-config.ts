/**
 * The config-edit rules: each proposes the exact edit (`ConfigEdit`: TOML path, old value, new
 * value, basis). They calibrate rather than warn (severity low), so they do not keep `healthy`
 * from firing.
 * - `budget-from-cost`: `budget.phase.usd` = the p90 of the phases' cost × 1.25, rounded up to a
 *   cent, over `min_samples` priced phases or more; proposed when the config sets no phase budget
 *   (or is not known) or its budget differs from that by more than 25 %;
 * - `model-change`: an agent whose current model (the one of its latest gate) costs
 *   `agent_cost_multiple` times or more per passed gate than another model cost the same agent in
 *   earlier records (each with `min_samples` gates or more): the edit sets `--model` in its
 *   backend's `args` (only when the config is known: otherwise no edit);
 * - `stall-idle-calibration`: `watchdog.stall_idle` = the p95 of the agents' quiet spells (idle
 *   spells that ended with the agent busy again by itself, quiet-spells.ts) × 1.5, rounded up to a
 *   minute, over `min_samples` spells or more; proposed when it differs from the current value by
 *   more than 25 % (or the current value is not known).
 * Pure.
 */
import { formatDuration } from '../../config/durations';
import type { GateRecord, Recommendation } from '../types';
import { recordTime } from './groups';
import { percentileOf } from './robust';
import { EPSILON, recommend, type Rule, type RuleContext } from './rule-kit';
import { span, trim, usd } from './words';

/** budget.phase.usd = p90 phase cost × this. */
export const BUDGET_HEADROOM = 1.25;
/** watchdog.stall_idle = p95 quiet spell × this. */
export const STALL_IDLE_HEADROOM = 1.5;
/** A calibration is proposed only when it moves the value by more than this share. */
export const RECALIBRATE_SHARE = 0.25;

const MINUTE_MS = 60_000;

const differsEnough = (proposed: number, current: number | null | undefined): boolean =>
  current === null ||
  current === undefined ||
  current <= 0 ||
  Math.abs(proposed - current) / current > RECALIBRATE_SHARE;

/** Dollars rounded up to a cent (a hair of float noise is not a cent more). */
export function ceilCents(amount: number): number {
  return Math.ceil(amount * 100 - EPSILON) / 100;
}

const budgetFromCost: Rule = (ctx) => {
  const costs = ctx.groups.phases.flatMap((p) => (p.costUsd > 0 ? [p.costUsd] : []));
  if (costs.length < ctx.thresholds.min_samples) return [];
  const p90 = percentileOf(costs, 90)!;
  const proposed = ceilCents(p90 * BUDGET_HEADROOM);
  const current = ctx.options.config?.budgetPhaseUsd;
  if (!differsEnough(proposed, current)) return [];
  const now =
    current === null || current === undefined ? 'no phase budget is set' : `the phase budget is ${usd(current)}`;
  return [
    recommend({
      rule: 'budget-from-cost',
      severity: 'low',
      category: 'config',
      finding: `Phases cost up to ${usd(p90)} (p90 of ${costs.length} phases); ${now}.`,
      recommendation: `Set budget.phase.usd to ${usd(proposed)}, so a phase that costs well beyond the usual is flagged while it runs.`,
      figures: { phases: costs.length, p90Usd: p90, proposedUsd: proposed, currentUsd: current ?? null },
      edit: {
        path: 'budget.phase.usd',
        old: current ?? null,
        new: proposed,
        basis: `p90 phase cost ${usd(p90)} over ${costs.length} phases × ${BUDGET_HEADROOM}, rounded up to a cent`,
      },
    }),
  ];
};

const stallIdleCalibration: Rule = (ctx) => {
  const byAgent = ctx.options.quietSpellsMs;
  if (!byAgent) return [];
  const spells = Object.values(byAgent).flatMap((list) => list.filter((ms) => ms > 0));
  if (spells.length < ctx.thresholds.min_samples) return [];
  const p95 = percentileOf(spells, 95)!;
  const proposed = Math.max(MINUTE_MS, Math.ceil((p95 * STALL_IDLE_HEADROOM) / MINUTE_MS - EPSILON) * MINUTE_MS);
  const current = ctx.options.config?.stallIdleMs;
  if (!differsEnough(proposed, current)) return [];
  const effect =
    current === undefined
      ? `stall_idle should be about ${span(proposed)}`
      : proposed > current
        ? `a stall_idle of ${span(current)} nudges agents that are still working`
        : `a stall_idle of ${span(current)} leaves a stalled agent waiting longer than needed`;
  return [
    recommend({
      rule: 'stall-idle-calibration',
      severity: 'low',
      category: 'config',
      finding: `Agents came back from quiet spells by themselves after up to ${span(p95)} (p95 of ${spells.length} spells); ${effect}.`,
      recommendation: `Set watchdog.stall_idle to "${formatDuration(proposed)}".`,
      figures: {
        spells: spells.length,
        agents: Object.keys(byAgent).length,
        p95Ms: p95,
        proposedMs: proposed,
        currentMs: current ?? null,
      },
      edit: {
        path: 'watchdog.stall_idle',
        old: current === undefined ? null : formatDuration(current),
        new: formatDuration(proposed),
        basis: `p95 quiet spell ${span(p95)} over ${spells.length} spells × ${STALL_IDLE_HEADROOM}, rounded up to a minute`,
      },
    }),
  ];
};

interface ModelCost {
  model: string;
  gates: number;
  passed: number;
  costUsd: number;
  lastAt: number;
  costPerPassed: number | null;
}

function modelCost(model: string, gates: readonly GateRecord[]): ModelCost {
  let passed = 0;
  let costUsd = 0;
  let lastAt = -Infinity;
  for (const g of gates) {
    if (g.outcome === 'passed') passed++;
    costUsd += g.costUsd;
    lastAt = Math.max(lastAt, recordTime(g));
  }
  return { model, gates: gates.length, passed, costUsd, lastAt, costPerPassed: passed > 0 ? costUsd / passed : null };
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const tomlKey = (key: string) => (BARE_KEY.test(key) ? key : JSON.stringify(key));

/** `args` with `--model <model>` (replacing a `--model x` or `--model=x` already there). */
export function argsWithModel(args: readonly string[], model: string): string[] {
  const out = [...args];
  const at = out.findIndex((a) => a === '--model' || a.startsWith('--model='));
  if (at < 0) return [...out, '--model', model];
  if (out[at] === '--model' && at + 1 < out.length) out[at + 1] = model;
  else if (out[at] === '--model') out.push(model);
  else out[at] = `--model=${model}`;
  return out;
}

function modelChangeFor(
  ctx: RuleContext,
  agent: string,
  byModel: ReadonlyMap<string, readonly GateRecord[]>,
): Recommendation[] {
  const min = ctx.thresholds.min_samples;
  const costs = [...byModel].map(([model, gates]) => modelCost(model, gates));
  const current = costs.reduce((a, b) => (b.lastAt > a.lastAt ? b : a));
  if (current.gates < min || current.costPerPassed === null) return [];
  const earlier = costs.filter(
    (c) => c !== current && c.gates >= min && c.costPerPassed !== null && c.costPerPassed > 0,
  );
  if (earlier.length === 0) return [];
  const best = earlier.reduce((a, b) => (b.costPerPassed! < a.costPerPassed! ? b : a));
  const multiple = current.costPerPassed / best.costPerPassed!;
  if (multiple < ctx.thresholds.agent_cost_multiple - EPSILON) return [];
  const basis = `${agent} cost ${usd(current.costPerPassed)} per passed gate with ${current.model} (${current.gates} gates), ${usd(best.costPerPassed!)} with ${best.model} (${best.gates} gates, earlier): ${trim(multiple)}×`;
  const known = ctx.options.config?.agents?.[agent];
  const sharing = known
    ? Object.entries(ctx.options.config?.agents ?? {})
        .filter(([name, a]) => name !== agent && a.backend === known.backend)
        .map(([name]) => name)
    : [];
  const shared =
    sharing.length > 0
      ? `; backend ${known!.backend} is shared with ${sharing.join(', ')}: give ${agent} a backend of its own to change it alone`
      : '';
  return [
    recommend({
      rule: 'model-change',
      severity: 'low',
      category: 'cost',
      finding: `${basis}.`,
      recommendation: known
        ? `Run ${agent} on ${best.model} again${shared}.`
        : `Run ${agent} on ${best.model} again (steward retro --config <agents.toml> names the exact edit).`,
      figures: {
        agent,
        currentModel: current.model,
        currentCostPerPassedUsd: current.costPerPassed,
        currentGates: current.gates,
        cheaperModel: best.model,
        cheaperCostPerPassedUsd: best.costPerPassed,
        cheaperGates: best.gates,
        multiple,
      },
      subject: { agent, model: current.model },
      edit: known
        ? {
            path: `backend.${tomlKey(known.backend)}.args`,
            old: [...known.args],
            new: argsWithModel(known.args, best.model),
            basis: basis + shared,
          }
        : undefined,
    }),
  ];
}

const modelChange: Rule = (ctx) =>
  [...ctx.groups.gatesByBuilderModel]
    .filter(([, byModel]) => byModel.size >= 2)
    .flatMap(([agent, byModel]) => modelChangeFor(ctx, agent, byModel));

export const configRules: Rule[] = [budgetFromCost, modelChange, stallIdleCalibration];
