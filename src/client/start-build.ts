import { Client, WorkflowExecutionAlreadyStartedError, WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { StewardConfig } from '../core/config/types';
import type { buildWorkflow } from '../workflows/build';
import {
  buildWorkflowId,
  PhaseSearchAttribute,
  ProjectSearchAttribute,
  StatusSearchAttribute,
  WORKFLOW_TASK_QUEUE,
} from '../workflows/definitions';

export interface StartedBuild {
  handle: WorkflowHandle<typeof buildWorkflow>;
  /** True when a build for this config was already running and we attached to it. */
  attached: boolean;
}

/** Starts the build for a config, or attaches to the one already running under its id. */
export async function startBuild(
  client: Client,
  config: StewardConfig,
  configHash: string,
  hostId: string,
): Promise<StartedBuild> {
  const workflowId = buildWorkflowId(config.name);
  const phases = config.loop?.phases.map((p) => p.id) ?? [];
  try {
    const handle = await client.workflow.start<typeof buildWorkflow>('buildWorkflow', {
      workflowId,
      taskQueue: WORKFLOW_TASK_QUEUE,
      args: [{ config, configHash, hostId }],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: ProjectSearchAttribute, value: config.name },
        { key: PhaseSearchAttribute, value: phases[0] ?? 'none' },
        { key: StatusSearchAttribute, value: 'running' },
      ]),
      staticSummary: `Steward build ${config.name}`,
      staticDetails:
        `**${config.name}** from \`${config.source}\`\n\n` +
        `Agents: ${config.agents.map((a) => `${a.name} (${a.kind})`).join(', ') || 'none'}\n\n` +
        `Phases: ${phases.join(' → ') || 'none'}\n\nHost: ${hostId}`,
    });
    return { handle, attached: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { handle: client.workflow.getHandle<typeof buildWorkflow>(workflowId), attached: true };
    }
    throw err;
  }
}
