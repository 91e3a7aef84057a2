/**
 * `steward tokens [B | --build B] [--by phase|gate|agent] [--json]`: a build's token use and cost
 * per phase, per claimed gate or per agent, from its status query and its state dir's token-log.jsonl.
 *
 * `steward tokens scan [PATH] [--config FILE] [--json]`: offline token and cost count over Claude Code
 * transcripts (a dir or one file), with the same ledger (dedup, pricing) the worker uses for live
 * builds, and a build config's `[prices]` over the built-in table. Unreadable files and over-long
 * lines are skipped and counted, never the end of the scan.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { scanTranscriptDirs, type ScanOptions } from '../../host/transcript-scan';
import type { UnreadableFile } from '../../host/transcript-reader';
import { discoverClaudeDirs } from '../../host/transcript-discovery';
import { priceTableOf, type PriceTable } from '../../core/tokens/pricing';
import { reportLedger, type LedgerReport } from '../../core/tokens/report';
import type { TokenRecord } from '../../core/state/tokens';
import { formatUsd } from '../../core/tokens/format';
import { tokenLogFile } from '../../core/tokens/token-log';
import type { BuildStatusView } from '../../workflows/definitions';
import {
  buildConfig,
  openBuild,
  parseBuildRef,
  queryStatus,
  rpc,
  startConfig,
  startInput,
  withTemporal,
  type Temporal,
} from '../build-handle';
import { examples, outputOf } from '../cli-output';
import { loadConfigOrThrow, UsageError } from '../load-or-exit';
import { firstLine } from '../render/format';
import { buildNameOfWorkflowId } from '../render/status';
import {
  parseTokenLog,
  renderTokens,
  rightTable,
  tokensReport,
  TOKENS_BY,
  type TokensBy,
  type TokensReport,
  type TokenView,
} from '../render/tokens';
import { listQuery } from './operate';

export interface ScanOutput extends LedgerReport {
  files: number;
  lines: number;
  /** Lines without usage. */
  skipped: number;
  /** Files that could not be read (each named in a warning on stderr). */
  skipped_files: number;
  /** Lines over the line length cap, skipped unread. */
  skipped_long_lines: number;
}

const EXIT_USAGE = 2;

/** The scan's figures, costed with `prices` over the built-in table; `onSkippedFile` hears of each file that could not be read. */
export async function scanOutput(
  dirs: readonly string[],
  options: ScanOptions & { onSkippedFile?: (file: UnreadableFile) => void; prices?: PriceTable } = {},
): Promise<ScanOutput> {
  const { prices, onSkippedFile, ...scan } = options;
  const { ledger, read } = await scanTranscriptDirs(dirs, scan);
  read.unreadable.forEach((file) => onSkippedFile?.(file));
  const report = reportLedger(ledger, prices);
  return {
    total: report.total,
    unpriced_models: report.unpriced_models,
    sessions: report.sessions,
    models: report.models,
    files: read.files,
    lines: read.lines,
    skipped: ledger.stats.skipped,
    skipped_files: read.unreadable.length,
    skipped_long_lines: read.longLines,
    sources: report.sources,
    limits: report.limits,
    messages: report.messages,
    duplicates: report.duplicates,
  };
}

const int = (n: number): string => n.toLocaleString('en-US');

const COLUMNS = ['INPUT', 'OUTPUT', 'CACHE WRITE', 'CACHE READ', 'COST'];

