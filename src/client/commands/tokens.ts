/**
 * `steward tokens scan [DIR] [--json]`: offline token and cost count over Claude Code
 * transcripts, with the same ledger (dedup, pricing) the worker uses for live builds.
 */
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { scanTranscriptDirs } from '../../activities/transcript-scan';
import { discoverClaudeDirs } from '../../activities/transcript-discovery';
import { reportLedger, type LedgerReport } from '../../core/tokens/report';

export interface ScanOutput extends LedgerReport {
  files: number;
  lines: number;
  skipped: number;
}

const EXIT_USAGE = 2;

export async function scanOutput(dirs: readonly string[]): Promise<ScanOutput> {
  const { ledger, read } = await scanTranscriptDirs(dirs);
  const report = reportLedger(ledger);
  return {
    total: report.total,
    unpriced_models: report.unpriced_models,
    sessions: report.sessions,
    models: report.models,
    files: read.files,
    lines: read.lines,
    skipped: ledger.stats.skipped,
    sources: report.sources,
    limits: report.limits,
    messages: report.messages,
    duplicates: report.duplicates,
  };
}

const int = (n: number): string => n.toLocaleString('en-US');
const usd = (n: number | null): string => (n === null ? 'unpriced' : `$${n.toFixed(2)}`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const COLUMNS = ['INPUT', 'OUTPUT', 'CACHE WRITE', 'CACHE READ', 'COST'];

export function formatScan(out: ScanOutput): string {
  const models = out.models.map((m) => [
    m.model,
    int(m.input_tokens),
    int(m.output_tokens),
    int(m.cache_creation_input_tokens),
    int(m.cache_read_input_tokens),
    usd(m.cost_usd),
  ]);
  const t = out.total;
  models.push(['TOTAL', int(t.input_tokens), int(t.output_tokens), int(t.cache_creation_input_tokens), int(t.cache_read_input_tokens), usd(t.cost_usd)]);
  const sessions = out.sessions.map((s) => [
    `${s.session_id} (${s.source})`,
    int(s.input_tokens),
    int(s.output_tokens),
    int(s.cache_creation_input_tokens),
    int(s.cache_read_input_tokens),
    usd(s.cost_usd) + (s.unpriced_models.length > 0 ? '+' : ''),
  ]);
  const parts = [
    `${int(out.files)} files, ${int(out.lines)} lines (${int(out.skipped)} without usage), ${int(out.messages)} messages, ${int(out.duplicates)} duplicate lines`,
    '',
    table(['MODEL', ...COLUMNS], models),
    '',
    table(['SESSION', ...COLUMNS], sessions),
  ];
  if (out.unpriced_models.length > 0) {
    parts.push('', `Not in the price table, so not in COST ('+' marks sessions using them): ${out.unpriced_models.join(', ')}`);
  }
  for (const l of out.limits) parts.push(`Usage limit (${l.source}, ${l.timestamp}): ${l.text}`);
  return parts.join('\n') + '\n';
}

function isDirectory(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Adds `scan` to the `tokens` command (which owns the per-build views). */
export function registerTokensScan(tokens: Command): void {
  tokens
    .command('scan')
    .description('count tokens and cost in Claude Code transcripts (read-only, offline)')
    .argument('[dir]', 'a Claude config dir or projects dir (default: $CLAUDE_CONFIG_DIR, else ~/.claude and ~/.config/claude)')
    .option('--json', 'print JSON instead of a table')
    .action(async (dir: string | undefined, options: { json?: boolean }, command: Command) => {
      if (dir !== undefined && !isDirectory(dir)) {
        command.error(`tokens scan: no such directory: ${dir}`, { exitCode: EXIT_USAGE, code: 'steward.tokens.no-dir' });
      }
      const dirs = dir !== undefined ? [dir] : discoverClaudeDirs();
      if (dirs.length === 0) {
        command.error('tokens scan: no Claude config dir found (set CLAUDE_CONFIG_DIR or pass DIR)', {
          exitCode: EXIT_USAGE,
          code: 'steward.tokens.no-dir',
        });
      }
      const out = await scanOutput(dirs);
      const write = command.configureOutput().writeOut ?? ((s: string) => void process.stdout.write(s));
      write(options.json ? JSON.stringify(out, null, 2) + '\n' : formatScan(out));
    });
}
