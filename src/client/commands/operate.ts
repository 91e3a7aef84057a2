/**
 * The operator's commands on builds: list, status, phase show/advance/append, pause, resume,
 * stop, nudge, restart, events. A build is named by its build name B (workflow `build/B`) or by
 * the full workflow id. Exit codes: 0 ok, 1 runtime error (no server, no answer in time), 2 usage
 * or bad input (unknown build or agent, a command the workflow's validator refused).
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { UpdateDefinition } from '@temporalio/common';
import type { PhaseConfig } from '../../core/config/types';
import { idError, sessionSafeNameError } from '../../core/config/names';
import type { StewardEvent } from '../../core/events';
import {
  advanceUpdate,
  appendPhasesUpdate,
  nudgeUpdate,
  PhaseSearchAttribute,
  EscalationSearchAttribute,
  ProjectSearchAttribute,
  pauseUpdate,
  restartUpdate,
  resumeUpdate,
  StatusSearchAttribute,
  stopSignal,
  type BuildStatusView,
} from '../../workflows/definitions';
import {
  cliError,
  DEFAULT_WAIT_SECONDS,
  NO_WORKER_HINT,
  openBuild,
  parseBuildRef,
  queryStatus,
  rpc,
  runUpdate,
  sendSignal,
  buildConfig,
  updateIdError,
  withTemporal,
  type OpenBuild,
} from '../build-handle';
import { collect, examples, outputOf, wholeNumber } from '../cli-output';
import { describeResult, followEvents } from '../follow';
import { UsageError } from '../load-or-exit';
import { firstLine, formatTime } from '../render/format';
import {
  buildNameOfWorkflowId,
  listingStartTime,
  listingStatus,
  renderEvents,
  renderList,
  renderPhases,
  renderStatus,
  type BuildListing,
} from '../render/status';
import { ProgressLog, progressStyle } from '../render/progress';
import { eventLogFile, readEventLog } from '../../host/event-log-reader';

const waitOption = () =>
  new Option('--wait <seconds>', 'how long to wait for the build to carry the command out')
    .argParser(wholeNumber(1, 3600))
    .default(DEFAULT_WAIT_SECONDS);

const updateIdOption = () =>
  new Option(
    '--update-id <id>',
    "the command's id: sent again with the same id, the build applies it once (default: a fresh id)",
  ).argParser((id: string) => {
    const problem = updateIdError(id);
    if (problem) throw new InvalidArgumentError(problem);
    return id;
  });

/**
 * One operator update as a command: `<build>`, what `define` adds (arguments after it, options,
 * examples), then --wait and --update-id; prints the workflow's one-line reply. `toArgs` reads the
 * update's arguments from the command line, refusing bad input before anything connects.
 */
function updateCommand<Opts, Args extends unknown[]>(
  parent: Command,
  name: string,
  description: string,
  define: (command: Command) => Command,
  update: UpdateDefinition<string, Args>,
  toArgs: (positional: string[], opts: Opts) => Args,
): void {
  define(parent.command(name).description(description).argument('<build>', 'build name'))
    .addOption(waitOption())
    .addOption(updateIdOption())
    .action(async (...params: unknown[]) => {
      const command = params.at(-1) as Command;
      const opts = params.at(-2) as Opts & { wait: number; updateId?: string };
      const [ref, ...positional] = params.slice(0, -2) as [string, ...string[]];
      const args = toArgs(positional, opts);
      const reply = await onBuild(ref, { running: true }, (b) => runUpdate(b, update, args, opts.wait, opts.updateId));
      outputOf(command).out(reply);
    });
}

/** The Visibility query of `steward list`: build workflows, one row per run (continued runs folded). */
export function listQuery(running: boolean): string {
  return `WorkflowType='buildWorkflow' AND ExecutionStatus != 'ContinuedAsNew'${running ? " AND ExecutionStatus = 'Running'" : ''}`;
}

async function listBuilds(opts: { running?: boolean; limit: number }): Promise<BuildListing[]> {
  return withTemporal((t) =>
    rpc(t, 'list builds', async () => {
      const builds: BuildListing[] = [];
      for await (const w of t.client.workflow.list({
        query: listQuery(!!opts.running),
        pageSize: Math.min(opts.limit, 1000),
      })) {
        const sa = w.typedSearchAttributes;
        const stewardStatus = sa.get(StatusSearchAttribute) ?? null;
        const started = listingStartTime(w.memo, w.startTime);
        builds.push({
          build: buildNameOfWorkflowId(w.workflowId),
          workflowId: w.workflowId,
          runId: w.runId,
          status: listingStatus(w.status.name, stewardStatus),
          workflowStatus: w.status.name,
          phase: sa.get(PhaseSearchAttribute) ?? null,
          project: sa.get(ProjectSearchAttribute) ?? null,
          escalation: sa.get(EscalationSearchAttribute) ?? null,
          // The build's start: a continued run's memo carries it (Visibility's is the run's).
          startTime: started === null ? null : formatTime(started),
          closeTime: w.closeTime ? formatTime(w.closeTime) : null,
        });
        if (builds.length >= opts.limit) break;
      }
      return builds;
    }),
  );
}

