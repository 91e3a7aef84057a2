import { BuildState, buildStartedAt, currentPhaseId, phases } from './state/build';
import { buildHosts, hostOf } from './hosts';

/** What the `status` query answers: the build's state without its config, plus where it stands. */
export type BuildStatusView = Omit<BuildState, 'config'> & {
  /** When the build started, across continue-as-new (epoch ms). */
  startedAt: number;
  phase: string | null;
  phaseCount: number;
  phases: { id: string; status: string }[];
  /** Agent → the host it runs on; only for a build on several hosts (`host =`). */
  agentHosts?: Record<string, string>;
};

export function statusView(state: BuildState): BuildStatusView {
  const { config: _config, ...rest } = state;
  return {
    ...rest,
    startedAt: buildStartedAt(state),
    phase: currentPhaseId(state),
    phaseCount: phases(state).length,
    phases: phases(state).map((p) => ({ id: p.id, status: p.status })),
    ...(buildHosts(state).length > 1
      ? { agentHosts: Object.fromEntries(state.config.agents.map((a) => [a.name, hostOf(state, a.name)])) }
      : {}),
  };
}

/**
 * The view as of `now`: each live agent's idle time brought forward from the look it was measured
 * at. The workflow hears from the host only when something changed or a rule is due (a quiet
 * spell), so between two reports a pane that showed the same text stayed idle all along. Pure.
 */
export function statusAsOf(view: BuildStatusView, now: number): BuildStatusView {
  const observedAt = view.observedAt;
  // An ended build is no longer looked at: its last figures stand.
  const supervised = view.status === 'running' || view.status === 'paused';
  if (!supervised || observedAt === undefined || now <= observedAt) return view;
  const since = Math.round((now - observedAt) / 1000);
  const agents = Object.fromEntries(
    Object.entries(view.agents).map(([name, a]) => [name, a.alive ? { ...a, idleSeconds: a.idleSeconds + since } : a]),
  );
  return { ...view, agents };
}