export function formatScan(out: ScanOutput): string {
  const models = out.models.map((m) => [
    m.model,
    int(m.input_tokens),
    int(m.output_tokens),
    int(m.cache_creation_input_tokens),
    int(m.cache_read_input_tokens),
    // A model without a price has no cost (null) rather than $0.
    formatUsd(m.cost_usd, m.cost_usd === null ? [m.model] : []),
  ]);
  const t = out.total;
  const totalUsd = formatUsd(t.cost_usd, out.unpriced_models);
  models.push([
    'TOTAL',
    int(t.input_tokens),
    int(t.output_tokens),
    int(t.cache_creation_input_tokens),
    int(t.cache_read_input_tokens),
    totalUsd,
  ]);
  const sessions = out.sessions.map((s) => [
    `${s.session_id} (${s.source})`,
    int(s.input_tokens),
    int(s.output_tokens),
    int(s.cache_creation_input_tokens),
    int(s.cache_read_input_tokens),
    formatUsd(s.cost_usd, s.unpriced_models),
  ]);
  const skippedFiles = out.skipped_files > 0 ? ` (${int(out.skipped_files)} unreadable, skipped)` : '';
  const longLines = out.skipped_long_lines > 0 ? `, ${int(out.skipped_long_lines)} over-long lines skipped` : '';
  const parts = [
    `${int(out.files)} files${skippedFiles}, ${int(out.lines)} lines (${int(out.skipped)} without usage)${longLines}, ` +
      `${int(out.messages)} messages, ${int(out.duplicates)} duplicate lines`,
    '',
    ...rightTable(['MODEL', ...COLUMNS], models),
    '',
    ...rightTable(['SESSION', ...COLUMNS], sessions),
  ];
  if (out.unpriced_models.length > 0) {
    parts.push(
      '',
      `Not in the price table, so not in COST ('+' marks figures using them): ${out.unpriced_models.join(', ')}`,
    );
  }
  for (const l of out.limits) parts.push(`Usage limit (${l.source}, ${l.timestamp}): ${l.text}`);
  return parts.join('\n') + '\n';
}

function exists(p: string): boolean {
  try {
    return existsSync(p) && (statSync(p).isDirectory() || statSync(p).isFile());
  } catch {
    return false;
  }
}

/** Adds `scan` to the `tokens` command (which owns the per-build views). */
export function registerTokensScan(tokens: Command): void {
  tokens
    .command('scan')
    .description('count tokens and cost in Claude Code transcripts (read-only, offline)')
    .argument(
      '[path]',
      'a Claude config dir, a projects dir, or one transcript file (default: $CLAUDE_CONFIG_DIR, else ~/.claude and ~/.config/claude)',
    )
    .option('--config <file>', "a build's agents.toml: its [prices] price models over the built-in table")
    .option('--json', 'print JSON instead of a table')
    .action(async (dir: string | undefined, own: { json?: boolean; config?: string }, command: Command) => {
      // `tokens` has a --json of its own, which commander gives to it even after `scan`.
      const options = { json: own.json || (command.optsWithGlobals() as { json?: boolean }).json };
      if (dir !== undefined && !exists(dir)) {
        command.error(`tokens scan: no such directory or file: ${dir}`, {
          exitCode: EXIT_USAGE,
          code: 'steward.tokens.no-dir',
        });
      }
      const dirs = dir !== undefined ? [dir] : discoverClaudeDirs();
      if (dirs.length === 0) {
        command.error('tokens scan: no Claude config dir found (set CLAUDE_CONFIG_DIR or pass DIR)', {
          exitCode: EXIT_USAGE,
          code: 'steward.tokens.no-dir',
        });
      }
      // A config that does not load is a usage error naming its problems, before any transcript is read.
      const prices =
        own.config === undefined ? undefined : priceTableOf((await loadConfigOrThrow(own.config)).config.prices);
      const { writeErr } = command.configureOutput();
      const warn = writeErr ?? ((s: string) => void process.stderr.write(s));
      const out = await scanOutput(dirs, {
        prices,
        onSkippedFile: (f) => warn(`tokens scan: warning: skipped ${f.path}: ${firstLine(f.error)}\n`),
      });
      const write = command.configureOutput().writeOut ?? ((s: string) => void process.stdout.write(s));
      write(options.json ? JSON.stringify(out, null, 2) + '\n' : formatScan(out));
    });
}

// ---- the per-build view ----

interface TokensOptions {
  build?: string;
  by: TokensBy;
  tokenLog?: string;
  json?: boolean;
}

/** The build named as `steward tokens B` or `--build B` (either; both only if they agree). */
export function buildOf(positional: string | undefined, option: string | undefined): string | undefined {
  if (positional !== undefined && option !== undefined && positional !== option) {
    throw new UsageError(`two builds named: ${positional} and --build ${option}; name one`);
  }
  return positional ?? option;
}

/** The build `steward tokens` shows without --build: the only running one, else a usage error naming them. */
export function pickRunningBuild(running: readonly string[]): string {
  if (running.length === 1) return running[0]!;
  if (running.length === 0) throw new UsageError('no build is running: pass --build B (finished builds too)');
  throw new UsageError(`${running.length} builds are running, pass --build B: ${[...running].sort().join(', ')}`);
}

