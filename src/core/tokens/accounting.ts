/**
 * Token accounting for a build: per-phase and per-gate deltas of the agents' cumulative usage, the
 * records appended to `<state_dir>/token-log.jsonl`, and budget decisions. Pure; the state is
 * plain JSON (no Map, Set, Date or classes) so it lives in workflow state as is.
 *
 * The cumulative per-agent totals come from the host (`readAgentTokens`, an activity over the
 * agents' transcripts); every window here (the build, the current phase, the current gate) is a
 * baseline of those totals taken when the window opened, and its usage is `totals − baseline`.
 *
 * Gates follow the original driver: a gate is the most recently claimed label, from a
 * `claim(<label>)` commit on origin/main (a leading `feat:` is stripped). A new label is the
 * boundary: the previous gate's record (`<phase>:<label>`) is flushed and the new gate opens. So a
 * gate's window runs from its claim to the next claim (or to the end of the phase), and usage
 * before a phase's first claim is in the phase rollup only. At a phase end the in-flight gate is
 * flushed first, then the phase rollup (`<phase>`), and the next phase's window opens.
 */
import type { BudgetConfig, BudgetLimit, StewardConfig, TokenGranularity } from '../config/types';
import type { NewEvent } from '../events';
import { transcriptsDir } from '../launch';
import { priceTableOf, type ModelPrice } from './pricing';
import { totalTokens, zeroUsage, type TokenUsage } from './usage';

// ---- what the host reports ----

/** One agent's cumulative usage over every session it ever had. */
export interface AgentTokenTotal {
  usage: TokenUsage;
  /** Dollars for the priced models only; `unpriced` names the models it leaves out. */
  costUsd: number;
  unpriced: string[];
}

/** Agent name → cumulative usage. */
export type PerAgentUsage = Record<string, AgentTokenTotal>;

/** The latest usage-limit line seen in an agent's transcripts. */
export interface AgentLimitRecord {
  agent: string;
  text: string;
  /** Epoch ms of the transcript line; null when it carried no readable timestamp. */
  at: number | null;
}

export interface TokenReadStats {
  /** Transcript files followed. */
  files: number;
  /** Files that had new bytes. */
  filesRead: number;
  bytesRead: number;
  /** Files read again from 0 (truncated, replaced or rewritten). */
  resets: number;
  /** True when the ledger file was missing or unreadable, so the ledger started empty (all files read from 0). */
  fresh: boolean;
  /** True when the ledger file was written by this call (it is saved at most once a minute). */
  saved: boolean;
}

/** What `readAgentTokens` returns: plain JSON. */
export interface AgentTokenTotals {
  agents: PerAgentUsage;
  limits: AgentLimitRecord[];
  /** The session ids that were asked about, per agent (echoed, so the workflow remembers them). */
  sessions: Record<string, string[]>;
  read: TokenReadStats;
}

/** The input of `readAgentTokens`. */
export interface AgentTokenRequest {
  /** JSON file holding the reader's cursors and the ledger, e.g. `<state_dir>/token-ledger.json`. */
  ledgerFile: string;
  /** Agent name → its transcripts dir (`transcriptsDir`) and every session id it ever had. */
  agents: Record<string, { dir: string; sessionIds: string[] }>;
  /** The build's `[prices]`, over the built-in price table; absent when the config has none. */
  prices?: Record<string, ModelPrice>;
}

// ---- the token log ----

export interface TokenFigures {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  total: number;
}

/** One line of token-log.jsonl, in the original driver's shape (plus cost). */
export interface TokenRecord {
  /** `<phase>` for a phase rollup, `<phase>:<gate label>` for a gate. */
  phase_id: string;
  /** ISO 8601, UTC, to the second. */
  started: string;
  ended: string;
  duration_s: number;
  agents: Record<string, TokenFigures>;
  total: TokenFigures;
  /** Priced models only, to the micro-dollar. */
  cost_usd: number;
  /** Models without a price used by agents that spent tokens in the window: not in cost_usd. */
  unpriced_models: string[];
}

// ---- state ----

export interface TokenWindow {
  /** Epoch ms at which the window opened. */
  at: number;
  baseline: PerAgentUsage;
}

