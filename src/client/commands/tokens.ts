/**
 * `steward tokens [B | --build B] [--by phase|gate|agent] [--json]`: a build's token use and cost
 * per phase, per claimed gate or per agent, from its status query and its state dir's token-log.jsonl.
 * `steward tokens scan` (offline, over Claude Code transcripts) is in tokens-scan.ts.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { TokenRecord } from '../../core/state/tokens';
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
import { outputOf } from '../cli-output';
import { UsageError } from '../load-or-exit';
import { firstLine } from '../render/format';
import { buildNameOfWorkflowId } from '../render/status';
import {
  parseTokenLog,
  renderTokens,
  tokensReport,
  type TokensBy,
  type TokensReport,
  type TokenView,
} from '../render/tokens';
import { listQuery } from './operate';
import { defineTokensCommand, registerTokensScan } from './tokens-scan';

export { formatScan, registerTokensScan, scanOutput, type ScanOutput } from './tokens-scan';

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
  const tokens = defineTokensCommand(program).action(
    async (positional: string | undefined, opts: TokensOptions, command: Command) => {
      const out = outputOf(command);
      const build = buildOf(positional, opts.build);
      if (build !== undefined) parseBuildRef(build); // a malformed name fails before connecting
      const report = await withTemporal(async (t) => {
        const ref = build ?? pickRunningBuild(await runningBuildNames(t));
        return buildTokens(t, ref, opts);
      });
      if (opts.json) out.json(report);
      else out.lines(renderTokens(report));
    },
  );
  registerTokensScan(tokens);
  return tokens;
}