async function runningBuildNames(t: Temporal): Promise<string[]> {
  return rpc(t, 'list running builds', async () => {
    const names: string[] = [];
    for await (const w of t.client.workflow.list({ query: listQuery(true), pageSize: 100 })) {
      const name = buildNameOfWorkflowId(w.workflowId);
      if (!names.includes(name)) names.push(name);
      if (names.length >= 100) break;
    }
    return names;
  });
}

async function readTokenLog(
  file: string | null,
): Promise<{ file: string | null; records: TokenRecord[] | null; problem?: string }> {
  if (file === null) return { file, records: null };
  try {
    return { file, records: parseTokenLog(await readFile(file, 'utf8')).records };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      file,
      records: null,
      problem:
        code === 'ENOENT' ? `no ${file} on this host` : `cannot read ${file}: ${firstLine((err as Error).message)}`,
    };
  }
}

/** Gathers a build's token view: the status query (if it answers) and token-log.jsonl (if it is on this host). */
export async function buildTokens(
  t: Temporal,
  ref: string,
  opts: Pick<TokensOptions, 'by' | 'tokenLog'>,
  now = Date.now(),
): Promise<TokensReport> {
  const b = await openBuild(t, ref);
  let view: BuildStatusView | null = null;
  let queryError: Error | null = null;
  try {
    view = await queryStatus(b);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    queryError = err as Error;
  }
  // The config (state_dir) is not in the status view: the config query has it. Without a worker
  // (the status query did not answer) the run's start input is all there is, as for `steward log`.
  const input = view ? null : await startInput(b).catch(() => null);
  const config = opts.tokenLog !== undefined ? null : view ? await buildConfig(b) : startConfig(input);
  const log = await readTokenLog(opts.tokenLog ?? (config ? tokenLogFile(config) : null));
  if (!view && log.records === null) throw queryError ?? new Error(`no token figures for build ${b.name}`);
  const tokens: TokenView | null = view ? view.tokens : null;
  const report = tokensReport({
    build: b.name,
    workflowId: b.workflowId,
    runId: b.info.runId,
    workflowStatus: b.info.workflowStatus,
    status: view?.status ?? null,
    by: opts.by,
    tokens,
    log,
    since: view?.tokens.build?.at ?? input?.state?.tokens.build?.at ?? b.info.startTime,
    until: b.info.closeTime,
    now,
  });
  if (queryError)
    report.notes.push(
      `the status query did not answer (${firstLine(queryError.message)}): figures from token-log.jsonl only`,
    );
  return report;
}

/** `tokens` itself (the per-build view) with `scan` under it. */
export function registerTokensCommand(program: Command): Command {
  const tokens = program
    .command('tokens')
    .description("a build's tokens and cost per phase, gate or agent (`tokens scan`: count transcripts offline)")
    .argument('[build]', 'the build, as for --build (a build named `scan` needs --build)')
    .option('--build <name>', 'the build (default: the only running build)')
    .addOption(
      new Option('--by <view>', 'rows per phase record, per gate record (<phase>:<gate>) or per agent')
        .choices(TOKENS_BY)
        .default('phase'),
    )
    .option(
      '--token-log <file>',
      "the build's token-log.jsonl (default: <state_dir>/token-log.jsonl from the build's config)",
    )
    .option('--json', 'print JSON: rows exactly as token-log.jsonl has them (per agent: sums), open windows, totals')
    .addHelpText(
      'after',
      [
        '',
        "Rows come from <state_dir>/token-log.jsonl (every record; it is on the agents' host) and the",
        "build's status query (its last 20 records, the open windows and the agents' cumulative totals).",
        'USD covers priced models only: a `+` marks figures that also used models without a price.',
        examples('steward tokens', 'steward tokens demo --by gate', 'steward tokens --build demo --by agent --json'),
      ].join('\n'),
    )
    .action(async (positional: string | undefined, opts: TokensOptions, command: Command) => {
      const out = outputOf(command);
      const build = buildOf(positional, opts.build);
      if (build !== undefined) parseBuildRef(build); // a malformed name fails before connecting
      const report = await withTemporal(async (t) => {
        const ref = build ?? pickRunningBuild(await runningBuildNames(t));
        return buildTokens(t, ref, opts);
      });
      if (opts.json) out.json(report);
      else out.lines(renderTokens(report));
    });
  registerTokensScan(tokens);
  return tokens;
}
