/**
 * `steward retro [--since 30d] [--window 7d] [--json] [--out FILE] [--config agents.toml | --dir DIR]`:
 * what the project's builds teach, from its retro store (`<retro_dir>/records.jsonl`): trends of
 * the last window against the one before, figures per phase, gate pattern, agent, model and
 * reviewer, repeat failures, outliers, and recommendations (some with the exact config edit).
 * The analysis is `retroAnalysis` (src/core/learning/analysis); docs/learning.md has its rules.
 *
 * The store is `--dir`, else the config's `[learning] retro_dir` (default `<config dir>/.steward/retro`).
 * With a config, its `[learning.thresholds]`, `budget.phase.usd`, `watchdog.stall_idle` and
 * backends feed the rules, and the quiet spells of its event log (`<state_dir>/events.jsonl`, on
 * this host: each `agent_idle` → `agent_busy` gap the agent ended by itself) calibrate stall_idle.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { StewardConfig } from '../../core/config/types';
import {
  type ReviewerStats,
  type RetroInsights,
  type TrendFigure,
  type Trends,
  type TypeStats,
} from '../../core/learning/analysis';
import { pct, span, trim, usd } from '../../core/learning/analysis/words';
import { learningOf } from '../../core/config/learning';
import type { ConfigEdit } from '../../core/learning/types';
import { LessonsFileError } from '../../host/lessons-file';
import { analyseRetroStore, recordProposedLessons } from '../../host/retro-analysis';
import { durationOption, examples, outputOf } from '../cli-output';
import { DEFAULT_RETRO_WINDOW } from '../../core/learning/retro-schedule';
import { loadConfigOrThrow, UsageError } from '../load-or-exit';
import { firstLine, formatTime, int } from '../render/format';
import { rightTable } from '../render/tokens';
import { registerRetroRebuild } from './retro-rebuild';
import { registerRetroSchedule } from './retro-schedule';

// ---- text ----

type Kind = 'count' | 'rate' | 'perDay' | 'ms' | 'usd' | 'rounds';

const TREND_ROWS: [keyof Trends, string, Kind][] = [
  ['gates', 'gates', 'count'],
  ['phases', 'phases', 'count'],
  ['gateSuccessRate', 'gates passed at first claim', 'rate'],
  ['phaseSuccessRate', 'phases finished unaided', 'rate'],
  ['gatesPerDay', 'gates passed per day', 'perDay'],
  ['phasesPerDay', 'phases finished per day', 'perDay'],
  ['medianGateDurationMs', 'median gate duration', 'ms'],
  ['medianPhaseDurationMs', 'median phase duration', 'ms'],
  ['costPerGateUsd', 'cost per gate', 'usd'],
  ['medianReviewRounds', 'median review rounds', 'rounds'],
];

function figure(value: number | null, kind: Kind): string {
  if (value === null) return '-';
  if (kind === 'count') return int(value);
  if (kind === 'rate') return pct(value);
  if (kind === 'ms') return span(value);
  if (kind === 'usd') return usd(value);
  return trim(value);
}

const signed = (text: string, n: number) => (n > 0 ? `+${text}` : n < 0 ? `-${text}` : text);

function change(f: TrendFigure, kind: Kind): string {
  if (f.change === null) return '-';
  if (kind === 'rate') return signed(`${trim(Math.abs(f.change) * 100)} pts`, f.change);
  if (f.relative === null) return signed(figure(Math.abs(f.change), kind), f.change);
  return signed(pct(Math.abs(f.relative)), f.relative);
}

function trendLines(t: Trends): string[] {
  const rows = TREND_ROWS.map(([key, label, kind]) => [
    label,
    figure(t[key].current, kind),
    figure(t[key].previous, kind),
    change(t[key], kind),
  ]);
  return rightTable(['MEASURE', 'LAST', 'BEFORE', 'CHANGE'], rows);
}

function typeLines(title: string, stats: readonly TypeStats[]): string[] {
  if (stats.length === 0) return [];
  const rows = stats.map((s) => [
    s.key,
    int(s.count),
    figure(s.successRate, 'rate'),
    figure(s.failureRate, 'rate'),
    figure(s.medianDurationMs, 'ms'),
    figure(s.maxDurationMs, 'ms'),
    figure(s.costPerGateUsd, 'usd'),
  ]);
  return ['', ...rightTable([title, 'RUNS', 'SUCCESS', 'FAILED', 'MEDIAN', 'MAX', 'COST/GATE'], rows)];
}

function reviewerLines(stats: readonly ReviewerStats[]): string[] {
  if (stats.length === 0) return [];
  const rows = stats.map((r) => [r.reviewer, int(r.firstClaims), int(r.rejected), figure(r.rejectionRate, 'rate')]);
  return ['', ...rightTable(['REVIEWER', 'FIRST CLAIMS', 'REJECTED', 'RATE'], rows)];
}

function repeatLines(i: RetroInsights): string[] {
  const { gates, agents, advancedPhases } = i.repeatFailures;
  const lines = [
    ...gates.map(
      (g) =>
        `  gate ${g.gate} (${g.pattern}) in ${g.build}/${g.phase}: ${g.failures} fail verdicts, ${g.rounds} rounds, ${g.outcome}`,
    ),
    ...agents.map(
      (a) =>
        `  agent ${a.agent}: in trouble in ${a.builds} builds (${a.reboots} reboots, ${a.escalations} escalations)`,
    ),
    ...advancedPhases.map(
      (p) => `  phase ${p.phase}: advanced by an operator in ${p.builds} build${p.builds === 1 ? '' : 's'}`,
    ),
  ];
  return lines.length === 0 ? [] : ['', 'Repeat failures', ...lines];
}

/** How many outliers the text lists (the JSON has them all). */
const OUTLIERS_SHOWN = 20;

