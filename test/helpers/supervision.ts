import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { runProgram } from '../../src/host/run-program';
import { BUILTIN_BACKENDS } from '../../src/core/config/builtin-backends';
import type { EventType, StewardEvent } from '../../src/core/events';
import { BuildStatusView, statusQuery, stopSignal } from '../../src/workflows/definitions';
import type { BuildHarness } from './harness';
import { agentTable, AgentTable, buildHeader, loopTable, Phase, scriptedAgentBackend, TomlKeys } from './configs';
import { eventually } from './harness';

/**
 * Helpers for the supervision integration tests: scripted agents with Claude Code's own pane
 * patterns (so the panes are judged exactly as a real agent's would be), pane pids and text, and
 * the events the build recorded.
 */

const claude = BUILTIN_BACKENDS.scripted;

/** A `[backend.<name>]` table running the scripted agent with `script`, and Claude Code's pane patterns. */
export function scriptedBackend(name: string, script: string): string {
  return scriptedAgentBackend(name, script, {
    busy_patterns: claude.busy_patterns,
    idle_patterns: claude.idle_patterns,
    limit_patterns: claude.limit_patterns,
  });
}

/** Writes a scripted agent's script (TOML) into the harness dir and returns its path. */
export async function writeScript(h: BuildHarness, name: string, toml: string): Promise<string> {
  const file = join(h.dir, `${name}.script.toml`);
  await writeFile(file, toml);
  return file;
}

/** A build of scripted agents: what a supervision test says about it, the rest as in every such test. */
export interface SupervisedBuild {
  /** The `[watchdog]` table. */
  watchdog: TomlKeys;
  /** Each backend's script (TOML), by backend name: a scripted agent with Claude Code's pane patterns. */
  scripts: Record<string, string>;
  agents: AgentTable[];
  /** The loop's phases; one, p1, with no kickoff of its own, if left out. */
  phases?: Phase[];
  /** More `[loop]` keys (TOML lines). */
  loop?: string;
}

/** Writes the scripts and the config of the build into the harness dir, and starts it. */
export async function startSupervised(h: BuildHarness, build: SupervisedBuild): Promise<Build> {
  const backends = await Promise.all(
    Object.entries(build.scripts).map(async ([name, toml]) => scriptedBackend(name, await writeScript(h, name, toml))),
  );
  const config = `${buildHeader(h.name, build.watchdog)}
${backends.join('\n')}
${build.agents.map(agentTable).join('\n')}
${loopTable(build.phases ?? [{ id: 'p1' }], build.loop)}`;
  return (await h.start(await h.writeConfig(config))).handle;
}

export function sessionOf(h: BuildHarness, agent: string): string {
  return `${h.name}-${agent}`;
}

export async function paneText(h: BuildHarness, agent: string): Promise<string> {
  return (await h.tmux.snapshot(sessionOf(h, agent), 200)).tail;
}

/** The pid of the program in the agent's pane, or null when the session is gone. */
export async function panePid(h: BuildHarness, agent: string): Promise<string | null> {
  const r = await runProgram('tmux', [
    '-L',
    h.socket,
    'display-message',
    '-p',
    '-t',
    `=${sessionOf(h, agent)}:`,
    '#{pane_pid}',
  ]);
  return r.code === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

export type Build = WorkflowHandle;

export async function status(handle: Build): Promise<BuildStatusView> {
  return handle.query(statusQuery);
}

export function eventsOf(view: BuildStatusView, type: EventType, agent?: string): StewardEvent[] {
  return view.events.filter((e) => e.type === type && (agent === undefined || e.agent === agent));
}

/** Waits until the build's status passes `test`; returns the view then. */
export async function untilStatus(
  handle: Build,
  test: (view: BuildStatusView) => unknown,
  timeoutMs: number,
  what: string,
): Promise<BuildStatusView> {
  return eventually(
    async () => {
      const view = await status(handle);
      return test(view) ? view : null;
    },
    timeoutMs,
    what,
  );
}

/** Waits until the build has recorded `count` events of `type` (for `agent`); returns the view then. */
export async function untilEvents(
  handle: Build,
  type: EventType,
  agent: string | undefined,
  count = 1,
  timeoutMs = 30_000,
): Promise<BuildStatusView> {
  return untilStatus(
    handle,
    (view) => eventsOf(view, type, agent).length >= count,
    timeoutMs,
    `${count} × ${type}${agent ? ` for ${agent}` : ''}`,
  );
}

/** Waits until every one of `agents` is alive (with `'startedAt'`: has started); returns the view then. */
export async function untilAgents(
  handle: Build,
  agents: string[],
  key: 'alive' | 'startedAt' = 'alive',
  timeoutMs = 30_000,
): Promise<BuildStatusView> {
  return untilStatus(
    handle,
    (view) => agents.every((agent) => view.agents[agent]?.[key]),
    timeoutMs,
    `${agents.join(', ')}: ${key}`,
  );
}

/** Stops the build (agents are left in tmux for the harness to kill) and waits for the workflow to end. */
export async function stopBuild(handle: Build): Promise<void> {
  await handle.signal(stopSignal, 'test over');
  await handle.result();
}

/** A short pause where a test must let ticks pass to show that something does NOT happen. */
export function ticks(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
