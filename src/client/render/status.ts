/** Pure renderers for `steward status`, `steward list`, `steward phase show` and `steward events`. */
import type { AgentState } from '../../core/state/build';
import { describeEvent, type StewardEvent } from '../../core/events';
import type { BuildStatusView } from '../../workflows/definitions';
import { formatSeconds, formatTime, int, table } from './format';

/** The agent fields the renderers read (the status view has more). */
export type AgentView = Pick<
  AgentState,
  | 'sessionId'
  | 'alive'
  | 'idleSeconds'
  | 'doneNudgedPhase'
  | 'reboots'
  | 'crashLooped'
  | 'rateLimitedUntil'
  | 'waitingUntil'
  | 'blockedSince'
  | 'held'
>;

/** The status-view fields the renderers read; anything else in the view is passed over. */
export type StatusView = Pick<
  BuildStatusView,
  | 'hostId'
  | 'configHash'
  | 'status'
  | 'phase'
  | 'phaseIndex'
  | 'phaseCount'
  | 'phaseStartedAt'
  | 'completedPhases'
  | 'events'
> & { agents: Record<string, AgentView>; startedAt?: number; agentHosts?: Record<string, string> };

/** What the client knows of a workflow execution besides its status view. */
export interface ExecutionInfo {
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, TERMINATED, … */
  workflowStatus: string;
  startTime: number | null;
  closeTime: number | null;
}

/** The build name of a workflow id: `build/demo` → `demo`. */
export function buildNameOfWorkflowId(workflowId: string): string {
  return workflowId.startsWith('build/') ? workflowId.slice('build/'.length) : workflowId;
}

/** `p2 (2/3)`, or `complete (3/3)` once the sequence is done, or `none` without a loop. */
export function phaseLabel(view: Pick<BuildStatusView, 'phase' | 'phaseIndex' | 'phaseCount'>): string {
  if (view.phaseCount === 0) return 'none';
  if (view.phase === null) return `complete (${view.phaseCount}/${view.phaseCount})`;
  return `${view.phase} (${view.phaseIndex + 1}/${view.phaseCount})`;
}

export interface TokenFigures {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cost_usd?: number | null;
  /** Models the figures include but `cost_usd` leaves out, having no price. */
  unpriced?: string[];
}

/** The model names of a list, or none: `unpriced` / `unpriced_models` as the view carries them. */
function modelList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((m): m is string => typeof m === 'string') : [];
}

function addModels(into: string[], models: readonly string[]): void {
  for (const m of models) if (!into.includes(m)) into.push(m);
}

function asFigures(v: unknown): TokenFigures | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.input_tokens !== 'number' && typeof o.output_tokens !== 'number') return null;
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  return {
    input_tokens: n(o.input_tokens),
    output_tokens: n(o.output_tokens),
    cache_creation_input_tokens: n(o.cache_creation_input_tokens),
    cache_read_input_tokens: n(o.cache_read_input_tokens),
    cost_usd: typeof o.cost_usd === 'number' ? o.cost_usd : null,
    unpriced: modelList(o.unpriced_models).sort(),
  };
}

function tokensOf(view: unknown): Record<string, unknown> | null {
  const tokens = (view as { tokens?: unknown } | null)?.tokens;
  return typeof tokens === 'object' && tokens !== null ? (tokens as Record<string, unknown>) : null;
}

/**
 * Per-agent cumulative token figures, if the status view carries them as `tokens.totals`
 * (agent → `{ usage, costUsd, unpriced }`, the token accounting state's shape).
 */
export function agentTokenFigures(view: unknown): Record<string, TokenFigures> | null {
  const totals = tokensOf(view)?.totals;
  if (typeof totals !== 'object' || totals === null) return null;
  const out: Record<string, TokenFigures> = {};
  for (const [agent, v] of Object.entries(totals as Record<string, unknown>)) {
    const entry = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    const figures = asFigures(entry.usage) ?? asFigures(entry);
    if (!figures) continue;
    const unpriced = [...(figures.unpriced ?? [])];
    addModels(unpriced, modelList(entry.unpriced));
    out[agent] = {
      ...figures,
      cost_usd: typeof entry.costUsd === 'number' ? entry.costUsd : figures.cost_usd,
      unpriced: unpriced.sort(),
    };
  }
  return Object.keys(out).length ? out : null;
}

