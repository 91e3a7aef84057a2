/**
 * `steward tokens scan [PATH] [--config FILE] [--json]`: offline token and cost count over Claude Code
 * transcripts (a dir or one file), with the same ledger (dedup, pricing) the worker uses for live
 * builds, and a build config's `[prices]` over the built-in table. Unreadable files and over-long
 * lines are skipped and counted, never the end of the scan.
 *
 * Also the `tokens` command's own arguments and options (tokens.ts gives it its action, the
 * per-build view), so that scan-cli.ts, the entry `bin/steward tokens scan` starts without loading
 * the whole program (nor the Temporal client), parses a command line exactly as the full program.
 * Nothing here may import the Temporal client, the config loader or other commands.
 */
import { existsSync, statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { scanTranscriptTotals, type ScanOptions } from '../../host/transcript-scan';
import type { UnreadableFile } from '../../host/transcript-reader';
import { discoverClaudeDirs } from '../../host/transcript-discovery';
import { priceTableOf, type PriceTable } from '../../core/tokens/pricing';
import { reportLedger, type LedgerReport } from '../../core/tokens/report';
import { formatUsd } from '../../core/tokens/format';
import { examples } from '../cli-output';
import { firstLine } from '../render/format';
import { rightTable, TOKENS_BY } from '../render/tokens';

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
  const { ledger, read } = await scanTranscriptTotals(dirs, scan);
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

/**
 * STEWARD_SCAN_THREADS sets how many threads read transcripts (1: this one only, e.g. on a machine
 * busy with other work); unset, a large scan takes one per core (see transcript-scan.ts).
 */
function threadsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const n = Number(env.STEWARD_SCAN_THREADS);
  return Number.isInteger(n) && n > 0 ? n : undefined;
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
      // The config loader (zod, TOML) is loaded only for --config: most scans have none and start faster without it.
      const prices =
        own.config === undefined
          ? undefined
          : priceTableOf((await (await import('../load-or-exit')).loadConfigOrThrow(own.config)).config.prices);
      const { writeErr } = command.configureOutput();
      const warn = writeErr ?? ((s: string) => void process.stderr.write(s));
      const out = await scanOutput(dirs, {
        prices,
        threads: threadsFromEnv(),
        onSkippedFile: (f) => warn(`tokens scan: warning: skipped ${f.path}: ${firstLine(f.error)}\n`),
      });
      const write = command.configureOutput().writeOut ?? ((s: string) => void process.stdout.write(s));
      write(options.json ? JSON.stringify(out, null, 2) + '\n' : formatScan(out));
    });
}

/** The `tokens` command with its arguments, options and help, without an action; `scan` goes under it. */
export function defineTokensCommand(program: Command): Command {
  return program
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
    );
}
