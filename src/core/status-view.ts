import { BuildState, buildStartedAt, currentPhaseId, phases } from './state/build';

/** What the `status` query answers: the build's state without its config, plus where it stands. */
export type BuildStatusView = Omit<BuildState, 'config'> & {
  /** When the build started, across continue-as-new (epoch ms). */
  startedAt: number;
  phase: string | null;
  phaseCount: number;
  phases: { id: string; status: string }[];
};

export function statusView(state: BuildState): BuildStatusView {
  const { config: _config, ...rest } = state;
  return {
    ...rest,
    startedAt: buildStartedAt(state),
    phase: currentPhaseId(state),
    phaseCount: phases(state).length,
    phases: phases(state).map((p) => ({ id: p.id, status: p.status })),
  };
}
