import { resolve } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { AgentHookEvent } from '../../src/core/hook-event';
import { CLAUDE_CODE_VERSION } from '../../src/client/claude-binary';
import type { BuildHarness } from './harness';
import { buildHeader, agentTable, DEMO_LOOP } from './configs';
import { claudeBackendToml, claudeTestbed, ClaudeTestbed } from './claude-code';

/** The stand-in script that plays builder and adversary through a phase sequence (also the demo's). */
export const DEMO_MODEL_SCRIPT = resolve('config/demo-claude/model.script.toml');

/** Signed in to a plan instead of a key: Claude Code then reads the unified rate-limit headers. */
const OAUTH = { ANTHROPIC_API_KEY: '', CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-standin' };

/**
 * A build of real Claude Code agents under the harness: the testbed (CLI, config dir, stand-in),
 * hooks pointed at the test's Temporal server, bypass mode with its warning already accepted, and
 * the builder/adversary pair unless `agents` says otherwise.
 */
export async function claudeBuild(
  h: BuildHarness,
  opts: {
    script?: string;
    watchdog?: string;
    args?: string[];
    extra?: string;
    agents?: string;
    version?: string;
    auth?: 'api-key' | 'oauth';
    env?: Record<string, string>;
  } = {},
): Promise<{ bed: ClaudeTestbed; config: string }> {
  const { readFile } = await import('node:fs/promises');
  const bed = await claudeTestbed({
    dir: h.dir,
    version: opts.version ?? CLAUDE_CODE_VERSION,
    script: opts.script ?? (await readFile(DEMO_MODEL_SCRIPT, 'utf8')),
    // 2.1.x looks for trust up to the git root only: each clone is trusted by name.
    trusted: ['builder', 'adversary'].map((clone) => `${h.dir}/${clone}`),
    skipBypassWarning: true,
  });
  const agents =
    opts.agents ??
    `${agentTable({ name: 'builder', backend: 'claude', cwd: 'builder', kickoff: 'You are the builder.' })}
${agentTable({ name: 'adversary', backend: 'claude', cwd: 'adversary', kickoff: 'You are the adversary.' })}`;
  const config = `${buildHeader(h.name, opts.watchdog ?? 'signal_interval = 0.5\nheavy_interval = 2\nstall_grace = "1m"\nstall_idle = "10m"')}
${claudeBackendToml(bed, { args: opts.args ?? ['--dangerously-skip-permissions'], env: { TEMPORAL_ADDRESS: h.address, ...(opts.auth === 'oauth' ? OAUTH : {}), ...opts.env } })}
${agents}
${opts.extra ?? DEMO_LOOP}
`;
  return { bed, config: await h.writeConfig(config) };
}

/** The `hook` signals the build received, in order: what the agents' Claude Code hooks reported. */
export async function hookSignals(handle: WorkflowHandle): Promise<AgentHookEvent[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const signaled = e.workflowExecutionSignaledEventAttributes;
    const data = signaled?.signalName === 'hook' ? signaled.input?.payloads?.[0]?.data : null;
    return data ? [JSON.parse(Buffer.from(data).toString('utf8')) as AgentHookEvent] : [];
  });
}