/** Opens a build, runs `fn`, closes the connection. */
async function onBuild<T>(ref: string, options: { running?: boolean }, fn: (b: OpenBuild) => Promise<T>): Promise<T> {
  parseBuildRef(ref); // a malformed name is a usage error before any connection is tried
  return withTemporal(async (t) => fn(await openBuild(t, ref, options)));
}

function agentName(name: string): string {
  const problem = sessionSafeNameError(name);
  if (problem) throw new UsageError(`agent name: ${problem}`);
  return name;
}

/** Phases to append, from repeated --id/--status/--kickoff or a JSON list (--phases). */
export function phasesFromOptions(opts: {
  id?: string[];
  status?: string[];
  kickoff?: string[];
  phases?: string;
}): PhaseConfig[] {
  const ids = opts.id ?? [];
  const statuses = opts.status ?? [];
  const kickoffs = opts.kickoff ?? [];
  if (opts.phases !== undefined && (ids.length || statuses.length || kickoffs.length)) {
    throw new UsageError('give phases either as --phases JSON or with --id/--status/--kickoff, not both');
  }
  let raw: unknown[];
  if (opts.phases !== undefined) {
    let text = opts.phases;
    if (text.startsWith('@')) {
      try {
        text = readFileSync(text.slice(1), 'utf8');
      } catch (err) {
        throw new UsageError(`--phases ${opts.phases}: ${firstLine((err as Error).message)}`);
      }
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`--phases is not valid JSON: ${firstLine((err as Error).message)}`);
    }
    raw = Array.isArray(parsed) ? parsed : [parsed];
  } else {
    if (ids.length === 0) throw new UsageError('no phase given: pass --id ID (repeatable) or --phases JSON');
    for (const [flag, values] of [
      ['--status', statuses],
      ['--kickoff', kickoffs],
    ] as const) {
      if (values.length > 0 && values.length !== ids.length) {
        throw new UsageError(
          `${flag} given ${values.length} time(s) for ${ids.length} --id: give it once per --id, in the same order, or not at all`,
        );
      }
    }
    raw = ids.map((id, i) => ({ id, status: statuses[i], kickoff: kickoffs[i] }));
  }
  if (raw.length === 0) throw new UsageError('no phase given: the list is empty');
  return raw.map((p, i) => {
    if (typeof p !== 'object' || p === null || Array.isArray(p))
      throw new UsageError(`phase ${i + 1}: expected an object like {"id": "p3"}`);
    const o = p as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => !['id', 'status', 'kickoff'].includes(k));
    if (unknown.length)
      throw new UsageError(`phase ${i + 1}: unknown field ${unknown.join(', ')} (fields: id, status, kickoff)`);
    if (typeof o.id !== 'string') throw new UsageError(`phase ${i + 1}: "id" must be a string`);
    const bad = idError(o.id);
    if (bad) throw new UsageError(`phase ${i + 1}: ${bad}`);
    for (const k of ['status', 'kickoff'] as const) {
      if (o[k] !== undefined && typeof o[k] !== 'string')
        throw new UsageError(`phase ${o.id}: "${k}" must be a string`);
    }
    return {
      id: o.id,
      status: (o.status as string | undefined) ?? `STATUS-${o.id}.md`,
      kickoff: (o.kickoff as string | undefined) ?? '',
    };
  });
}

/** The phase ids of a build, from the config it runs now, appended phases included (null if unreadable). */
async function phaseIds(b: OpenBuild): Promise<string[] | null> {
  return (await buildConfig(b))?.loop?.phases.map((p) => p.id) ?? null;
}

function phaseJson(view: BuildStatusView, ids: string[] | null, now: number) {
  const phases: {
    index: number;
    id: string | null;
    state: 'done' | 'current' | 'pending';
    startedAt: number | null;
    durationMs: number | null;
  }[] = [];
  view.completedPhases.forEach((p, i) =>
    phases.push({ index: i + 1, id: p.id, state: 'done', startedAt: p.startedAt, durationMs: p.durationMs }),
  );
  if (view.phase !== null)
    phases.push({
      index: view.phaseIndex + 1,
      id: view.phase,
      state: 'current',
      startedAt: view.phaseStartedAt,
      durationMs: now - view.phaseStartedAt,
    });
  for (let i = view.phaseIndex + 1; i < view.phaseCount; i++)
    phases.push({ index: i + 1, id: ids?.[i] ?? null, state: 'pending', startedAt: null, durationMs: null });
  return { status: view.status, phase: view.phase, phaseIndex: view.phaseIndex, phaseCount: view.phaseCount, phases };
}

