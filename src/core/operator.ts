import type { PhaseConfig } from './config/types';
import type { OperatorCommand } from './state/operator-command';
import { idError, sessionSafeNameError } from './config/names';
import { normalizePath, staysInside } from './config/paths';
import { BuildState, phases, sequenceComplete } from './state/build';
import type { PlannedAction } from './state/actions';
import { Decision, unchanged } from './decision';
import { phaseAdvanceDecision, sequenceResumeDecision } from './phase-advance';
import { launchKickoff } from './launch-decision';
import { newAgentState } from './initial-state';
import { holdMessage } from './supervision/held-messages';
import { capText, MAX_REASON_BYTES, MAX_TYPED_TEXT_BYTES, overByteLimit, utf8Bytes } from './config/limits';

export type { OperatorCommand } from './state/operator-command';

export interface OperatorOutcome extends Decision<BuildState> {
  /** One line for the operator. */
  reply: string;
}

export const DEFAULT_NUDGE =
  'watchdog nudge from the operator: resume now — pull any pending review or inbox file and continue. Do not stay idle.';

function unknownAgent(state: BuildState, name: string): string | null {
  if (state.config.agents.some((a) => a.name === name)) return null;
  return `no agent "${name}" in build ${state.config.name}; agents: ${state.config.agents.map((a) => a.name).join(', ') || 'none'}`;
}

function phaseProblems(state: BuildState, added: PhaseConfig[]): string | null {
  if (!state.config.loop) return `build ${state.config.name} has no [loop] to append phases to`;
  if (added.length === 0) return 'no phases given';
  const seen = new Set(phases(state).map((p) => p.id));
  for (const p of added) {
    const bad = idError(p.id);
    if (bad) return `phase id: ${bad}`;
    if (seen.has(p.id)) return `phase "${p.id}" already exists`;
    seen.add(p.id);
    // The same rule as a phase's `status` in the config file.
    if (!staysInside(p.status) || normalizePath(p.status) === '.')
      return `phase "${p.id}": status file must stay inside the state dir`;
  }
  return null;
}

/** Update validators: nonsense is rejected before it enters history. Returns the problem, or null. */
export function operatorCommandProblem(state: BuildState, cmd: OperatorCommand): string | null {
  // A build that ended takes no command: its loop is gone, so nothing would ever apply or answer it.
  const ended = state.status === 'completed' || state.status === 'stopped' ? `build is ${state.status}` : null;
  return commandProblem(state, cmd) ?? ended;
}

function commandProblem(state: BuildState, cmd: OperatorCommand): string | null {
  switch (cmd.type) {
    case 'pause':
      return state.status === 'paused'
        ? 'already paused'
        : state.status !== 'running'
          ? `build is ${state.status}`
          : null;
    case 'resume':
      return state.status === 'paused' ? null : `build is ${state.status}, not paused`;
    case 'advance':
      if (!state.config.loop) return `build ${state.config.name} has no phases`;
      return sequenceComplete(state) ? 'cannot advance past the last phase: the sequence is complete' : null;
    case 'appendPhases':
      return phaseProblems(state, cmd.phases);
    case 'nudge': {
      // Refused here, an oversized text never enters the build's history.
      const bytes = utf8Bytes(cmd.message ?? '');
      const tooLong =
        bytes > MAX_TYPED_TEXT_BYTES ? `the message is ${overByteLimit(bytes, MAX_TYPED_TEXT_BYTES)}` : null;
      return sessionSafeNameError(cmd.agent) ?? unknownAgent(state, cmd.agent) ?? tooLong;
    }
    case 'restart':
      return sessionSafeNameError(cmd.agent) ?? unknownAgent(state, cmd.agent);
    case 'setBudget': {
      const limits = [cmd.budget.build?.tokens, cmd.budget.build?.usd, cmd.budget.phase?.tokens, cmd.budget.phase?.usd];
      if (limits.some((v) => v !== undefined && !(v > 0))) return 'budget limits must be positive numbers';
      const ratio = cmd.budget.warn_ratio;
      return typeof ratio === 'number' && ratio > 0 && ratio <= 1 ? null : 'warn_ratio must be a number in (0, 1]';
    }
  }
}

