/**
 * `steward tokens`: a build's token records and totals as rows — per phase, per gate or per agent
 * — from the status query (`tokens.records`, the last few; `tokens.totals`) and the state dir's
 * token-log.jsonl (every record). Pure: the command gathers the inputs, this shapes and prints.
 */
import type { PerAgentUsage, TokenAccountingState, TokenFigures, TokenRecord } from '../../core/state/tokens';
import { formatUsd, isoSeconds, roundUsd } from '../../core/tokens/format';
import { windowRecord } from '../../core/tokens/token-log';
import { tokenFigures } from '../../core/tokens/usage';
import { int } from './format';

export type TokensBy = 'phase' | 'gate' | 'agent';
export const TOKENS_BY: readonly TokensBy[] = ['phase', 'gate', 'agent'];

/** One per-agent row of `--by agent`. `cost_usd` is null when only the log's records were summed (they carry no per-agent cost). */
export interface AgentTokensRow extends TokenFigures {
  agent: string;
  cost_usd: number | null;
  unpriced_models: string[];
}

export interface TokensTotals extends TokenFigures {
  cost_usd: number;
  unpriced_models: string[];
  /** 'status': the agents' cumulative totals from the status query; 'token-log': the sum of the phase records. */
  source: 'status' | 'token-log';
}

/** The build a report is about (from its workflow handle) and the rows asked for. */
interface ReportedBuild {
  build: string;
  workflowId: string;
  runId: string;
  workflowStatus: string;
  /** Steward's status (running, paused, completed, …); null when the status query did not answer. */
  status: string | null;
  by: TokensBy;
}

export interface TokensReport extends ReportedBuild {
  tokenLog: { file: string | null; found: boolean; records: number };
  /** `--by phase`/`gate`: the finished windows' records, exactly as in token-log.jsonl, oldest first. `--by agent`: one row per agent. */
  rows: TokenRecord[] | AgentTokensRow[];
  /** Windows still open (the current phase, the current gate), as records ending now; not in the log yet. */
  open: TokenRecord[];
  totals: TokensTotals | null;
  notes: string[];
}

/** What the status query says about tokens (the part of TokenAccountingState this needs). */
export type TokenView = Pick<TokenAccountingState, 'records' | 'totals' | 'costUsd'> &
  Partial<Pick<TokenAccountingState, 'phaseStart' | 'gate' | 'build'>>;

// ---- reading token-log.jsonl ----

function isRecord(v: unknown): v is TokenRecord {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.phase_id === 'string' &&
    typeof o.started === 'string' &&
    typeof o.ended === 'string' &&
    typeof o.total === 'object' &&
    o.total !== null
  );
}