/** The build's events from its log file, or none when the file is not on this host (or its config cannot be read). */
export async function buildEventLog(b: OpenBuild, startedAt: number): Promise<StewardEvent[]> {
  const config = await buildConfig(b);
  if (!config) return [];
  return (await readEventLog(eventLogFile(config), { startedAt }).catch(() => null))?.events ?? [];
}

/** The events up to seq `last` (those before the first one shown), from the log file and the status view. */
export function earlierEvents(
  logged: readonly StewardEvent[],
  viewed: readonly StewardEvent[],
  last: number,
): StewardEvent[] {
  const known = new Map(logged.filter((e) => e.seq <= last).map((e) => [e.seq, e]));
  viewed.filter((e) => e.seq <= last).forEach((e) => known.set(e.seq, e));
  return [...known.values()];
}

export function registerOperateCommands(program: Command): void {
  program
    .command('list')
    .description('list builds, running and finished, newest first (one row per run)')
    .option('--running', 'only running builds')
    .option('--limit <n>', 'at most this many runs', wholeNumber(1, 10_000), 50)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('steward list', 'steward list --running --json'))
    .action(async (opts: { running?: boolean; limit: number; json?: boolean }, command: Command) => {
      const out = outputOf(command);
      const builds = await listBuilds(opts);
      if (opts.json) out.json(builds);
      else out.lines(renderList(builds));
    });

  program
    .command('status')
    .description('a build at a glance: status, phase, each agent, tokens, the last events')
    .argument('<build>', 'build name (or workflow id build/<name>)')
    .option('--events <n>', 'how many recent events to show', wholeNumber(0, 200), 10)
    .option('--json', 'print the whole status view as JSON')
    .addHelpText('after', examples('steward status demo', 'steward status build/demo --json'))
    .action(async (ref: string, opts: { events: number; json?: boolean }, command: Command) => {
      const out = outputOf(command);
      await onBuild(ref, {}, async (b) => {
        const view = await queryStatus(b);
        if (opts.json)
          out.json({ workflowId: b.workflowId, runId: b.info.runId, workflowStatus: b.info.workflowStatus, ...view });
        else out.lines(renderStatus(view, b.info, Date.now(), opts.events));
      });
    });

  const phase = program.command('phase').description("show, advance or extend a build's phase sequence");
  phase
    .command('show')
    .description('the phase sequence: done, current (for how long), pending')
    .argument('<build>', 'build name')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('steward phase show demo'))
    .action(async (ref: string, opts: { json?: boolean }, command: Command) => {
      const out = outputOf(command);
      await onBuild(ref, {}, async (b) => {
        const view = await queryStatus(b);
        const ids = await phaseIds(b);
        if (opts.json) out.json(phaseJson(view, ids, Date.now()));
        else out.lines(renderPhases(view, ids, Date.now()));
      });
    });
  updateCommand(
    phase,
    'advance',
    'end the current phase now (without its done marker) and start the next',
    (c) => c.addHelpText('after', examples('steward phase advance demo')),
    advanceUpdate,
    () => [],
  );
  updateCommand(
    phase,
    'append',
    'append phases to the sequence; a completed sequence resumes with the first new one',
    (c) =>
      c
        .option('--id <id>', 'phase id (repeatable)', collect)
        .option(
          '--status <file>',
          'status file, relative to the state subdir (default STATUS-<id>.md); once per --id',
          collect,
        )
        .option('--kickoff <text>', 'kickoff message for the loop agents; once per --id', collect)
        .option('--phases <json>', 'the phases as a JSON list of {id, status?, kickoff?}, or @FILE holding it')
        .addHelpText(
          'after',
          examples(
            'steward phase append demo --id p3 --kickoff "Polish the docs."',
            'steward phase append demo --id p3 --id p4',
            'steward phase append demo --phases \'[{"id":"p3","kickoff":"Polish."},{"id":"p4","status":"STATUS-final.md"}]\'',
          ),
        ),
    appendPhasesUpdate,
    (_, opts: { id?: string[]; status?: string[]; kickoff?: string[]; phases?: string }) => [phasesFromOptions(opts)],
  );

  updateCommand(
    program,
    'pause',
    'pause supervision: no pings, nudges, reboots or phase advance until resumed (agents keep running)',
    (c) =>
      c
        .option('--reason <text>', 'why, for the event log')
        .addHelpText('after', examples('steward pause demo --reason "rebasing by hand"')),
    pauseUpdate,
    (_, opts: { reason?: string }) => [opts.reason ?? ''],
  );
  updateCommand(
    program,
    'resume',
    'resume a paused build',
    (c) => c.addHelpText('after', examples('steward resume demo')),
    resumeUpdate,
    () => [],
  );

  program
    .command('stop')
    .description('stop supervising (the agents are left running in tmux) and wait for the build to close')
    .argument('<build>', 'build name')
    .option('--reason <text>', 'why, for the event log')
    .addOption(
      new Option(
        '--wait <seconds>',
        'how long to wait for the build to close; 0: send the stop signal and return at once',
      )
        .argParser(wholeNumber(0, 3600))
        .default(DEFAULT_WAIT_SECONDS),
    )
    .addHelpText('after', examples('steward stop demo --reason "done for today"'))
    .action(async (ref: string, opts: { reason?: string; wait: number }, command: Command) => {
      const out = outputOf(command);
      await onBuild(ref, { running: true }, async (b) => {
        await sendSignal(b, stopSignal, [opts.reason ?? 'stopped by operator']);
        if (opts.wait === 0) {
          out.out(`stop sent to build ${b.name}`);
          return;
        }
        const result = await rpc(
          b.t,
          `waiting for ${b.workflowId} to close`,
          () => b.handle.result(),
          opts.wait * 1000,
          NO_WORKER_HINT,
        );
        out.out(describeResult(result));
      });
    });

  updateCommand(
    program,
    'nudge',
    "type a message into an agent's pane (default: a generic 'resume now' nudge)",
    (c) =>
      c
        .argument('<agent>', 'agent name')
        .argument('[message]', 'what to type')
        .addHelpText(
          'after',
          examples(
            'steward nudge demo builder',
            'steward nudge demo builder "Pull main and rerun the tests."',
            'steward nudge demo builder "Rebase." --update-id ops-42',
          ),
        ),
    nudgeUpdate,
    ([agent, message]) => [{ agent: agentName(agent), ...(message !== undefined ? { message } : {}) }],
  );
  updateCommand(
    program,
    'restart',
    'kill an agent and start it again with its kickoff, in a fresh session',
    (c) => c.argument('<agent>', 'agent name').addHelpText('after', examples('steward restart demo builder')),
    restartUpdate,
    ([agent]) => [{ agent: agentName(agent) }],
  );

  program
    .command('events')
    .description("a build's recent events (the workflow keeps the last 200; the state dir's events.jsonl has all)")
    .argument('<build>', 'build name')
    .option('--follow', 'keep printing new events until the build ends')
    .option('--limit <n>', 'only the last N recent events', wholeNumber(0, 200))
    .option('--json', 'print JSON: a list, or with --follow one event per line')
    .addHelpText(
      'after',
      examples(
        'steward events demo --limit 20',
        'steward events demo --follow',
        'steward events demo --follow --json | jq -c \'select(.type == "phase_completed")\'',
      ),
    )
    .action(async (ref: string, opts: { follow?: boolean; limit?: number; json?: boolean }, command: Command) => {
      const out = outputOf(command);
      await onBuild(ref, {}, async (b) => {
        const view = await queryStatus(b);
        const recent = opts.limit === undefined ? view.events : opts.limit === 0 ? [] : view.events.slice(-opts.limit);
        if (!opts.follow) {
          if (opts.json) out.json(recent);
          else out.lines(renderEvents(recent));
          return;
        }
        const afterSeq = view.events.at(-1)?.seq ?? 0;
        // The progress log's figures need the build's events from its first: the log file, where it is on this host.
        const progress = opts.json
          ? null
          : new ProgressLog(
              progressStyle(process.stdout.isTTY === true, process.env),
              earlierEvents(await buildEventLog(b, view.startedAt), view.events, (recent[0]?.seq ?? afterSeq + 1) - 1),
            );
        const show = (e: StewardEvent) => (progress ? out.lines(progress.event(e)) : out.out(JSON.stringify(e)));
        recent.forEach(show);
        let result;
        try {
          result = await followEvents(b.handle, show, { afterSeq, query: () => queryStatus(b) });
        } catch (err) {
          throw cliError(b.t, err, `build ${b.name} ended`, 0);
        }
        if (progress) out.lines([...progress.summary(Date.now()), describeResult(result)]);
      });
    });
}
