/** Signals, queries and updates of the build workflow: one module shared by workflow and clients. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { StewardConfig } from '../core/config/types';
import type { BuildState, PhaseRecord } from '../core/build-state';

export const WORKFLOW_TASK_QUEUE = 'steward';

export function activityQueueFor(hostId: string): string {
  return `steward@${hostId}`;
}

export function buildWorkflowId(name: string): string {
  return `build/${name}`;
}

export const PhaseSearchAttribute = defineSearchAttributeKey('StewardPhase', SearchAttributeType.KEYWORD);
export const StatusSearchAttribute = defineSearchAttributeKey('StewardStatus', SearchAttributeType.KEYWORD);
export const ProjectSearchAttribute = defineSearchAttributeKey('StewardProject', SearchAttributeType.KEYWORD);
export const EscalationSearchAttribute = defineSearchAttributeKey('StewardEscalation', SearchAttributeType.KEYWORD);

/** Registered on the dev server with `--search-attribute NAME=Keyword`. */
export const SEARCH_ATTRIBUTES = [PhaseSearchAttribute, StatusSearchAttribute, ProjectSearchAttribute, EscalationSearchAttribute];

export interface BuildInput {
  config: StewardConfig;
  configHash: string;
  /** Host whose activity queue owns the agents' tmux sessions, git clone and transcripts. */
  hostId: string;
  /** Present when continuing as new. */
  state?: BuildState;
}

export interface BuildResult {
  build: string;
  status: BuildState['status'];
  phases: PhaseRecord[];
  totalDurationMs: number;
}

export type BuildStatusView = Omit<BuildState, 'config'> & { phase: string | null; phaseCount: number };

export const statusQuery = defineQuery<BuildStatusView>('status');
export const stopSignal = defineSignal<[reason?: string]>('stop');
export const pushedSignal = defineSignal<[sha?: string]>('pushed');
