/**
 * The records of `<state_dir>/token-log.jsonl`, one per closed window (a phase rollup or a gate),
 * and the `tokens_recorded` event that announces each. Pure.
 */
import type { StewardConfig } from '../config/types';
import type { NewEvent } from '../events';
import type { PerAgentUsage, TokenRecord, TokenWindow } from '../state/tokens';
import { formatUsd, grouped, isoSeconds } from './format';
import { windowUsage } from './window-usage';

export function tokenLogFile(config: Pick<StewardConfig, 'state_dir'>): string {
  return `${config.state_dir}/token-log.jsonl`;
}

/** The record of a window closing at `now` (the CLI shows open windows the same way). */
export function windowRecord(phaseId: string, window: TokenWindow, totals: PerAgentUsage, now: number): TokenRecord {
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

export function recordedEvent(rec: TokenRecord, phase: string, kind: 'gate' | 'phase'): NewEvent {
  const parts = Object.entries(rec.agents)
    .map(([name, f]) => `${name} ${grouped(f.total)}`)
    .join(', ');
  const unpriced = rec.unpriced_models.length ? ` (unpriced: ${rec.unpriced_models.join(', ')})` : '';
  return {
    type: 'tokens_recorded',
    phase,
    message: `${kind} ${rec.phase_id}: ${grouped(rec.total.total)} tokens, ${formatUsd(rec.cost_usd)}${unpriced} in ${rec.duration_s}s${parts ? ` (${parts})` : ''}`,
  };
}
