/**
 * `steward retro rebuild [--config FILE | --dir DIR] <events.jsonl or state dir>...`: the retro
 * records of every build in the given event logs, folded again from their events and appended to
 * the retro store (`[learning] retro_dir` of the config, or DIR). For builds that ran before the
 * store existed, or a store lost or moved: readers keep one record per id, so rebuilding what is
 * already there changes nothing but the records' `recordedAt`.
 *
 * A log holds every run of its build (runs of the same name share the state dir): each gets its
 * records, as the workflow writes them when a build ends (`all-ended`). A build's name is read from
 * its `build_started` event, else it is the name of the log's directory; its start is that event's
 * time (else its first event's), the same the workflow puts in the ids. The config a build ran
 * with is not in its events: its hash is '' (unknown), unless the store already holds the record,
 * whose hash (and models) are kept.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { eventLogFile } from '../../core/event-record';
import type { StewardEvent } from '../../core/events';
import { learningOf } from '../../core/config/learning';
import { retroRecords } from '../../core/learning/retro-records';
import type { RetroRecord } from '../../core/learning/types';
import { readEventLogBuilds } from '../../host/event-log-reader';
import { appendRetroRecords, readRetroStore, retroRecordsFile } from '../../host/retro-store';
import { examples, outputOf } from '../cli-output';
import { loadConfigOrThrow, UsageError } from '../load-or-exit';
import { firstLine } from '../render/format';

/** The workflow's first event says `build <name> started on host <host>`. */
const BUILD_STARTED = /^build (.+) started on host /;

/** A build's name: from its `build_started`, else `fallback`. */
export function buildNameOf(events: readonly StewardEvent[], fallback: string): string {
  const started = events.find((e) => e.type === 'build_started');
  return BUILD_STARTED.exec(started?.message ?? '')?.[1] ?? fallback;
}

export interface RebuildSummary {
  logs: number;
  builds: number;
  phases: number;
  gates: number;
  /** The store's records file. */
  file: string;
}

/** The event log a path names: a file as it is, a directory's events.jsonl. */
async function eventLogOf(path: string): Promise<string> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    throw new UsageError(`retro rebuild: cannot read ${path}: ${firstLine((err as Error).message)}`);
  }
  return isDir ? eventLogFile({ state_dir: path }) : path;
}

/** Rebuilds the records of every build in `paths` (event logs or state dirs) into the store in `retroDir`. */
export async function rebuildRetro(paths: readonly string[], retroDir: string, now: number): Promise<RebuildSummary> {
  // Every path is checked before anything is written.
  const files = await Promise.all(paths.map(eventLogOf));
  const known = new Map((await readRetroStore(retroDir)).records.map((r) => [r.id, r]));
  const records: RetroRecord[] = [];
  let builds = 0;
  for (const file of files) {
    try {
      for await (const events of readEventLogBuilds(file)) {
        builds++;
        const info = {
          build: buildNameOf(events, basename(dirname(file))),
          buildStartedAt: (events.find((e) => e.type === 'build_started') ?? events[0]).at,
          configHash: '',
          now,
        };
        records.push(...retroRecords(events, info, 'all-ended').map((r) => keepKnown(r, known.get(r.id))));
      }
    } catch (err) {
      throw new Error(`retro rebuild: cannot read ${file}: ${firstLine((err as Error).message)}`);
    }
  }
  await appendRetroRecords(retroDir, records);
  const phases = records.filter((r) => r.kind === 'phase').length;
  return { logs: files.length, builds, phases, gates: records.length - phases, file: retroRecordsFile(retroDir) };
}

/** What the events cannot tell, taken from the record already in the store. */
function keepKnown(record: RetroRecord, stored: RetroRecord | undefined): RetroRecord {
  if (!stored) return record;
  const kept = { ...record, configHash: record.configHash || stored.configHash };
  return stored.models && !record.models ? { ...kept, models: stored.models } : kept;
}

interface RebuildOptions {
  config?: string;
  dir?: string;
}

/** Adds `rebuild` to the `retro` command. */
export function registerRetroRebuild(retro: Command): void {
  retro
    .command('rebuild')
    .description("fold the retro records of past builds again from their event logs into the project's retro store")
    .argument('<logs...>', 'event logs (events.jsonl) or state dirs holding one')
    .option(
      '--config <file>',
      "the project's agents.toml: the store is its [learning] retro_dir (default: agents.toml)",
    )
    .option('--dir <dir>', 'the retro store directory, instead of a config')
    .addHelpText(
      'after',
      [
        '',
        'Every build in each log gets its records; appending them again is harmless (readers keep one per id).',
        examples(
          'steward retro rebuild .steward/demo',
          'steward retro rebuild --config agents.toml .steward/*/events.jsonl',
          'steward retro rebuild --dir /srv/retro old-state/events.jsonl',
        ),
      ].join('\n'),
    )
    .action(async (logs: string[], _own: RebuildOptions, command: Command) => {
      // With its parent's options too, should `retro` have a --config or --dir of its own (commander gives them to it).
      const opts = command.optsWithGlobals<RebuildOptions>();
      if (opts.config !== undefined && opts.dir !== undefined)
        throw new UsageError('retro rebuild: give --config or --dir, not both');
      const retroDir = opts.dir ?? learningOf((await loadConfigOrThrow(opts.config ?? 'agents.toml')).config).retro_dir;
      const s = await rebuildRetro(logs, retroDir, Date.now());
      outputOf(command).out(
        `${s.phases + s.gates} records (${s.phases} phases, ${s.gates} gates) of ${s.builds} build(s) in ${s.logs} log(s) appended to ${s.file}`,
      );
    });
}