export interface TokenAccountingState {
  /** The current phase's window; null before the first tick and after the sequence completes. */
  phaseStart: (TokenWindow & { phase: string }) | null;
  /** The gate being tracked (granularity 'gate'); null before a phase's first claim. */
  gate: (TokenWindow & { label: string; phase: string }) | null;
  /** The build's window, opened on the first tick: build budgets count from here. */
  build: TokenWindow | null;
  /** Latest cumulative totals. */
  totals: PerAgentUsage;
  /** Sum of `totals`' costs. */
  costUsd: number;
  /** The most recent records (at most RECENT_TOKEN_RECORDS); token-log.jsonl has them all. */
  records: TokenRecord[];
  warned: { build: boolean; phase: boolean };
  /** Over a budget limit now (set once `budget_exceeded` was raised, cleared when back under). */
  exceeded: boolean;
  /** Agent → every session id it ever had, oldest first: reboots give new ids, all are read. */
  sessions: Record<string, string[]>;
}

export const RECENT_TOKEN_RECORDS = 20;
const MAX_LABEL = 200;

export function emptyTokenAccounting(): TokenAccountingState {
  return {
    phaseStart: null,
    gate: null,
    build: null,
    totals: {},
    costUsd: 0,
    records: [],
    warned: { build: false, phase: false },
    exceeded: false,
    sessions: {},
  };
}

export function tokenLedgerFile(config: Pick<StewardConfig, 'state_dir'>): string {
  return `${config.state_dir}/token-ledger.json`;
}

export function tokenLogFile(config: Pick<StewardConfig, 'state_dir'>): string {
  return `${config.state_dir}/token-log.jsonl`;
}

