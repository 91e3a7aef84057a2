/**
 * `steward report <build> [--format md|html|json] [--out FILE]`: a build's report, folded from its
 * event log (`<state_dir>/events.jsonl`, on the agents' host): its metrics, what stands out in them
 * and its incidents. Works for a running build too: figures run to now.
 */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { reportHtml, reportInput, reportJson, reportMarkdown, type ReportInput } from '../../core/report';
import { eventLogFile, readEventLog, type EventLog } from '../../host/event-log-reader';
import { buildConfig, openBuild, parseBuildRef, withTemporal } from '../build-handle';
import { examples } from '../cli-output';
import { firstLine } from '../render/format';

export const REPORT_FORMATS = ['md', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDERERS: Record<ReportFormat, (input: ReportInput) => string> = {
  md: reportMarkdown,
  html: reportHtml,
  json: reportJson,
};

/** The format asked for, else the one the --out file's name says (`.html`, `.json`, `.md`), else md. */
export function reportFormat(format: ReportFormat | undefined, out: string | undefined): ReportFormat {
  if (format !== undefined) return format;
  const ext = out === undefined ? '' : extname(out).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.json') return 'json';
  return 'md';
}

/** Where the build's event log is, and which build in it: by the current run's start (a run of it, across continue-as-new). */
async function locateEventLog(ref: string): Promise<{ name: string; file: string; startedAt?: number }> {
  return withTemporal(async (t) => {
    const b = await openBuild(t, ref);
    const config = await buildConfig(b);
    if (!config) throw new Error(`cannot read the config of build ${b.name}, so not where its event log is`);
    return { name: b.name, file: eventLogFile(config), startedAt: b.info.startTime ?? undefined };
  });
}

async function readBuildEvents(name: string, file: string, startedAt: number | undefined): Promise<EventLog> {
  let log: EventLog;
  try {
    log = await readEventLog(file, { startedAt });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`no event log ${file} on this host: run steward report on the agents' host`);
    throw new Error(`cannot read ${file}: ${firstLine((err as Error).message)}`);
  }
  if (log.events.length === 0) throw new Error(`no events of build ${name} in ${file}`);
  return log;
}

interface ReportOptions {
  format?: ReportFormat;
  out?: string;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description("a build's report from its event log: metrics per build, phase, gate and agent, insights, incidents")
    .argument('<build>', 'build name (or workflow id build/<name>)')
    .addOption(
      new Option('--format <format>', "the report's format (default: the --out file's extension, else md)").choices(
        REPORT_FORMATS,
      ),
    )
    .option('--out <file>', 'write the report to this file instead of stdout')
    .addHelpText(
      'after',
      [
        '',
        "The figures come from <state_dir>/events.jsonl, a file on the agents' host: run it there.",
        'A running build is reported as it stands now.',
        examples(
          'steward report demo',
          'steward report demo --format html --out demo-report.html',
          'steward report demo --format json | jq .metrics.build',
        ),
      ].join('\n'),
    )
    .action(async (ref: string, opts: ReportOptions, command: Command) => {
      parseBuildRef(ref); // a malformed name is a usage error before any connection is tried
      const format = reportFormat(opts.format, opts.out);
      const { name, file, startedAt } = await locateEventLog(ref);
      const log = await readBuildEvents(name, file, startedAt);
      const { writeOut, writeErr } = command.configureOutput();
      const err = writeErr ?? ((s: string) => void process.stderr.write(s));
      if (log.skipped > 0) err(`report: warning: ${log.skipped} broken line(s) in ${file} skipped\n`);
      let text = RENDERERS[format](reportInput(name, log.events, Date.now()));
      if (!text.endsWith('\n')) text += '\n';
      if (opts.out === undefined) {
        (writeOut ?? ((s: string) => void process.stdout.write(s)))(text);
        return;
      }
      try {
        await writeFile(opts.out, text);
      } catch (e) {
        throw new Error(`cannot write ${opts.out}: ${firstLine((e as Error).message)}`);
      }
      err(`report of build ${name} (${format}) written to ${opts.out}\n`);
    });
}