/**
 * The build's token totals, if the status view carries them: `tokens` itself or `tokens.total`
 * holding transcript-style figures (input_tokens, output_tokens, cache_*, cost_usd), or the sum of
 * the per-agent `tokens.totals` (with `tokens.costUsd`), whose models without a price are listed in `unpriced`.
 */
export function tokenFigures(view: unknown): TokenFigures | null {
  const t = tokensOf(view);
  if (!t) return null;
  const direct = asFigures(t) ?? asFigures(t.total);
  if (direct) return direct;
  const agents = agentTokenFigures(view);
  if (!agents) return null;
  const sum: TokenFigures = {
    input_tokens: 0,
    output_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cost_usd: 0,
    unpriced: [],
  };
  for (const f of Object.values(agents)) {
    sum.input_tokens += f.input_tokens;
    sum.output_tokens += f.output_tokens;
    sum.cache_creation_input_tokens += f.cache_creation_input_tokens;
    sum.cache_read_input_tokens += f.cache_read_input_tokens;
    sum.cost_usd = (sum.cost_usd ?? 0) + (f.cost_usd ?? 0);
    addModels(sum.unpriced!, f.unpriced ?? []);
  }
  sum.unpriced!.sort();
  if (typeof t.costUsd === 'number') sum.cost_usd = t.costUsd;
  return sum;
}

const allTokens = (f: TokenFigures) =>
  f.input_tokens + f.output_tokens + f.cache_creation_input_tokens + f.cache_read_input_tokens;

/**
 * ` · $0.42`, and ` + unpriced (claude-foo)` when models without a price were used: their tokens
 * are in the figures, their cost is not in the dollars (never a silent $0).
 */
export function formatCost(f: Pick<TokenFigures, 'cost_usd' | 'unpriced'>): string {
  const unpriced = f.unpriced?.length ? `unpriced (${f.unpriced.join(', ')})` : '';
  if (typeof f.cost_usd === 'number') return ` · $${f.cost_usd.toFixed(2)}${unpriced ? ` + ${unpriced}` : ''}`;
  return unpriced ? ` · ${unpriced}` : '';
}

export function formatFigures(f: TokenFigures): string {
  const cost = formatCost(f);
  return `in ${int(f.input_tokens)} · out ${int(f.output_tokens)} · cache write ${int(f.cache_creation_input_tokens)} · cache read ${int(f.cache_read_input_tokens)}${cost}`;
}

function agentNote(a: AgentView, now: number): string {
  const notes: string[] = [];
  if (a.blockedSince !== null && a.blockedSince !== undefined)
    notes.push(`blocked at a prompt for ${formatSeconds((now - a.blockedSince) / 1000)}`);
  // Held at a permission prompt, or undelivered while the session was gone: typed once it can be.
  if (a.held?.length) notes.push(`${a.held.length} message(s) pending`);
  if (a.waitingUntil !== null && a.waitingUntil !== undefined && a.waitingUntil > now)
    notes.push(`waiting until ${formatTime(a.waitingUntil)}`);
  return notes.join('; ') || '-';
}

/**
 * One row per agent: its host (a build on several hosts), alive, idle, DONE-nudged phase, recent reboots, rate limit, crash loop, and
 * (when the view has them) its cumulative tokens, all kinds summed.
 */
export function agentRows(view: Pick<StatusView, 'agents' | 'agentHosts'>, now: number): string[] {
  const tokens = agentTokenFigures(view);
  const hosts = view.agentHosts;
  const rows = Object.entries(view.agents).map(([name, a]) => [
    name,
    ...(hosts ? [hosts[name] ?? '-'] : []),
    a.alive ? 'yes' : 'no',
    a.alive ? formatSeconds(a.idleSeconds) : '-',
    a.doneNudgedPhase ?? '-',
    String(a.reboots.length),
    a.rateLimitedUntil && a.rateLimitedUntil > now ? formatTime(a.rateLimitedUntil) : '-',
    a.crashLooped ? 'YES' : 'no',
    agentNote(a, now),
    ...(tokens ? [tokens[name] ? int(allTokens(tokens[name])) : '-'] : []),
    a.sessionId,
  ]);
  const header = [
    'AGENT',
    ...(hosts ? ['HOST'] : []),
    'ALIVE',
    'IDLE',
    'NUDGED',
    'REBOOTS',
    'RATE-LIMITED UNTIL',
    'CRASH LOOP',
    'NOTE',
    ...(tokens ? ['TOKENS'] : []),
    'SESSION',
  ];
  return table(header, rows);
}

