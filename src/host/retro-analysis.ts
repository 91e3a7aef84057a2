/**
 * One run of the retro analysis over a project's store, as `steward retro` and the scheduled retro
 * workflow both make it: the store's records, the config's thresholds and current values, and the
 * quiet spells of its event log (on this host) to calibrate stall_idle.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { StewardConfig } from '../core/config/types';
import { eventLogFile } from '../core/event-record';
import { QuietSpellCollector, retroAnalysis, retroConfigValues, type RetroInsights } from '../core/learning/analysis';
import { learningOf } from '../core/config/learning';
import { proposeLessons } from '../core/learning/lessons';
import { DEFAULT_RETRO_THRESHOLDS } from '../core/learning/thresholds';
import type { Lesson } from '../core/learning/types';
import { eventOfLine } from './event-log-reader';
import { readLessonsFile, writeLessonsFile } from './lessons-file';
import { readRetroStore } from './retro-store';

/**
 * The idle spells (ms) per agent in an event log that agents ended by themselves (quiet-spells.ts),
 * read line by line over every build in it; none when the log is not on this host.
 */
export async function quietSpellsOfLog(file: string): Promise<Record<string, number[]> | undefined> {
  const collector = new QuietSpellCollector();
  const stream = createReadStream(file, { encoding: 'utf8' });
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      const { event } = eventOfLine(line);
      if (event) collector.add(event);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  return collector.result();
}

export interface RetroRun {
  insights: RetroInsights;
  /** Lines of the store that held no record this reader knows. */
  skipped: number;
}

/** Analyses the store in `dir`; with `config`, its thresholds and values feed the rules. */
export async function analyseRetroStore(options: {
  dir: string;
  config?: StewardConfig;
  now: number;
  sinceMs?: number;
  windowMs: number;
}): Promise<RetroRun> {
  const { dir, config, now } = options;
  const store = await readRetroStore(dir);
  const insights = retroAnalysis(store.records, {
    now,
    since: options.sinceMs === undefined ? undefined : now - options.sinceMs,
    windowMs: options.windowMs,
    thresholds: config ? learningOf(config).thresholds : { ...DEFAULT_RETRO_THRESHOLDS },
    config: config ? retroConfigValues(config) : undefined,
    quietSpellsMs: config ? await quietSpellsOfLog(eventLogFile(config)) : undefined,
  });
  return { insights, skipped: store.skipped };
}

/**
 * Adds the lessons an analysis teaches to the config's lessons file, as proposed (accepted with
 * `[learning] auto_accept`), none twice (`proposeLessons`). Returns the new ones.
 */
export async function recordProposedLessons(
  config: StewardConfig,
  insights: RetroInsights,
  now: number,
): Promise<Lesson[]> {
  const { lessons_file: file, auto_accept: accept } = learningOf(config);
  const existing = await readLessonsFile(file);
  const proposed = proposeLessons(insights.recommendations, existing, now, { accept });
  if (proposed.length > 0) await writeLessonsFile(file, [...existing, ...proposed]);
  return proposed;
}
