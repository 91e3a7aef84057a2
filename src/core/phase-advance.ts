import type { BuildState } from './state/build';
import { phases } from './state/build';
import type { PlannedAction } from './state/actions';
import type { NewEvent } from './events';
import { Decision, unchanged } from './decision';
import { phaseKickoff } from './prompts';
import type { PhaseConfig } from './config/types';

/**
 * How the message of a `phase_completed` ends when the operator's `advance` ended the phase
 * without its done marker (the retro records tell such a phase from one that passed by it).
 */
export const ADVANCED_BY_OPERATOR = ' (advanced by operator)';

/**
 * The current phase's status file carries the done marker: record its duration, then either start
 * the next phase (kickoff to the loop agents, per-phase flags reset) or complete the sequence.
 * `force` is the operator's `advance`, which needs no marker.
 */
export function phaseAdvanceDecision(
  state: BuildState,
  phaseDone: boolean,
  now: number,
  force = false,
): Decision<BuildState> {
  const all = phases(state);
  const phase = all[state.phaseIndex];
  const loop = state.config.loop;
  if (!phase || !loop || !(phaseDone || force)) return unchanged(state);

  const record = {
    id: phase.id,
    startedAt: state.phaseStartedAt,
    endedAt: now,
    durationMs: now - state.phaseStartedAt,
  };
  const events: NewEvent[] = [
    {
      type: 'phase_completed',
      phase: phase.id,
      durationMs: record.durationMs,
      message: `phase ${phase.id} done in ${Math.round(record.durationMs / 1000)}s${force && !phaseDone ? ADVANCED_BY_OPERATOR : ''}`,
    },
  ];
  const agents = Object.fromEntries(
    Object.entries(state.agents).map(([name, a]) => [name, { ...a, doneNudgedPhase: null }]),
  );
  const next = all[state.phaseIndex + 1];
  const advanced: BuildState = {
    ...state,
    agents,
    phaseIndex: state.phaseIndex + 1,
    phaseStartedAt: now,
    completedPhases: [...state.completedPhases, record],
  };
  if (!next) {
    events.push({ type: 'sequence_completed', message: `all ${all.length} phases done` });
    return { state: advanced, actions: [], events };
  }
  events.push({ type: 'phase_started', phase: next.id, message: `phase ${next.id} started` });
  return { state: advanced, actions: phaseKickoffPings(state, next), events };
}

/** The kickoff of `phase`, typed into every loop agent. */
function phaseKickoffPings(state: BuildState, phase: PhaseConfig): PlannedAction[] {
  const text = phaseKickoff(state.config.loop!, phase);
  return state.config.agents
    .filter((a) => a.kind === 'loop')
    .map((a) => ({
      action: { type: 'send', agent: a.name, text },
      event: { type: 'ping_sent', agent: a.name, phase: phase.id, message: `kickoff for phase ${phase.id}` },
    }));
}

/**
 * Phases were added to a complete sequence (by `appendPhases` or an edit of the config file), and
 * `state.phaseIndex` now points at the first of them: the sequence resumes with it, started now
 * and kicked off like any phase. Anything else: nothing to do.
 */
export function sequenceResumeDecision(wasComplete: boolean, state: BuildState, now: number): Decision<BuildState> {
  const phase = phases(state)[state.phaseIndex];
  if (!wasComplete || !phase) return unchanged(state);
  return {
    state: { ...state, phaseStartedAt: now },
    actions: phaseKickoffPings(state, phase),
    events: [{ type: 'phase_started', phase: phase.id, message: `phase ${phase.id} started (the sequence resumes)` }],
  };
}