/** `steward status`: the build at a glance, then its agents, tokens and last events. */
export function renderStatus(view: StatusView, info: ExecutionInfo, now: number, lastEvents = 10): string[] {
  const name = buildNameOfWorkflowId(info.workflowId);
  const closed =
    info.workflowStatus !== 'RUNNING'
      ? ` (workflow ${info.workflowStatus.toLowerCase()}${info.closeTime ? ` at ${formatTime(info.closeTime)}` : ''})`
      : '';
  const inPhase =
    view.phase !== null && view.status !== 'completed' && view.status !== 'stopped'
      ? `, for ${formatSeconds((now - view.phaseStartedAt) / 1000)}`
      : '';
  const done = view.completedPhases.map((p) => `${p.id} ${formatSeconds(p.durationMs / 1000)}`).join(', ');
  const lines = [
    `build ${name} (${info.workflowId}): ${view.status}${closed}`,
    `phase:     ${phaseLabel(view)}${inPhase}`,
    `completed: ${done || '-'}`,
    `host:      ${view.hostId} · started ${formatTime(view.startedAt ?? info.startTime)} · config ${view.configHash.slice(0, 12)}`,
  ];
  const tokens = tokenFigures(view);
  if (tokens) lines.push(`tokens:    ${formatFigures(tokens)}`);
  lines.push('', ...(Object.keys(view.agents).length ? agentRows(view, now) : ['(no agents)']));
  const events = view.events.slice(-lastEvents);
  lines.push(
    '',
    `last ${events.length} event${events.length === 1 ? '' : 's'}:`,
    ...events.map((e) => `  ${describeEvent(e)}`),
  );
  return lines;
}

/** `steward phase show`: every phase known, with its state and duration. */
export function renderPhases(view: StatusView, phaseIds: readonly string[] | null, now: number): string[] {
  const lines = [`phase ${phaseLabel(view)} · build ${view.status}`];
  const rows: string[][] = [];
  view.completedPhases.forEach((p, i) =>
    rows.push([String(i + 1), p.id, 'done', formatTime(p.startedAt), formatSeconds(p.durationMs / 1000)]),
  );
  if (view.phase !== null)
    rows.push([
      String(view.phaseIndex + 1),
      view.phase,
      'current',
      formatTime(view.phaseStartedAt),
      formatSeconds((now - view.phaseStartedAt) / 1000),
    ]);
  const known = phaseIds ?? [];
  for (let i = view.phaseIndex + 1; i < view.phaseCount; i++)
    rows.push([String(i + 1), known[i] ?? '?', 'pending', '-', '-']);
  if (rows.length) lines.push('', ...table(['#', 'PHASE', 'STATE', 'STARTED', 'DURATION'], rows));
  return lines;
}

export function renderEvents(events: readonly StewardEvent[]): string[] {
  return events.map(describeEvent);
}

/** One build run as `steward list` shows it. */
export interface BuildListing {
  build: string;
  workflowId: string;
  runId: string;
  /** Steward's status when the workflow reports one, else Temporal's execution status, lower-case. */
  status: string;
  workflowStatus: string;
  phase: string | null;
  project: string | null;
  escalation: string | null;
  startTime: string | null;
  closeTime: string | null;
}

/**
 * When a listed run's build started: a continued run carries its build's start in its memo
 * (`startedAt`, epoch ms); a first run, or one from before the memo, started with its build.
 */
export function listingStartTime(memo: Record<string, unknown> | undefined, runStart: Date | undefined): number | null {
  const carried = memo?.startedAt;
  if (typeof carried === 'number' && Number.isFinite(carried)) return carried;
  return runStart ? runStart.getTime() : null;
}

/** Steward's own status word while the run is open or ended normally; Temporal's otherwise. */
export function listingStatus(workflowStatus: string, stewardStatus: string | null): string {
  if ((workflowStatus === 'RUNNING' || workflowStatus === 'COMPLETED') && stewardStatus) return stewardStatus;
  return workflowStatus.toLowerCase();
}

export function renderList(builds: readonly BuildListing[]): string[] {
  if (builds.length === 0) return ['no builds'];
  const rows = builds.map((b) => [
    b.build,
    b.status,
    b.phase ?? '-',
    b.escalation && b.escalation !== 'none' ? b.escalation : '-',
    b.startTime ?? '-',
    b.closeTime ?? '-',
  ]);
  return table(['BUILD', 'STATUS', 'PHASE', 'ESCALATION', 'STARTED', 'CLOSED'], rows);
}
