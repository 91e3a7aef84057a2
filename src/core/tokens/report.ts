/**
 * A costed summary of a ledger: what `steward tokens scan --json` prints and what per-build
 * views can reuse. Pure. Field names are snake_case to match the transcripts' own usage fields.
 */
import type { TokenUsage, UsageFigures } from '../state/tokens';
import { roundUsd } from './format';
import type { LedgerLimit, LedgerTotals } from './ledger';
import { priceUsage, type PriceTable } from './pricing';
import { addUsageInto, usageFigures, zeroUsage } from './usage';

/** cost_usd covers the priced models only; unpriced_models says what it leaves out. */
export interface CostedFigures extends UsageFigures {
  cost_usd: number;
  unpriced_models: string[];
  messages: number;
}

export interface ModelReport extends UsageFigures {
  model: string;
  messages: number;
  /** null: the model is not in the price table (never reported as $0). */
  cost_usd: number | null;
}

export interface SessionReport extends CostedFigures {
  session_id: string;
  source: string;
  models: string[];
}

export interface SourceReport extends CostedFigures {
  source: string;
}

export interface LedgerReport {
  total: UsageFigures & { cost_usd: number };
  unpriced_models: string[];
  sessions: SessionReport[];
  models: ModelReport[];
  sources: SourceReport[];
  limits: LedgerLimit[];
  messages: number;
  duplicates: number;
}

interface Acc {
  usage: TokenUsage;
  usd: number;
  messages: number;
  models: Set<string>;
  unpriced: Set<string>;
}

function accumulate(
  groups: Map<string, Acc>,
  name: string,
  model: string,
  usage: TokenUsage,
  messages: number,
  prices: PriceTable,
): void {
  let acc = groups.get(name);
  if (!acc)
    groups.set(name, (acc = { usage: zeroUsage(), usd: 0, messages: 0, models: new Set(), unpriced: new Set() }));
  addUsageInto(acc.usage, usage);
  acc.messages += messages;
  acc.models.add(model);
  const price = priceUsage(model, usage, prices);
  if ('usd' in price) acc.usd += price.usd;
  else acc.unpriced.add(model);
}

function costed(acc: Acc): CostedFigures {
  return {
    ...usageFigures(acc.usage),
    cost_usd: roundUsd(acc.usd),
    unpriced_models: [...acc.unpriced].sort(),
    messages: acc.messages,
  };
}

/** Most expensive first; ties by name, so the output is stable. */
function byCost<T extends { cost_usd: number | null }>(name: (t: T) => string) {
  return (a: T, b: T): number => (b.cost_usd ?? -1) - (a.cost_usd ?? -1) || name(a).localeCompare(name(b));
}

/** The ledger's figures, costed with `prices` (a build's `[prices]`) over the built-in table. */
export function reportLedger(state: LedgerTotals, prices: PriceTable = {}): LedgerReport {
  const bySession = new Map<string, Acc>();
  const sessionSource = new Map<string, string>();
  const byModel = new Map<string, Acc>();
  const bySource = new Map<string, Acc>();
  const total = new Map<string, Acc>();
  for (const b of state.buckets) {
    accumulate(bySession, b.sessionId, b.model, b.usage, b.messages, prices);
    if (!sessionSource.has(b.sessionId)) sessionSource.set(b.sessionId, b.source);
    accumulate(byModel, b.model, b.model, b.usage, b.messages, prices);
    accumulate(bySource, b.source, b.model, b.usage, b.messages, prices);
    accumulate(total, '', b.model, b.usage, b.messages, prices);
  }
  const all = total.get('') ?? { usage: zeroUsage(), usd: 0, messages: 0, models: new Set(), unpriced: new Set() };
  return {
    total: { ...usageFigures(all.usage), cost_usd: roundUsd(all.usd) },
    unpriced_models: [...all.unpriced].sort(),
    sessions: [...bySession]
      .map(([id, acc]) => ({
        session_id: id,
        source: sessionSource.get(id) ?? '',
        ...costed(acc),
        models: [...acc.models].sort(),
      }))
      .sort(byCost((s) => s.session_id)),
    models: [...byModel]
      .map(([model, acc]) => ({
        model,
        ...usageFigures(acc.usage),
        messages: acc.messages,
        cost_usd: acc.unpriced.size > 0 ? null : roundUsd(acc.usd),
      }))
      .sort(byCost((m) => m.model)),
    sources: [...bySource].map(([source, acc]) => ({ source, ...costed(acc) })).sort(byCost((s) => s.source)),
    limits: state.limits.map((l) => ({ ...l })),
    messages: state.stats.counted,
    duplicates: state.stats.duplicates + state.stats.grown,
  };
}