function outlierLines(i: RetroInsights): string[] {
  if (i.outliers.length === 0) return [];
  const lines = i.outliers.slice(0, OUTLIERS_SHOWN).map((o) => {
    const what =
      o.kind === 'gate' ? `gate ${o.gate} (${o.type}) in ${o.build}/${o.phase}` : `phase ${o.phase} of ${o.build}`;
    const kind: Kind = o.measure === 'duration' ? 'ms' : 'usd';
    const times = o.multiple === null ? '' : `, ${trim(o.multiple)}× the median ${figure(o.median, kind)}`;
    return `  ${what}: ${o.measure} ${figure(o.value, kind)}${times} (z ${trim(o.z)})`;
  });
  const more = i.outliers.length - OUTLIERS_SHOWN;
  return [
    '',
    `Outliers (over ${i.thresholds.outlier_z} robust z-scores)`,
    ...lines,
    ...(more > 0 ? [`  … and ${more} more`] : []),
  ];
}

const editValue = (value: unknown) => (value === null || value === undefined ? '(not set)' : JSON.stringify(value));

/** `path: old → new (basis)`. */
export function editLine(edit: ConfigEdit): string {
  return `${edit.path}: ${editValue(edit.old)} → ${editValue(edit.new)} (${edit.basis})`;
}

function recommendationLines(i: RetroInsights): string[] {
  return [
    '',
    'Recommendations',
    ...i.recommendations.flatMap((r) => [
      `  [${r.severity}] ${r.rule}: ${r.finding}`,
      `      ${r.recommendation}`,
      ...(r.edit ? [`      edit ${editLine(r.edit)}`] : []),
    ]),
  ];
}

/** A note when both windows are empty, so an old store does not read as a stopped project. */
function quietWindows(i: RetroInsights): string[] {
  const t = i.trends;
  if ((t.gates.current ?? 0) + (t.gates.previous ?? 0) + (t.phases.current ?? 0) + (t.phases.previous ?? 0) > 0)
    return [];
  return [`(no records in either window: the newest ended ${formatTime(i.records.newestAt)})`];
}

/** The text summary of an analysis of the store in `dir`. */
export function renderRetro(i: RetroInsights, dir: string): string[] {
  const since = i.since === null ? 'all records' : `since ${formatTime(i.since)}`;
  const head = `retro of ${dir}: ${int(i.records.gates)} gates, ${int(i.records.phases)} phases, ${int(i.records.builds)} builds (${since}, to ${formatTime(i.generatedAt)})`;
  if (i.records.gates + i.records.phases === 0)
    return [head, 'No retro records to analyse yet: builds write them as they end (or run steward retro rebuild).'];
  const window = span(i.window.ms);
  return [
    head,
    '',
    `Trends: the last ${window} against the ${window} before`,
    ...trendLines(i.trends),
    ...quietWindows(i),
    ...typeLines('PHASE', i.byType.phases),
    ...typeLines('GATE PATTERN', i.byType.gates),
    ...typeLines('AGENT (BUILDER)', i.byType.agents),
    ...typeLines('MODEL (BUILDER)', i.byType.models),
    ...reviewerLines(i.byType.reviewers),
    ...repeatLines(i),
    ...outlierLines(i),
    ...recommendationLines(i),
  ];
}

