/**
 * The scenarios `npm run histories:record` (scripts/record-histories.ts) runs against a real dev
 * server to save workflow histories for the replay test (test/unit/replay-histories.test.ts).
 *
 * Each scenario drives one short build through a set of the workflow's code paths — every signal,
 * every update, continue-as-new, config reload, the supervision behaviours — checks that the
 * behaviour really happened (so a recorded file covers what its name says), stops the build and
 * returns the closed runs' histories. Intervals are long enough that idle ticks stay few: signals
 * and updates wake the loop at once, so the files stay small.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { buildWorkflow } from '../../src/workflows/build';
import {
  advanceUpdate,
  appendPhasesUpdate,
  BuildStatusView,
  hookSignal,
  nudgeUpdate,
  pauseUpdate,
  pushedSignal,
  restartUpdate,
  resumeUpdate,
  setBudgetUpdate,
  statusQuery,
  stopSignal,
} from '../../src/workflows/definitions';
import type { StewardEvent } from '../../src/core/events';
import type { AgentHookEvent, AgentHookKind } from '../../src/core/hook-event';
import { totalTokens } from '../../src/core/tokens/usage';
import { BuildHarness, eventually } from './harness';
import { INERT_SCRIPT } from './cli';
import { pushCommit } from './inert';
import { agentTable, buildHeader, DEMO_LOOP, DEMO_PATTERNS, scriptedAgentBackend } from './configs';
import type { History } from './history-json';

type BuildHandle = WorkflowHandle<typeof buildWorkflow>;

/** One saved run: `test/histories/<file>.json`. */
export interface RecordedRun {
  file: string;
  history: History;
}

export interface HistoryScenario {
  name: string;
  /** What the history exercises (written to test/histories/README.md). */
  covers: string;
  /** `continueAsNew`: a server with a low `limit.historyCount.suggestContinueAsNew`. */
  server: 'default' | 'continueAsNew';
  run(h: BuildHarness, log: (line: string) => void): Promise<RecordedRun[]>;
}

/** The history count at which the continue-as-new server suggests continuing (as in continue-as-new.test.ts). */
export const CONTINUE_AS_NEW_HISTORY_COUNT = 40;

/**
 * Inert scripted agents (they answer only `operator says …`, with known token usage): a loop
 * builder and adversary with the demo's handoff, and a persistent watcher so the build outlives
 * its phase sequence.
 */
export function scenarioConfig(
  name: string,
  script: string,
  watchdog: string,
  opts: { watcher?: boolean } = {},
): string {
  const watcher = opts.watcher
    ? agentTable({ name: 'watcher', kind: 'persistent', backend: 'inert', cwd: 'supervisor', kickoff: 'You watch.' })
    : '';
  return `${buildHeader(name, watchdog)}
${scriptedAgentBackend('inert', script, DEMO_PATTERNS)}
${agentTable({ name: 'builder', backend: 'inert', cwd: 'builder', kickoff: 'You are the builder.' })}
${agentTable({ name: 'adversary', backend: 'inert', cwd: 'adversary', kickoff: 'You are the adversary.' })}
${watcher}
${DEMO_LOOP}`;
}

async function startScenario(
  h: BuildHarness,
  watchdog: string,
  opts: { watcher?: boolean } = {},
): Promise<{ handle: BuildHandle; file: string; script: string }> {
  const script = join(h.dir, 'inert.toml');
  await writeFile(script, INERT_SCRIPT);
  const file = await h.writeConfig(scenarioConfig(h.name, script, watchdog, opts));
  const { handle } = await h.start(file);
  await eventually(
    async () => {
      const view = await handle.query(statusQuery);
      return Object.values(view.agents).every((a) => a.alive) && view.handoff.lastSha;
    },
    60_000,
    'agents alive and a baseline sha',
  );
  return { handle, file, script };
}

const status = (handle: BuildHandle): Promise<BuildStatusView> => handle.query(statusQuery);

/** Waits for an event of `type` (for `agent`, whose message matches `message`) after `afterSeq`. */
async function eventOf(
  handle: BuildHandle,
  type: string,
  opts: { agent?: string; message?: RegExp; afterSeq?: number; timeoutMs?: number } = {},
): Promise<StewardEvent> {
  return eventually(
    async () =>
      (await status(handle)).events.find(
        (e) =>
          e.type === type &&
          (opts.agent === undefined || e.agent === opts.agent) &&
          (opts.message === undefined || opts.message.test(e.message)) &&
          e.seq > (opts.afterSeq ?? 0),
      ),
    opts.timeoutMs ?? 30_000,
    `${type}${opts.agent ? ` ${opts.agent}` : ''}`,
  );
}

