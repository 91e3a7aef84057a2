/** Signals, queries and updates of the build workflow: one module shared by workflow and clients. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { BudgetConfig, PhaseConfig, StewardConfig } from '../core/config/types';
import type { AgentHookEvent } from '../core/hook-event';
import type { BuildState } from '../core/state/build';
import type { BuildStatusView } from '../core/status-view';

export const WORKFLOW_TASK_QUEUE = 'steward';

export { activityQueueFor } from '../core/host-queue';
export type { BuildResult } from '../core/build-end';
export type { BuildStatusView } from '../core/status-view';

export function buildWorkflowId(name: string): string {
  return `build/${name}`;
}

export const PhaseSearchAttribute = defineSearchAttributeKey('StewardPhase', SearchAttributeType.KEYWORD);
export const StatusSearchAttribute = defineSearchAttributeKey('StewardStatus', SearchAttributeType.KEYWORD);
export const ProjectSearchAttribute = defineSearchAttributeKey('StewardProject', SearchAttributeType.KEYWORD);
export const EscalationSearchAttribute = defineSearchAttributeKey('StewardEscalation', SearchAttributeType.KEYWORD);

/** Registered on the dev server with `--search-attribute NAME=Keyword`. */
export const SEARCH_ATTRIBUTES = [
  PhaseSearchAttribute,
  StatusSearchAttribute,
  ProjectSearchAttribute,
  EscalationSearchAttribute,
];

export interface BuildInput {
  config: StewardConfig;
  configHash: string;
  /** Host whose activity queue owns the agents' tmux sessions, git clone and transcripts. */
  hostId: string;
  /** Present when continuing as new. */
  state?: BuildState;
}

/** The memo a continued run carries: when the build started (epoch ms), for `steward list`. */
export interface BuildMemo {
  startedAt?: number;
}

export const statusQuery = defineQuery<BuildStatusView>('status');
/**
 * The config the build runs now: after config reloads, appended phases and budget changes (the
 * run's start input has only the config it started with). For the CLI's phase ids, state_dir and
 * transcripts dir.
 */
export const configQuery = defineQuery<StewardConfig>('config');
export const stopSignal = defineSignal<[reason?: string]>('stop');
export const pushedSignal = defineSignal<[sha?: string]>('pushed');

/** What an agent's Claude Code hook reported (sent by `steward hook`). */
export const hookSignal = defineSignal<[event: AgentHookEvent]>('hook');

export const pauseUpdate = defineUpdate<string, [reason: string]>('pause');
export const resumeUpdate = defineUpdate<string, []>('resume');
export const advanceUpdate = defineUpdate<string, []>('advance');
export const appendPhasesUpdate = defineUpdate<string, [phases: PhaseConfig[]]>('appendPhases');
export const nudgeUpdate = defineUpdate<string, [request: { agent: string; message?: string }]>('nudge');
export const restartUpdate = defineUpdate<string, [request: { agent: string }]>('restart');
export const setBudgetUpdate = defineUpdate<string, [budget: BudgetConfig]>('setBudget');