/** Applies a validated operator command. `newSessionId` is a fresh id for a restarted agent. */
export function operatorDecision(
  state: BuildState,
  cmd: OperatorCommand,
  now: number,
  newSessionId: string,
): OperatorOutcome {
  switch (cmd.type) {
    case 'pause': {
      // The reason is kept in the build's events (and every status query and continue-as-new): cut a long one.
      const reason = capText(cmd.reason, MAX_REASON_BYTES);
      return {
        ...unchanged<BuildState>({ ...state, status: 'paused', operatorPaused: true }),
        events: [{ type: 'paused', message: reason }],
        reply: `paused: ${reason}`,
      };
    }
    case 'resume':
      return resume(state);
    case 'advance': {
      const from = phases(state)[state.phaseIndex]?.id;
      const advanced = phaseAdvanceDecision(state, false, now, true);
      const to = phases(advanced.state)[advanced.state.phaseIndex]?.id;
      return {
        ...advanced,
        reply: to ? `advanced from ${from} to ${to}` : `advanced past ${from}: the sequence is complete`,
      };
    }
    case 'appendPhases':
      return appendPhases(state, cmd.phases, now);
    case 'nudge':
      return nudge(state, cmd.agent, cmd.message?.trim() || DEFAULT_NUDGE);
    case 'restart':
      return restartAgent(state, cmd.agent, now, newSessionId);
    case 'setBudget':
      return {
        ...unchanged({ ...state, config: { ...state.config, budget: cmd.budget } }),
        events: [{ type: 'budget_updated', message: JSON.stringify(cmd.budget) }],
        reply: 'budget updated',
      };
  }
}

/**
 * Resuming lifts the operator's pause. A budget crossed during that pause still holds: the
 * operator did not see it, so this resume ends only their pause and says so; a second resume (of
 * what is now a plain budget pause) overrides the budget, as raising it would end it.
 */
function resume(state: BuildState): OperatorOutcome {
  if (state.operatorPaused && state.budgetPaused) {
    return {
      state: { ...state, operatorPaused: false },
      actions: [],
      events: [{ type: 'paused', message: 'operator pause lifted; still paused: the budget was exceeded during it' }],
      reply:
        'still paused: the build went over its token budget while paused. Raise the budget to resume, or resume again to override it',
    };
  }
  const overBudget = state.budgetPaused ? ' over budget: the budget is overridden until it is raised' : '';
  return {
    state: { ...state, status: 'running', operatorPaused: false },
    actions: [],
    events: [{ type: 'resumed', message: `resumed by operator${overBudget}` }],
    reply: `resumed${overBudget}`,
  };
}

/**
 * Types the operator's message. An agent its hook reported at a permission prompt gets it later:
 * the submit key would answer the dialog (see `holdMessagesForBlockedAgents`, which releases it).
 */
function nudge(state: BuildState, name: string, text: string): OperatorOutcome {
  const planned: PlannedAction = {
    action: { type: 'send', agent: name, text },
    event: { type: 'agent_nudged', agent: name, message: `operator nudge: ${text.slice(0, 80)}` },
  };
  const agent = state.agents[name];
  if (!agent || agent.blockedSince === null) return { state, actions: [planned], events: [], reply: `nudged ${name}` };
  const held = holdMessage(agent, planned);
  return {
    state: { ...state, agents: { ...state.agents, [name]: held.state } },
    actions: [],
    events: [held.event],
    reply: `held for ${name}: it waits at a permission prompt; the message is typed once that is answered`,
  };
}

function appendPhases(state: BuildState, added: PhaseConfig[], now: number): OperatorOutcome {
  const loop = state.config.loop!;
  const wasComplete = sequenceComplete(state);
  const normalized = added.map((p) => ({ ...p, status: normalizePath(p.status) }));
  const next: BuildState = {
    ...state,
    config: { ...state.config, loop: { ...loop, phases: [...loop.phases, ...normalized] } },
  };
  const resumed = sequenceResumeDecision(wasComplete, next, now);
  return {
    state: resumed.state,
    actions: resumed.actions,
    events: [{ type: 'phases_appended', message: `appended ${added.map((p) => p.id).join(', ')}` }, ...resumed.events],
    reply: `appended ${added.length} phase(s)${wasComplete ? '; the sequence resumes' : ''}`,
  };
}

function restartAgent(state: BuildState, name: string, now: number, sessionId: string): OperatorOutcome {
  const agent = state.config.agents.find((a) => a.name === name)!;
  return {
    // A clean slate: no crash loop, no stale limit, wait marker or permission block. Messages held
    // at the old session's permission prompt (a claim still to review) go to the new one.
    state: {
      ...state,
      agents: {
        ...state.agents,
        [name]: { ...newAgentState(sessionId), startedAt: now, lastWakeAt: now, held: state.agents[name]?.held ?? [] },
      },
    },
    actions: [
      {
        action: { type: 'launch', agent: name, fresh: true, prompt: launchKickoff(state, agent) },
        event: { type: 'agent_restarted', agent: name, message: 'restarted by operator' },
      },
    ],
    events: [],
    reply: `restarted ${name}`,
  };
}