// ---- the command ----

interface RetroOptions {
  since?: number;
  window: number;
  json?: boolean;
  out?: string;
  config?: string;
  dir?: string;
  lessons: boolean;
}

/** The store's dir and, when the store is found through it, the config. */
async function retroSource(opts: RetroOptions): Promise<{ dir: string; config?: StewardConfig }> {
  if (opts.config !== undefined && opts.dir !== undefined)
    throw new UsageError('retro: give --config or --dir, not both');
  if (opts.dir !== undefined) return { dir: resolve(opts.dir) };
  const { config } = await loadConfigOrThrow(opts.config ?? 'agents.toml');
  return { dir: learningOf(config).retro_dir, config };
}

export function registerRetroCommand(program: Command): void {
  const retro = program
    .command('retro')
    .description("what the project's builds teach: trends, figures by type, repeat failures, outliers, recommendations")
    .option(
      '--since <duration>',
      'only records that ended in the last <duration>, e.g. 30d (default: all)',
      durationOption,
    )
    .addOption(
      new Option('--window <duration>', 'the trend window: the last <duration> against the one before')
        .argParser(durationOption)
        .default(durationOption(DEFAULT_RETRO_WINDOW), DEFAULT_RETRO_WINDOW),
    )
    .option('--json', 'print the analysis as JSON (RetroInsights)')
    .option('--out <file>', 'also write the analysis as JSON to this file')
    .option(
      '--config <file>',
      "the project's agents.toml: its [learning] retro_dir, thresholds and settings (default: agents.toml)",
    )
    .option('--dir <dir>', 'the retro store directory, instead of a config (default thresholds, no current values)')
    .option('--no-lessons', "do not add the recommendations to the config's lessons file as proposed lessons")
    .addHelpText(
      'after',
      [
        '',
        'Durations as in the config: 30d, 12h, 90m (a bare number is seconds).',
        'With a config, the quiet spells in its event log (on this host) calibrate watchdog.stall_idle.',
        examples(
          'steward retro --config agents.toml',
          'steward retro --since 30d --window 7d',
          'steward retro --dir .steward/retro --json | jq .recommendations',
          'steward retro --out insights.json',
        ),
      ].join('\n'),
    )
    .action(async (opts: RetroOptions, command: Command) => {
      const { dir, config } = await retroSource(opts);
      const { writeErr } = command.configureOutput();
      const err = writeErr ?? ((s: string) => void process.stderr.write(s));
      const { insights, skipped } = await analyseRetroStore({
        dir,
        config,
        now: Date.now(),
        sinceMs: opts.since,
        windowMs: opts.window,
      });
      if (skipped > 0)
        err(`retro: warning: ${skipped} line(s) of ${dir}/records.jsonl skipped (broken or of an unknown version)\n`);
      const output = outputOf(command);
      if (opts.json) output.json(insights);
      else output.lines(renderRetro(insights, dir));
      if (config && opts.lessons) {
        const proposed = await recordProposedLessons(config, insights, Date.now()).catch((e: unknown) => {
          if (e instanceof LessonsFileError) throw new UsageError(`${e.message} (or run with --no-lessons)`);
          throw e;
        });
        if (proposed.length > 0)
          err(
            `retro: ${proposed.length} lesson(s) ${proposed[0]!.status} in ${learningOf(config).lessons_file}: ${proposed.map((l) => l.id).join(', ')} (steward lessons list)\n`,
          );
      }
      if (opts.out === undefined) return;
      try {
        await writeFile(opts.out, `${JSON.stringify(insights, null, 2)}\n`);
      } catch (e) {
        throw new Error(`cannot write ${opts.out}: ${firstLine((e as Error).message)}`);
      }
      err(`retro insights (JSON) written to ${opts.out}\n`);
    });
  registerRetroRebuild(retro);
  registerRetroSchedule(retro);
}
