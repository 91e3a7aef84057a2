import { BuildState, buildTiming, PhaseRecord, sequenceComplete } from './state/build';
import type { Decision } from './decision';

/** What a build returns when it ends. */
export interface BuildResult {
  build: string;
  status: BuildState['status'];
  phases: PhaseRecord[];
  /** The sum of the completed phases' durations. */
  totalDurationMs: number;
  /** Epoch ms: the build's start (its first run's, across continue-as-new) and end. Absent from older results. */
  startedAt?: number;
  endedAt?: number;
  /** The build's wall time, start to end. Absent from older results. */
  wallTimeMs?: number;
}

/** The operator's `stop`: supervision ends; the agents are left running in tmux. */
export function stopDecision(state: BuildState, reason: string): Decision<BuildState> {
  return { state: { ...state, status: 'stopped' }, actions: [], events: [{ type: 'stopped', message: reason }] };
}

/** Persistent agents and services outlive the phase sequence; a build of loops ends with it. */
export function supervisesAfterCompletion(state: BuildState): boolean {
  return state.config.services.length > 0 || state.config.agents.some((a) => a.kind === 'persistent');
}

/** The build completed by itself: its sequence is done and nothing outlives it. Null while it goes on. */
export function completedBuild(state: BuildState): BuildState | null {
  return sequenceComplete(state) && !supervisesAfterCompletion(state) ? { ...state, status: 'completed' } : null;
}

export function buildResult(state: BuildState, now: number): BuildResult {
  return {
    build: state.config.name,
    status: state.status,
    phases: state.completedPhases,
    totalDurationMs: state.completedPhases.reduce((sum, p) => sum + p.durationMs, 0),
    ...buildTiming(state, now),
  };
}

/** A build that ended writes its report, unless its host is lost: the report would only wait out its timeouts. */
export function writesReport(state: BuildState): boolean {
  return !state.hostLost;
}
