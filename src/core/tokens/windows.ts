/**
 * The build's token windows, moved on each tick: the build's (opened once), the current phase's
 * and the current gate's. A closed phase or gate becomes a token-log record. Pure.
 *
 * Gates follow the original driver: a gate is the most recently claimed label, from a
 * `claim(<label>)` commit on origin/main (a leading `feat:` is stripped). A new label is the
 * boundary: the previous gate's record (`<phase>:<label>`) is flushed and the new gate opens. So a
 * gate's window runs from its claim to the next claim (or to the end of the phase), and usage
 * before a phase's first claim is in the phase rollup only. At a phase end the in-flight gate is
 * flushed first, then the phase rollup (`<phase>`), and the next phase's window opens.
 */
import type { TokenGranularity } from '../config/types';
import type { NewEvent } from '../events';
import type { Decision } from '../decision';
import { RECENT_TOKEN_RECORDS, type PerAgentUsage, type TokenAccountingState, type TokenRecord } from '../state/tokens';
import { rememberSessions } from './agent-token-request';
import { roundUsd } from './format';
import type { AgentTokenTotals } from './host-contract';
import { closeWindow, type ClosedWindow } from './token-log';
import { gateLabel } from '../gate-label';

export { gateLabel };

function sumCost(totals: PerAgentUsage): number {
  let cost = 0;
  for (const name of Object.keys(totals)) cost += totals[name].costUsd;
  return roundUsd(cost);
}

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

/** The accounting after the tick; `events` has one `tokens_recorded` per record. */
export interface TokenTickResult extends Decision<TokenAccountingState> {
  /** To append to token-log.jsonl, in order. */
  records: TokenRecord[];
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
  const next: TokenAccountingState = {
    ...acct,
    totals,
    costUsd: sumCost(totals),
    sessions,
    warned: { ...acct.warned },
  };
  const records: TokenRecord[] = [];
  const events: NewEvent[] = [];
  const flush = (closed: ClosedWindow) => {
    if (!input.logTokens) return;
    const { record, event } = closeWindow(closed, totals, now);
    records.push(record);
    events.push(event);
  };
  const flushGate = () => {
    const gate = next.gate;
    if (gate) flush({ phaseId: `${gate.phase}:${gate.label}`, window: gate, phase: gate.phase, gate: gate.label });
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
    flush({ phaseId: tracked.phase, window: tracked, phase: tracked.phase });
    next.phaseStart = null;
  }

  // 3. Open the current phase's window (the first tick, or after a phase end).
  if (!next.phaseStart && input.phaseId !== null) {
    next.phaseStart = { phase: input.phaseId, at: now, baseline: totals };
    next.warned.phase = false;
  }

  if (records.length) next.records = [...acct.records, ...records].slice(-RECENT_TOKEN_RECORDS);
  return { state: next, actions: [], records, events };
}
