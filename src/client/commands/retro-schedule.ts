/**
 * `steward retro schedule [--config agents.toml] [--every 1d | --after-builds N] …`: runs the retro
 * analysis without anyone remembering to. A Temporal Schedule `retro/<build name>` starts
 * `retroWorkflow` on the host that owns the config and store, which writes `insights.json` (and
 * proposes the lessons it teaches). The schedule shows in the Web UI like any other; running the
 * command again updates it, `--delete` removes it, `--run-now` also starts one run at once.
 */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import { DEFAULT_RETRO_WINDOW, type RetroScheduleInput } from '../../core/learning/retro-schedule';
import { hostId } from '../../workers/host-id';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/definitions';
import type { retroWorkflow } from '../../workflows/retro';
import { rpc, withTemporal } from '../build-handle';
import { durationOption, examples, outputOf, wholeNumber } from '../cli-output';
import { loadConfigOrThrow, UsageError } from '../load-or-exit';

/** How often a schedule with --after-builds checks for new builds, unless --every says otherwise. */
const AFTER_BUILDS_CHECK = '15m';

interface ScheduleOptions {
  config?: string;
  every?: number;
  afterBuilds?: number;
  host?: string;
  window: number;
  since?: number;
  out?: string;
  delete?: boolean;
  runNow?: boolean;
}

export function retroScheduleId(build: string): string {
  return `retro/${build}`;
}

export function registerRetroSchedule(retro: Command): void {
  retro
    .command('schedule')
    .description('run the retro analysis on a schedule (a Temporal Schedule): insights.json and proposed lessons')
    .option('--config <file>', "the project's agents.toml (default: agents.toml)")
    .option(
      '--every <duration>',
      'how often (default 1d; with --after-builds, how often to check: 15m)',
      durationOption,
    )
    .addOption(
      new Option('--after-builds <n>', 'write new insights once this many builds joined the store').argParser(
        wholeNumber(1, 10_000),
      ),
    )
    .option('--host <id>', "the host whose worker has the config and the store (default: this host's id)")
    .addOption(
      new Option('--window <duration>', 'the trend window')
        .argParser(durationOption)
        .default(durationOption(DEFAULT_RETRO_WINDOW), DEFAULT_RETRO_WINDOW),
    )
    .option('--since <duration>', 'only records that ended in the last <duration> (default: all)', durationOption)
    .option('--out <file>', 'where the insights go (default: <retro_dir>/insights.json)')
    .option('--run-now', 'also start one run now')
    .option('--delete', 'remove the schedule')
    .addHelpText(
      'after',
      examples(
        'steward retro schedule --config agents.toml --every 1d',
        'steward retro schedule --after-builds 5',
        'steward retro schedule --delete',
      ),
    )
    .action(async (_: ScheduleOptions, command: Command) => {
      // `retro` has --config, --window, --since and --out too: commander gives them to it, wherever they stand.
      const opts = command.optsWithGlobals<ScheduleOptions>();
      const { config } = await loadConfigOrThrow(opts.config ?? 'agents.toml');
      const scheduleId = retroScheduleId(config.name);
      const out = outputOf(command);
      await withTemporal(async (t) => {
        if (opts.delete) {
          await rpc(t, `delete schedule ${scheduleId}`, () => t.client.schedule.getHandle(scheduleId).delete());
          return out.out(`schedule ${scheduleId} deleted`);
        }
        if (opts.every !== undefined && opts.every < 60_000) throw new UsageError('--every: at least 1m');
        const input: RetroScheduleInput = {
          hostId: opts.host ?? hostId(),
          configFile: resolve(config.source),
          windowMs: opts.window,
          ...(opts.since !== undefined ? { sinceMs: opts.since } : {}),
          ...(opts.afterBuilds !== undefined ? { afterBuilds: opts.afterBuilds } : {}),
          ...(opts.out !== undefined ? { out: resolve(opts.out) } : {}),
        };
        const every = opts.every ?? durationOption(opts.afterBuilds !== undefined ? AFTER_BUILDS_CHECK : '1d');
        const action: ScheduleOptionsStartWorkflowAction<typeof retroWorkflow> = {
          type: 'startWorkflow',
          workflowType: 'retroWorkflow',
          workflowId: scheduleId,
          taskQueue: WORKFLOW_TASK_QUEUE,
          args: [input],
        };
        const spec = { intervals: [{ every }] };
        const created = await rpc(t, `create schedule ${scheduleId}`, async () => {
          try {
            await t.client.schedule.create({
              scheduleId,
              spec,
              action,
              policies: { overlap: ScheduleOverlapPolicy.SKIP },
            });
            return true;
          } catch (err) {
            if (!(err instanceof ScheduleAlreadyRunning)) throw err;
            await t.client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
            return false;
          }
        });
        if (opts.runNow)
          await rpc(t, `trigger schedule ${scheduleId}`, () => t.client.schedule.getHandle(scheduleId).trigger());
        out.out(
          `schedule ${scheduleId} ${created ? 'created' : 'updated'}: retro every ${every / 60_000} min on host ${input.hostId}${
            input.afterBuilds !== undefined ? `, insights after ${input.afterBuilds} new build(s)` : ''
          }${opts.runNow ? '; one run started now' : ''}`,
        );
      });
    });
}