async function stopAndFetch(handle: BuildHandle, file: string): Promise<RecordedRun[]> {
  await handle.signal(stopSignal, 'recording over');
  const result = await handle.result();
  if (result.status !== 'stopped') throw new Error(`${file}: the build ended ${result.status}, not stopped`);
  return [{ file, history: await handle.fetchHistory() }];
}

async function updateRejected(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch {
    return;
  }
  throw new Error('expected the update to be rejected');
}

const now = (): number => Date.now();

export const HISTORY_SCENARIOS: HistoryScenario[] = [
  {
    name: 'operator-updates',
    covers:
      'every update — nudge, pause, resume, advance, appendPhases, restart, setBudget (over budget: paused, raised: resumed; over budget during an operator pause: held past the resume, then overridden) — a rejected update, and the stop signal',
    server: 'default',
    async run(h, log) {
      const { handle } = await startScenario(h, 'signal_interval = "2s"', { watcher: true });
      log('nudge');
      await handle.executeUpdate(nudgeUpdate, { args: [{ agent: 'builder', message: 'operator says hello' }] });
      // The answer's usage (11 in + 7 out) lands in the token accounts.
      await eventually(
        async () => {
          const usage = (await status(handle)).tokens.totals.builder?.usage;
          return usage && totalTokens(usage) > 0;
        },
        30_000,
        'tokens counted',
      );
      log('setBudget below the usage, then above it');
      await handle.executeUpdate(setBudgetUpdate, { args: [{ build: { tokens: 5 }, warn_ratio: 0.8 }] });
      await eventOf(handle, 'budget_exceeded');
      const paused = await eventOf(handle, 'paused', { message: /over budget/ });
      await handle.executeUpdate(setBudgetUpdate, { args: [{ build: { tokens: 1_000_000 }, warn_ratio: 0.8 }] });
      await eventOf(handle, 'resumed', { message: /back under budget/, afterSeq: paused.seq });
      log('pause, resume (and a rejected resume)');
      await handle.executeUpdate(pauseUpdate, { args: ['lunch'] });
      await handle.executeUpdate(resumeUpdate);
      await updateRejected(handle.executeUpdate(resumeUpdate));
      log('over budget during an operator pause: held past the first resume, overridden by a second');
      await handle.executeUpdate(pauseUpdate, { args: ['tea'] });
      await handle.executeUpdate(setBudgetUpdate, { args: [{ build: { tokens: 5 }, warn_ratio: 0.8 }] });
      await eventOf(handle, 'paused', { message: /during the operator's pause/ });
      if (!/^still paused/.test(await handle.executeUpdate(resumeUpdate)))
        throw new Error('the first resume lifted a budget pause');
      await handle.executeUpdate(resumeUpdate);
      await handle.executeUpdate(setBudgetUpdate, { args: [{ build: { tokens: 1_000_000 }, warn_ratio: 0.8 }] });
      log('advance, appendPhases');
      await handle.executeUpdate(advanceUpdate);
      await handle.executeUpdate(advanceUpdate);
      await handle.executeUpdate(appendPhasesUpdate, {
        args: [[{ id: 'p3', status: 'STATUS-p3.md', kickoff: 'Polish.' }]],
      });
      if ((await status(handle)).phase !== 'p3') throw new Error('appendPhases did not resume the sequence with p3');
      log('restart');
      const before = (await status(handle)).agents.builder!.sessionId;
      await handle.executeUpdate(restartUpdate, { args: [{ agent: 'builder' }] });
      if ((await status(handle)).agents.builder!.sessionId === before) throw new Error('restart kept the session id');
      return stopAndFetch(handle, 'operator-updates');
    },
  },
  {
    name: 'handoff-advance',
    covers:
      'pushed signals; claim and review pings (handoff); phase advance on the done marker; the sequence completes and the workflow returns by itself',
    server: 'default',
    async run(h, log) {
      const { handle } = await startScenario(h, 'signal_interval = "3s"');
      const pushed = async (clone: string, subject: string, file?: { path: string; text: string }) => {
        await pushCommit(h, clone, subject, file);
        await handle.signal(pushedSignal, 'recorded');
      };
      log('claim → ping adversary');
      await pushed('builder', 'claim(p1-gate): work/p1.txt', { path: 'work/p1.txt', text: 'x' });
      await eventOf(handle, 'ping_sent', { agent: 'adversary', message: /^claim / });
      log('review → ping builder');
      await pushed('adversary', 'review(p1-gate): PASS');
      await eventOf(handle, 'ping_sent', { agent: 'builder', message: /^review / });
      log('done marker → p2');
      await pushed('builder', 'status(p1): done', { path: '.steward-state/STATUS-p1.md', text: '## DONE\n' });
      await eventOf(handle, 'phase_started', { message: /./ });
      await eventually(async () => (await status(handle)).phase === 'p2', 30_000, 'phase p2');
      log('done marker → complete');
      await pushed('builder', 'status(p2): done', { path: '.steward-state/STATUS-p2.md', text: '## DONE\n' });
      const result = await handle.result();
      if (result.status !== 'completed' || result.phases.length !== 2)
        throw new Error(`unexpected result ${JSON.stringify(result)}`);
      return [{ file: 'handoff-advance', history: await handle.fetchHistory() }];
    },
  },
  {
    name: 'hooks',
    covers:
      'hook signals of every kind: rate_limit (with and without a reset), permission_prompt (a review ping held meanwhile), stop (releasing it), idle_prompt, session_start, other, and one from an unknown agent',
    server: 'default',
    async run(h, log) {
      const { handle } = await startScenario(h, 'signal_interval = "3s"');
      const hook = (agent: string, kind: AgentHookKind, extra: Partial<AgentHookEvent> = {}) =>
        handle.signal(hookSignal, { agent, kind, at: now(), sessionId: 'recorded-session', ...extra });
      log('rate limits');
      await hook('builder', 'rate_limit', { message: 'API Error: Rate limit reached' });
      await hook('adversary', 'rate_limit', {
        message: "You've hit your limit · resets 8pm",
        resetAt: now() + 3_600_000,
      });
      await eventOf(handle, 'agent_rate_limited', { agent: 'builder' });
      await eventOf(handle, 'agent_rate_limited', { agent: 'adversary' });
      log('permission prompt, then the turn ends');
      await hook('builder', 'permission_prompt', { message: 'Claude needs your permission to use Bash' });
      await eventOf(handle, 'agent_blocked', { agent: 'builder' });
      await pushCommit(h, 'adversary', 'review(p1-gate): PASS');
      await handle.signal(pushedSignal, 'recorded');
      await eventOf(handle, 'message_held', { agent: 'builder' });
      await hook('builder', 'stop', { message: 'Done.' });
      await eventually(
        async () => (await status(handle)).agents.builder!.blockedSince === null,
        30_000,
        'block cleared',
      );
      await eventOf(handle, 'ping_sent', { agent: 'builder', message: /^review / });
      log('idle, session start, other, unknown agent');
      await hook('adversary', 'idle_prompt', { message: 'Claude is waiting for your input' });
      await hook('adversary', 'session_start', { message: 'startup (claude-sonnet-4-6)' });
      await hook('adversary', 'other', { message: 'Notification auth_success: Authentication successful' });
      await hook('ghost', 'stop');
      await eventOf(handle, 'action_failed', { agent: 'ghost' });
      return stopAndFetch(handle, 'hooks');
    },
  },
  {
    name: 'config-reload',
    covers:
      'the running config edited: an invalid edit is rejected (config_rejected) and the build goes on; a valid one is applied (config_reloaded); one that adds a phase to the complete sequence resumes it with a kickoff',
    server: 'default',
    async run(h, log) {
      const { handle, file, script } = await startScenario(h, 'signal_interval = "1s"', { watcher: true });
      log('invalid edit');
      await writeFile(
        file,
        scenarioConfig(h.name, script, 'signal_interval = "1s"\nstall_idel = 5', { watcher: true }),
      );
      await eventOf(handle, 'config_rejected', { message: /stall_idel/ });
      log('valid edit');
      await writeFile(file, scenarioConfig(h.name, script, 'signal_interval = "2s"', { watcher: true }));
      const reloaded = await eventOf(handle, 'config_reloaded');
      log('complete the sequence, then add a phase by editing the file');
      await handle.executeUpdate(advanceUpdate);
      await handle.executeUpdate(advanceUpdate);
      const withP3 = scenarioConfig(h.name, script, 'signal_interval = "2s"', { watcher: true }).replace(
        '{ id = "p2", kickoff = "Write the farewell." }]',
        '{ id = "p2", kickoff = "Write the farewell." }, { id = "p3", kickoff = "Polish." }]',
      );
      await writeFile(file, withP3);
      await eventOf(handle, 'config_reloaded', { afterSeq: reloaded.seq });
      await eventOf(handle, 'phase_started', { message: /p3 started \(the sequence resumes\)/ });
      await eventOf(handle, 'ping_sent', { agent: 'builder', message: /kickoff for phase p3/ });
      return stopAndFetch(handle, 'config-reload');
    },
  },
  {
    name: 'heal',
    covers:
      "an agent's tmux session killed: healed on a heavy tick (agent_healed, a fresh launch); then the whole tmux server killed: both agents healed",
    server: 'default',
    async run(h, log) {
      const { handle } = await startScenario(h, 'signal_interval = "1s"\nheavy_interval = "1s"\nreboot_backoff = "1s"');
      log('kill the builder session');
      await h.tmux.killSession(`${h.name}-builder`);
      const healed = await eventOf(handle, 'agent_healed', { agent: 'builder' });
      await eventually(async () => (await status(handle)).agents.builder!.alive, 30_000, 'builder alive again');
      log('kill the tmux server');
      await h.tmux.killServer();
      await eventOf(handle, 'agent_healed', { agent: 'adversary' });
      await eventOf(handle, 'agent_healed', { agent: 'builder', afterSeq: healed.seq });
      await eventually(
        async () => Object.values((await status(handle)).agents).every((a) => a.alive),
        30_000,
        'both alive again',
      );
      return stopAndFetch(handle, 'heal');
    },
  },
  {
    name: 'undelivered',
    covers:
      "an agent's session gone: an operator's nudge to it fails (OperatorActionFailed); a claim ping to it stays pending (message_held) and is typed once after the heal that a config edit turns on",
    server: 'default',
    async run(h, log) {
      const watchdog = (heavy: string) => `signal_interval = "1s"\nheavy_interval = "${heavy}"\nreboot_backoff = "1s"`;
      const { handle, file, script } = await startScenario(h, watchdog('1h'));
      log('kill the adversary session; a nudge to it fails');
      await h.tmux.killSession(`${h.name}-adversary`);
      await updateRejected(
        handle.executeUpdate(nudgeUpdate, { args: [{ agent: 'adversary', message: 'operator says hi' }] }),
      );
      log('claim → the ping to the missing adversary is held');
      await pushCommit(h, 'builder', 'claim(p1-gate): work/p1.txt', { path: 'work/p1.txt', text: 'x' });
      await handle.signal(pushedSignal, 'recorded');
      await eventOf(handle, 'message_held', { agent: 'adversary', message: /^not delivered/ });
      log('healing on: the adversary is relaunched and gets the ping');
      await writeFile(file, scenarioConfig(h.name, script, watchdog('1s')));
      await eventOf(handle, 'agent_healed', { agent: 'adversary' });
      await eventOf(handle, 'ping_sent', { agent: 'adversary', message: /^claim / });
      return stopAndFetch(handle, 'undelivered');
    },
  },
  {
    name: 'stall',
    covers: 'a loop agent idle past stall_idle: one DONE-nudge, then a reboot (agent_rebooted) with a fresh session',
    server: 'default',
    async run(h, log) {
      const { handle } = await startScenario(
        h,
        'signal_interval = "1s"\nstall_grace = "1s"\nstall_idle = "2s"\nreboot_backoff = "1s"',
      );
      log('wait for the DONE-nudge and the reboot');
      await eventOf(handle, 'agent_nudged', { agent: 'builder' });
      await eventOf(handle, 'agent_rebooted', { agent: 'builder' });
      return stopAndFetch(handle, 'stall');
    },
  },
  {
    name: 'continue-as-new',
    covers: `continue-as-new (server suggests it at ${CONTINUE_AS_NEW_HISTORY_COUNT} events): the first run, which ends ContinuedAsNew, and a later run, which starts from the carried state and is stopped`,
    server: 'continueAsNew',
    async run(h, log) {
      const { handle } = await startScenario(h, 'signal_interval = "0.5s"');
      const first = await h.client.workflow.getHandle(handle.workflowId, (await handle.describe()).runId);
      log('wait for a continue-as-new');
      await eventually(
        async () => (await first.describe()).status.name === 'CONTINUED_AS_NEW',
        60_000,
        'continued as new',
      );
      // A pushed signal and an update in the carried-over run.
      const latest = h.client.workflow.getHandle<typeof buildWorkflow>(handle.workflowId);
      await latest.signal(pushedSignal);
      await latest.executeUpdate(nudgeUpdate, { args: [{ agent: 'builder', message: 'operator says hi' }] });
      await latest.signal(stopSignal, 'recording over');
      const result = await latest.result();
      if (result.status !== 'stopped') throw new Error(`continue-as-new: ended ${result.status}`);
      const lastRunId = (await latest.describe()).runId;
      const last = h.client.workflow.getHandle(handle.workflowId, lastRunId);
      return [
        { file: 'continue-as-new-first', history: await first.fetchHistory() },
        { file: 'continue-as-new-last', history: await last.fetchHistory() },
      ];
    },
  },
];