/** The records of token-log.jsonl text; torn or foreign lines are counted and skipped. */
export function parseTokenLog(text: string): { records: TokenRecord[]; skipped: number } {
  const records: TokenRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v: unknown = JSON.parse(line);
      if (isRecord(v)) records.push(v);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

const recordKey = (r: TokenRecord) => `${r.phase_id}\u0000${r.started}\u0000${r.ended}`;

/**
 * The build's records: the log's (all of them) and the status query's recent ones, each once,
 * oldest first (a gate before its phase rollup, as written). `since`/`until` (epoch ms) keep out
 * records of other runs of a build of the same name, which share the state dir and its log.
 */
export function mergeRecords(
  log: TokenRecord[] | null,
  recent: TokenRecord[],
  since: number | null,
  until: number | null,
): TokenRecord[] {
  const seen = new Set<string>();
  const out: TokenRecord[] = [];
  for (const r of [...(log ?? []), ...recent]) {
    const key = recordKey(r);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  const from = since !== null ? isoSeconds(since) : null;
  const to = until !== null ? isoSeconds(until) : null;
  // A stable sort on the end time: records written in one tick keep their written order.
  return out
    .filter((r) => (from === null || r.started >= from) && (to === null || r.started <= to))
    .sort((a, b) => (a.ended < b.ended ? -1 : a.ended > b.ended ? 1 : 0));
}

export const isGateRecord = (r: TokenRecord): boolean => r.phase_id.includes(':');

// ---- rows ----

function zeroFigures(): TokenFigures {
  return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, total: 0 };
}

function addFigures(into: TokenFigures, f: TokenFigures): void {
  into.input_tokens += f.input_tokens;
  into.output_tokens += f.output_tokens;
  into.cache_creation_input_tokens += f.cache_creation_input_tokens;
  into.cache_read_input_tokens += f.cache_read_input_tokens;
  into.total += f.total;
}

/** Per-agent rows from the cumulative totals of the status query. */
export function agentRowsFromTotals(totals: PerAgentUsage): AgentTokensRow[] {
  return Object.keys(totals)
    .sort()
    .map((agent) => {
      const t = totals[agent]!;
      return {
        agent,
        ...tokenFigures(t.usage),
        cost_usd: roundUsd(t.costUsd),
        unpriced_models: [...t.unpriced].sort(),
      };
    });
}

/** Per-agent sums over the phase records (each phase once; gates are parts of phases). No per-agent cost. */
export function agentRowsFromRecords(records: TokenRecord[]): AgentTokensRow[] {
  const sums = new Map<string, TokenFigures>();
  for (const r of records.filter((x) => !isGateRecord(x))) {
    for (const [agent, f] of Object.entries(r.agents)) {
      const s = sums.get(agent) ?? zeroFigures();
      addFigures(s, f);
      sums.set(agent, s);
    }
  }
  return [...sums.keys()].sort().map((agent) => ({ agent, ...sums.get(agent)!, cost_usd: null, unpriced_models: [] }));
}

export function totalsFromStatus(totals: PerAgentUsage, costUsd: number): TokensTotals {
  const sum = zeroFigures();
  const unpriced = new Set<string>();
  for (const row of agentRowsFromTotals(totals)) {
    addFigures(sum, row);
    row.unpriced_models.forEach((m) => unpriced.add(m));
  }
  return { ...sum, cost_usd: roundUsd(costUsd), unpriced_models: [...unpriced].sort(), source: 'status' };
}

export function totalsFromRecords(records: TokenRecord[]): TokensTotals | null {
  const phases = records.filter((r) => !isGateRecord(r));
  if (phases.length === 0) return null;
  const sum = zeroFigures();
  const unpriced = new Set<string>();
  let cost = 0;
  for (const r of phases) {
    addFigures(sum, r.total);
    cost += r.cost_usd;
    r.unpriced_models.forEach((m) => unpriced.add(m));
  }
  return { ...sum, cost_usd: roundUsd(cost), unpriced_models: [...unpriced].sort(), source: 'token-log' };
}

/** The windows still open at `now`: the current phase and the current gate, as records ending now. */
export function openWindows(tokens: TokenView, now: number): TokenRecord[] {
  const out: TokenRecord[] = [];
  if (tokens.gate) out.push(windowRecord(`${tokens.gate.phase}:${tokens.gate.label}`, tokens.gate, tokens.totals, now));
  if (tokens.phaseStart) out.push(windowRecord(tokens.phaseStart.phase, tokens.phaseStart, tokens.totals, now));
  return out;
}

export interface TokensInputs extends ReportedBuild {
  /** The status query's tokens, or null when it did not answer. */
  tokens: TokenView | null;
  /** token-log.jsonl: where it was looked for, and its records (null: not found or unreadable). */
  log: { file: string | null; records: TokenRecord[] | null; problem?: string };
  /** Epoch ms bounds of this build (see mergeRecords). */
  since: number | null;
  until: number | null;
  now: number;
}

export function tokensReport(i: TokensInputs): TokensReport {
  const notes: string[] = [];
  const records = mergeRecords(i.log.records, i.tokens?.records ?? [], i.since, i.until);
  if (i.log.records === null) {
    const why = i.log.problem ?? (i.log.file ? `no ${i.log.file} on this host` : "the build's state dir is unknown");
    notes.push(
      `token-log.jsonl not read (${why}): only the build's last ${i.tokens?.records.length ?? 0} records are shown`,
    );
  }
  const open =
    i.tokens && i.by !== 'agent'
      ? openWindows(i.tokens, i.now).filter((r) => isGateRecord(r) === (i.by === 'gate'))
      : [];
  let rows: TokenRecord[] | AgentTokensRow[];
  if (i.by === 'agent') {
    rows = i.tokens ? agentRowsFromTotals(i.tokens.totals) : agentRowsFromRecords(records);
    if (!i.tokens)
      notes.push('per-agent sums of the phase records (the status query did not answer): no per-agent cost');
  } else {
    rows = records.filter((r) => isGateRecord(r) === (i.by === 'gate'));
    if (rows.length === 0 && open.length === 0)
      notes.push(
        `no ${i.by} records yet${i.by === 'gate' ? ' (gates are claimed labels; token_granularity = "phase" records none)' : ''}`,
      );
  }
  const totals = i.tokens ? totalsFromStatus(i.tokens.totals, i.tokens.costUsd) : totalsFromRecords(records);
  return {
    build: i.build,
    workflowId: i.workflowId,
    runId: i.runId,
    workflowStatus: i.workflowStatus,
    status: i.status,
    by: i.by,
    tokenLog: { file: i.log.file, found: i.log.records !== null, records: i.log.records?.length ?? 0 },
    rows,
    open,
    totals,
    notes,
  };
}

// ---- text ----

/** A text table: the first `leftColumns` columns left-aligned (names), the rest right-aligned (figures). */
export function rightTable(header: string[], rows: string[][], leftColumns = 1): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function figureCells(f: TokenFigures, usd: number | null, unpriced: readonly string[]): string[] {
  return [
    int(f.input_tokens),
    int(f.output_tokens),
    int(f.cache_creation_input_tokens),
    int(f.cache_read_input_tokens),
    int(f.total),
    formatUsd(usd, unpriced),
  ];
}

const FIGURE_COLUMNS = ['INPUT', 'OUTPUT', 'CACHE WRITE', 'CACHE READ', 'TOTAL', 'USD'];

export function renderTokens(r: TokensReport): string[] {
  const head = `build ${r.build} (${r.workflowId}): ${r.status ?? r.workflowStatus.toLowerCase()} — tokens by ${r.by}`;
  const body: string[][] = [];
  const unpriced = new Set<string>();
  if (r.by === 'agent') {
    for (const a of r.rows as AgentTokensRow[]) {
      body.push([a.agent, ...figureCells(a, a.cost_usd, a.unpriced_models)]);
      a.unpriced_models.forEach((m) => unpriced.add(m));
    }
  } else {
    const records = [
      ...(r.rows as TokenRecord[]).map((x) => ({ x, open: false })),
      ...r.open.map((x) => ({ x, open: true })),
    ];
    for (const { x, open } of records) {
      body.push([
        `${x.phase_id}${open ? ' (open)' : ''}`,
        ...figureCells(x.total, x.cost_usd, x.unpriced_models),
        x.started,
        `${x.duration_s}s`,
      ]);
      x.unpriced_models.forEach((m) => unpriced.add(m));
    }
  }
  if (r.totals) {
    const label = r.totals.source === 'status' ? 'TOTAL' : 'TOTAL (phases)';
    body.push([
      label,
      ...figureCells(r.totals, r.totals.cost_usd, r.totals.unpriced_models),
      ...(r.by === 'agent' ? [] : ['', '']),
    ]);
    r.totals.unpriced_models.forEach((m) => unpriced.add(m));
  }
  const header = [r.by.toUpperCase(), ...FIGURE_COLUMNS, ...(r.by === 'agent' ? [] : ['STARTED', 'DURATION'])];
  const lines = [head, '', ...rightTable(header, body, 1)];
  const foot: string[] = [];
  if (unpriced.size > 0)
    foot.push(`+ also used models without a price, not in USD: ${[...unpriced].sort().join(', ')}`);
  if (r.tokenLog.found)
    foot.push(`token log: ${r.tokenLog.file} (${r.tokenLog.records} record${r.tokenLog.records === 1 ? '' : 's'})`);
  foot.push(...r.notes.map((n) => `note: ${n}`));
  return foot.length ? [...lines, '', ...foot] : lines;
}
