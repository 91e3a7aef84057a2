/**
 * The gates of a build as cards on its flow: claimed → in review → failed / passed. Pure.
 */
import type { StewardEvent } from '../events';
import { gateLabel } from '../gate-label';
import type { GateMetrics } from '../metrics';
import type { GateCard, GateStage } from './types';

/** The handoff's claim ping says `claim <commit subject> (<sha>)` (handoffDecision in ../handoff.ts). */
const CLAIM_PING_PREFIX = 'claim ';

/** The gate a ping is about: its own `gate`, else the label of the claim commit a claim ping names. */
function pingedGate(e: StewardEvent): string | null {
  if (e.gate) return e.gate;
  return e.message.startsWith(CLAIM_PING_PREFIX) ? gateLabel(e.message.slice(CLAIM_PING_PREFIX.length)) : null;
}

/** Per gate label: its latest claim and its latest review ping, in one pass. */
export interface GateTimes {
  lastClaimAt: Map<string, number>;
  lastPingAt: Map<string, number>;
}

export function gateTimes(events: readonly StewardEvent[]): GateTimes {
  const lastClaimAt = new Map<string, number>();
  const lastPingAt = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'gate_claimed' && e.gate) lastClaimAt.set(e.gate, e.at);
    else if (e.type === 'ping_sent') {
      const gate = pingedGate(e);
      if (gate !== null) lastPingAt.set(gate, e.at);
    }
  }
  return { lastClaimAt, lastPingAt };
}

/**
 * Passed and failed as the metrics say; an open gate is in review once a reviewer was pinged about
 * it since its latest claim (a ping of the same tick counts: it follows the claim), or gave a
 * verdict on its current round.
 */
export function gateStage(gate: GateMetrics, times: GateTimes): GateStage {
  if (gate.status !== 'open') return gate.status;
  const claimAt = times.lastClaimAt.get(gate.gate) ?? -Infinity;
  const pingAt = times.lastPingAt.get(gate.gate) ?? null;
  const lastVerdict = gate.verdicts.at(-1);
  const reviewed = lastVerdict !== undefined && lastVerdict.attempt >= gate.rounds;
  return reviewed || (pingAt !== null && pingAt >= claimAt) ? 'in_review' : 'claimed';
}

export function gateCard(gate: GateMetrics, times: GateTimes): GateCard {
  return {
    gate: gate.gate,
    phase: gate.phase,
    builder: gate.builder,
    stage: gateStage(gate, times),
    rounds: gate.rounds,
    verdicts: gate.verdicts,
    claimedAt: gate.claimedAt,
    timeToFirstReviewMs: gate.timeToFirstReviewMs,
    timeToPassMs: gate.timeToPassMs,
    costUsd: gate.costUsd,
  };
}
