/**
 * The records of `<state_dir>/token-log.jsonl`, one per closed window (a phase rollup or a gate),
 * and the `tokens_recorded` event that announces each. Pure.
 */
import type { StewardConfig } from '../config/types';
import type { EventTokens, NewEvent } from '../events';
import type { PerAgentUsage, TokenFigures, TokenRecord, TokenWindow } from '../state/tokens';
import { formatUsd, grouped, isoSeconds } from './format';
import { windowUsage, type WindowUsage } from './window-usage';

export function tokenLogFile(config: Pick<StewardConfig, 'state_dir'>): string {
  return `${config.state_dir}/token-log.jsonl`;
}

/** The record of a window closing at `now` (the CLI shows open windows the same way). */
export function windowRecord(phaseId: string, window: TokenWindow, totals: PerAgentUsage, now: number): TokenRecord {
  return recordOf(phaseId, window, windowUsage(totals, window.baseline), now);
}

function recordOf(phaseId: string, window: TokenWindow, w: WindowUsage, now: number): TokenRecord {
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

/** The four usage counts of a window's figures, as events carry them. */
function eventTokens(f: TokenFigures): EventTokens {
  return {
    input_tokens: f.input_tokens,
    output_tokens: f.output_tokens,
    cache_creation_input_tokens: f.cache_creation_input_tokens,
    cache_read_input_tokens: f.cache_read_input_tokens,
  };
}

/** A window that closed at `now`: its phase (`phase`), and its gate's label for a gate window. */
export interface ClosedWindow {
  phaseId: string;
  window: TokenWindow;
  phase: string;
  gate?: string;
}

/**
 * A closed window's token-log record and the `tokens_recorded` event that announces it, with the
 * window's tokens, dollars, length, gate and per-agent figures.
 */
export function closeWindow(
  closed: ClosedWindow,
  totals: PerAgentUsage,
  now: number,
): { record: TokenRecord; event: NewEvent } {
  const w = windowUsage(totals, closed.window.baseline);
  const rec = recordOf(closed.phaseId, closed.window, w, now);
  const parts = Object.entries(rec.agents)
    .map(([name, f]) => `${name} ${grouped(f.total)}`)
    .join(', ');
  const unpriced = rec.unpriced_models.length ? ` (unpriced: ${rec.unpriced_models.join(', ')})` : '';
  const kind = closed.gate === undefined ? 'phase' : 'gate';
  const event: NewEvent = {
    type: 'tokens_recorded',
    phase: closed.phase,
    ...(closed.gate === undefined ? {} : { gate: closed.gate }),
    tokens: eventTokens(rec.total),
    costUsd: rec.cost_usd,
    durationMs: Math.max(0, now - closed.window.at),
    byAgent: Object.fromEntries(
      Object.entries(rec.agents).map(([name, f]) => [
        name,
        { tokens: eventTokens(f), costUsd: w.agentCostUsd[name] ?? 0 },
      ]),
    ),
    message: `${kind} ${rec.phase_id}: ${grouped(rec.total.total)} tokens, ${formatUsd(rec.cost_usd)}${unpriced} in ${rec.duration_s}s${parts ? ` (${parts})` : ''}`,
  };
  return { record: rec, event };
}
