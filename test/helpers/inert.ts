import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { runProgram } from '../../src/host/run-program';
import type { StewardEvent } from '../../src/core/events';
import { statusQuery } from '../../src/workflows/definitions';
import { BuildHarness, eventually } from './harness';
import { agentTable, AgentTable, buildHeader, DEMO_HANDOFF, loopTable, scriptedAgentBackend } from './configs';

/** A scripted agent's script that reacts to nothing: its agent sits idle at the prompt. */
export const IDLE_SCRIPT = 'on = []\n';

/** A script that reacts to nothing: the test itself plays the agents' part in git. */
export async function inertScript(h: BuildHarness): Promise<string> {
  const file = join(h.dir, 'inert.toml');
  await writeFile(file, IDLE_SCRIPT);
  return file;
}

/**
 * Builder and adversary that never act, the handoff wired as in the demo. `builder`: the builder
 * on a backend of its own (`backends`, its tables), and any other keys of its agent table.
 */
export function inertPairConfig(
  name: string,
  script: string,
  watchdog = 'signal_interval = 0.2',
  builder?: { backends: string; agent: Partial<AgentTable> },
): string {
  return `${buildHeader(name, watchdog)}
${scriptedAgentBackend('inert', script)}
${builder?.backends ?? ''}
${agentTable({ name: 'builder', backend: 'inert', cwd: 'builder', ...builder?.agent })}
${agentTable({ name: 'adversary', backend: 'inert', cwd: 'adversary' })}
${loopTable([{ id: 'p1' }, { id: 'p2' }], DEMO_HANDOFF)}`;
}

/** Commits (optionally writing a file) in one of the workspace's clones and pushes to origin/main. */
export async function pushCommit(
  h: BuildHarness,
  clone: string,
  subject: string,
  file?: { path: string; text: string },
): Promise<void> {
  const cwd = join(h.dir, clone);
  const git = async (args: string[]) => {
    const r = await runProgram('git', args, { cwd });
    if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  await git(['pull', '-q', '--rebase', 'origin', 'main']);
  if (file) {
    const { mkdir } = await import('node:fs/promises');
    const { dirname } = await import('node:path');
    await mkdir(dirname(join(cwd, file.path)), { recursive: true });
    await writeFile(join(cwd, file.path), file.text);
    await git(['add', '-A']);
  }
  await git(['commit', '-q', '--allow-empty', '-m', subject]);
  await git(['push', '-q', 'origin', 'HEAD:main']);
}

/** Waits until the build has sent a ping (to `agent`, if given) whose message has `text`; returns it. */
export function untilPing(
  handle: WorkflowHandle,
  text: string,
  timeoutMs: number,
  what: string,
  agent?: string,
): Promise<StewardEvent> {
  return eventually(
    async () =>
      (await handle.query(statusQuery)).events.find(
        (e) => e.type === 'ping_sent' && (agent === undefined || e.agent === agent) && e.message.includes(text),
      ),
    timeoutMs,
    what,
  );
}