// ---- helpers ----

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/** ISO 8601 in UTC to the second, e.g. 2026-06-22T07:27:50Z. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** 1234567 → "1,234,567", independent of the locale (workflow code must be deterministic). */
function grouped(n: number): string {
  const s = String(Math.round(Math.abs(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function usd(n: number): string {
  return `$${n.toFixed(n >= 100 ? 2 : 4)}`;
}

/**
 * The gate label of a commit subject: `claim(<label>)` at its start (case-insensitive), the label
 * trimmed and a leading `feat:` stripped. Null for any other subject or an empty label.
 */
export function gateLabel(subject: string): string | null {
  const m = /^\s*claim\(\s*([^)]*?)\s*\)/i.exec(subject);
  if (!m) return null;
  let label = m[1].trim();
  if (label.toLowerCase().startsWith('feat:')) label = label.slice(5).trim();
  if (label === '') return null;
  return label.length > MAX_LABEL ? label.slice(0, MAX_LABEL) : label;
}

function clamp0(n: number): number {
  return n > 0 ? n : 0;
}

/** current − baseline per field, never negative (a rebuilt ledger may briefly report less). */
function deltaUsage(cur: TokenUsage, base: TokenUsage | undefined): TokenUsage {
  const b = base ?? zeroUsage();
  return {
    input_tokens: clamp0(cur.input_tokens - b.input_tokens),
    output_tokens: clamp0(cur.output_tokens - b.output_tokens),
    cache_creation_input_tokens: clamp0(cur.cache_creation_input_tokens - b.cache_creation_input_tokens),
    cache_creation_5m: clamp0(cur.cache_creation_5m - b.cache_creation_5m),
    cache_creation_1h: clamp0(cur.cache_creation_1h - b.cache_creation_1h),
    cache_read_input_tokens: clamp0(cur.cache_read_input_tokens - b.cache_read_input_tokens),
  };
}

function figures(u: TokenUsage): TokenFigures {
  return {
    input_tokens: u.input_tokens,
    output_tokens: u.output_tokens,
    cache_creation_input_tokens: u.cache_creation_input_tokens,
    cache_read_input_tokens: u.cache_read_input_tokens,
    total: totalTokens(u),
  };
}

export interface WindowUsage {
  agents: Record<string, TokenFigures>;
  total: TokenFigures;
  tokens: number;
  costUsd: number;
  unpriced: string[];
}

/** The usage of a window: `totals − baseline`, per agent and overall. */
export function windowUsage(totals: PerAgentUsage, baseline: PerAgentUsage): WindowUsage {
  const agents: Record<string, TokenFigures> = {};
  const sum = zeroUsage();
  let cost = 0;
  const unpriced: string[] = [];
  for (const name of Object.keys(totals).sort()) {
    const cur = totals[name];
    const base = hasOwn(baseline, name) ? baseline[name] : undefined;
    const d = deltaUsage(cur.usage, base?.usage);
    agents[name] = figures(d);
    sum.input_tokens += d.input_tokens;
    sum.output_tokens += d.output_tokens;
    sum.cache_creation_input_tokens += d.cache_creation_input_tokens;
    sum.cache_read_input_tokens += d.cache_read_input_tokens;
    cost += clamp0(cur.costUsd - (base?.costUsd ?? 0));
    if (totalTokens(d) > 0) for (const m of cur.unpriced) if (!unpriced.includes(m)) unpriced.push(m);
  }
  const total = figures(sum);
  return { agents, total, tokens: total.total, costUsd: roundUsd(cost), unpriced: unpriced.sort() };
}

function makeRecord(phaseId: string, window: TokenWindow, totals: PerAgentUsage, now: number): TokenRecord {
  const w = windowUsage(totals, window.baseline);
  return {
    phase_id: phaseId,
    started: isoSeconds(window.at),
    ended: isoSeconds(now),
    duration_s: Math.round((now - window.at) / 100) / 10,
    agents: w.agents,
    total: w.total,
    cost_usd: w.costUsd,
    unpriced_models: w.unpriced,
  };
}

function recordEvent(rec: TokenRecord, phase: string, kind: 'gate' | 'phase'): NewEvent {
  const parts = Object.entries(rec.agents)
    .map(([name, f]) => `${name} ${grouped(f.total)}`)
    .join(', ');
  const unpriced = rec.unpriced_models.length ? ` (unpriced: ${rec.unpriced_models.join(', ')})` : '';
  return {
    type: 'tokens_recorded',
    phase,
    message: `${kind} ${rec.phase_id}: ${grouped(rec.total.total)} tokens, ${usd(rec.cost_usd)}${unpriced} in ${rec.duration_s}s${parts ? ` (${parts})` : ''}`,
  };
}

function sumCost(totals: PerAgentUsage): number {
  let cost = 0;
  for (const name of Object.keys(totals)) cost += totals[name].costUsd;
  return roundUsd(cost);
}

/** Adds session ids not yet remembered (per agent, oldest first). Returns the same object when nothing is new. */
export function rememberSessions(sessions: Record<string, string[]>, seen: Record<string, string | string[]>): Record<string, string[]> {
  let out = sessions;
  for (const agent of Object.keys(seen)) {
    const ids = ([] as string[]).concat(seen[agent]);
    const known = hasOwn(out, agent) ? out[agent] : [];
    const fresh = ids.filter((id, i) => id !== '' && !known.includes(id) && ids.indexOf(id) === i);
    if (fresh.length === 0) continue;
    if (out === sessions) out = { ...sessions };
    out[agent] = [...known, ...fresh];
  }
  return out;
}

/**
 * The request for `readAgentTokens`: each configured agent's transcripts dir and every session id
 * it ever had (remembered ones, plus the current one from `agents`), and the config's `[prices]`.
 * The totals are priced afresh on every read, so an edited price applies to all usage so far.
 */
export function agentTokenRequest(
  acct: TokenAccountingState,
  config: StewardConfig,
  agents: Record<string, { sessionId: string }>,
  ledgerFile: string = tokenLedgerFile(config),
): AgentTokenRequest {
  const current: Record<string, string> = {};
  for (const name of Object.keys(agents)) current[name] = agents[name].sessionId;
  const sessions = rememberSessions(acct.sessions, current);
  const out: AgentTokenRequest['agents'] = {};
  for (const agent of config.agents) {
    out[agent.name] = {
      dir: transcriptsDir(config, agent),
      sessionIds: hasOwn(sessions, agent.name) ? sessions[agent.name] : [],
    };
  }
  const prices = priceTableOf(config.prices);
  return prices ? { ledgerFile, agents: out, prices } : { ledgerFile, agents: out };
}

// ---- the tick ----

export interface TokenTickInput {
  /** Epoch ms (workflow time). */
  now: number;
  /** The current phase AFTER this tick's decisions (null: no phases, or the sequence is complete). */
  phaseId: string | null;
  /** This tick's cumulative totals; null when they could not be read (the last ones are used). */
  totals: AgentTokenTotals | null;
  /**
   * Subjects of the commits seen on origin/main this tick, oldest first. Only `claim(<label>)`
   * subjects matter; others are ignored, so all new subjects may be passed.
   */
  newClaimSubjects: string[];
  /**
   * The phase that ended this tick, if any. A change of `phaseId` since the last tick is taken as
   * a phase end as well (an operator `advance`, appended phases), so this may be left null.
   */
  phaseEnded: { phase: string } | null;
  granularity: TokenGranularity;
  /** `[watchdog].log_tokens`: false records nothing (windows and budgets are still kept). */
  logTokens: boolean;
  /** Current session id per agent, after this tick's decisions (reboots), to be remembered. */
  sessions?: Record<string, string>;
}

export interface TokenTickResult {
  acct: TokenAccountingState;
  /** To append to token-log.jsonl, in order. */
  records: TokenRecord[];
  /** One `tokens_recorded` per record. */
  events: NewEvent[];
}

/**
 * One tick of token accounting. Claims are handled before a phase end, so a claim seen in the
 * tick its phase ends still belongs to that phase. When several new claims arrive in one tick,
 * only the latest label is a boundary (as in the original driver): the windows between them would
 * be empty. A repeated claim of the tracked label is no boundary.
 */
export function tokenTick(acct: TokenAccountingState, input: TokenTickInput): TokenTickResult {
  const totals = input.totals ? input.totals.agents : acct.totals;
  const { now } = input;
  let sessions = acct.sessions;
  if (input.totals) sessions = rememberSessions(sessions, input.totals.sessions);
  if (input.sessions) sessions = rememberSessions(sessions, input.sessions);
  const next: TokenAccountingState = { ...acct, totals, costUsd: sumCost(totals), sessions, warned: { ...acct.warned } };
  const records: TokenRecord[] = [];
  const events: NewEvent[] = [];
  const flush = (phaseId: string, window: TokenWindow, phase: string, kind: 'gate' | 'phase') => {
    if (!input.logTokens) return;
    const rec = makeRecord(phaseId, window, totals, now);
    records.push(rec);
    events.push(recordEvent(rec, phase, kind));
  };
  const flushGate = () => {
    if (next.gate) flush(`${next.gate.phase}:${next.gate.label}`, next.gate, next.gate.phase, 'gate');
    next.gate = null;
  };

  if (!next.build) next.build = { at: now, baseline: totals };

  // 1. Gates: the latest claimed label, in the phase being tracked.
  if (input.granularity !== 'gate') flushGate();
  else {
    const phase = next.phaseStart?.phase ?? input.phaseId;
    let latest: string | null = null;
    for (const subject of input.newClaimSubjects) latest = gateLabel(subject) ?? latest;
    if (phase !== null && latest !== null && (next.gate?.label !== latest || next.gate.phase !== phase)) {
      flushGate();
      next.gate = { label: latest, phase, at: now, baseline: totals };
    }
  }

  // 2. Phase end: the in-flight gate, then the phase rollup.
  const tracked = next.phaseStart;
  if (tracked && (input.phaseEnded !== null || tracked.phase !== input.phaseId)) {
    flushGate();
    flush(tracked.phase, tracked, tracked.phase, 'phase');
    next.phaseStart = null;
  }

  // 3. Open the current phase's window (the first tick, or after a phase end).
  if (!next.phaseStart && input.phaseId !== null) {
    next.phaseStart = { phase: input.phaseId, at: now, baseline: totals };
    next.warned.phase = false;
  }

  if (records.length) next.records = [...acct.records, ...records].slice(-RECENT_TOKEN_RECORDS);
  return { acct: next, records, events };
}

// ---- budgets ----

export interface BudgetDecision {
  acct: TokenAccountingState;
  /** `budget_warning` / `budget_exceeded`, each once per crossing. */
  events: NewEvent[];
  /** True on the tick a limit is first exceeded: pause the build and escalate. */
  exceeded: boolean;
  /** True on the tick usage is back under every limit after an excess (a raised budget, a new phase): resume. */
  resumeOk: boolean;
}

interface Check {
  scope: 'build' | 'phase';
  kind: 'tokens' | 'usd';
  used: number;
  limit: number;
}

const DEFAULT_WARN_RATIO = 0.8;

function checks(scope: Check['scope'], limit: BudgetLimit | undefined, tokens: number, cost: number): Check[] {
  const out: Check[] = [];
  if (!limit) return out;
  if (typeof limit.tokens === 'number' && limit.tokens > 0) out.push({ scope, kind: 'tokens', used: tokens, limit: limit.tokens });
  if (typeof limit.usd === 'number' && limit.usd > 0) out.push({ scope, kind: 'usd', used: cost, limit: limit.usd });
  return out;
}

function describe(c: Check): string {
  return c.kind === 'tokens' ? `${grouped(c.used)} of ${grouped(c.limit)} tokens` : `${usd(c.used)} of ${usd(c.limit)}`;
}

/**
 * Budget checks over the build (since the first tick) and the current phase (since it started).
 * Tokens are all billed tokens (input + output + cache writes + cache reads); dollars cover the
 * priced models only. At `warn_ratio` of a limit: one `budget_warning` per scope (re-armed when a
 * raised budget puts usage back under the ratio, and for each new phase). Over a limit: one
 * `budget_exceeded` and `exceeded` true; back under every limit afterwards: `resumeOk` true.
 */
export function budgetDecision(acct: TokenAccountingState, budget: BudgetConfig | undefined, phaseId: string | null): BudgetDecision {
  const build = windowUsage(acct.totals, acct.build?.baseline ?? {});
  const phase = acct.phaseStart && phaseId !== null && acct.phaseStart.phase === phaseId ? windowUsage(acct.totals, acct.phaseStart.baseline) : null;
  const all = [
    ...checks('build', budget?.build, build.tokens, build.costUsd),
    ...(phase ? checks('phase', budget?.phase, phase.tokens, phase.costUsd) : []),
  ];
  const ratio = typeof budget?.warn_ratio === 'number' && budget.warn_ratio > 0 && budget.warn_ratio <= 1 ? budget.warn_ratio : DEFAULT_WARN_RATIO;
  const over = all.filter((c) => c.used > c.limit);
  const events: NewEvent[] = [];
  const warned = { ...acct.warned };
  const unpriced = (w: WindowUsage) => (w.unpriced.length ? ` (excludes unpriced models: ${w.unpriced.join(', ')})` : '');

  for (const scope of ['build', 'phase'] as const) {
    const mine = all.filter((c) => c.scope === scope);
    const near = mine.filter((c) => c.used >= c.limit * ratio);
    if (near.length === 0) {
      warned[scope] = false;
      continue;
    }
    if (warned[scope]) continue;
    warned[scope] = true;
    if (over.some((c) => c.scope === scope)) continue; // budget_exceeded says it
    const w = scope === 'build' ? build : phase!;
    const where = scope === 'build' ? 'build' : `phase ${phaseId}`;
    events.push({
      type: 'budget_warning',
      ...(scope === 'phase' ? { phase: phaseId! } : {}),
      message: `${where} has used ${near.map(describe).join(' and ')}${near.some((c) => c.kind === 'usd') ? unpriced(w) : ''} (warn at ${Math.round(ratio * 100)}%)`,
    });
  }

  const next: TokenAccountingState = { ...acct, warned };
  let exceeded = false;
  let resumeOk = false;
  if (over.length > 0 && !acct.exceeded) {
    exceeded = true;
    next.exceeded = true;
    const phaseOver = over.some((c) => c.scope === 'phase');
    // A dollar figure covers priced models only: say which models it leaves out, as the warning does.
    const text = over
      .map((c) => `${c.scope === 'build' ? 'build' : `phase ${phaseId}`}: ${describe(c)}${c.kind === 'usd' ? unpriced(c.scope === 'build' ? build : phase!) : ''}`)
      .join('; ');
    events.push({
      type: 'budget_exceeded',
      ...(phaseOver ? { phase: phaseId! } : {}),
      message: `budget exceeded — ${text}. Raise it with setBudget to resume.`,
    });
  } else if (over.length === 0 && acct.exceeded) {
    next.exceeded = false;
    resumeOk = true;
  }
  return { acct: next, events, exceeded, resumeOk };
}
