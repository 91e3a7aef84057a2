/**
 * `steward budget B [--tokens N] [--usd X] [--phase-tokens N] [--phase-usd X] [--warn-ratio R]`:
 * replaces a running build's token/USD budget (the `setBudget` update). A build its budget paused
 * resumes on the next tick once usage is under every new limit.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { BudgetConfig, BudgetLimit } from '../../core/config/types';
import { setBudgetUpdate } from '../../workflows/definitions';
import { DEFAULT_WAIT_SECONDS, openBuild, parseBuildRef, runUpdate, withTemporal } from '../build-handle';
import { examples, outputOf, wholeNumber } from '../cli-output';
import { UsageError } from '../load-or-exit';

/** The config's default `[budget].warn_ratio`. */
export const DEFAULT_WARN_RATIO = 0.8;

export interface BudgetOptions {
  tokens?: number;
  usd?: number;
  phaseTokens?: number;
  phaseUsd?: number;
  warnRatio?: number;
  clear?: boolean;
}

const DECIMAL = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/;

/** Commander parser for a dollar amount: a plain decimal above 0. */
export function positiveUsd(value: string): number {
  const n = Number(value);
  if (!DECIMAL.test(value) || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('expected dollars above 0, like 12.50');
  return n;
}

/** Commander parser for the warn ratio: above 0, at most 1. */
export function warnRatio(value: string): number {
  const n = Number(value);
  if (!DECIMAL.test(value) || !Number.isFinite(n) || n <= 0 || n > 1)
    throw new InvalidArgumentError('expected a ratio above 0 and at most 1, like 0.8');
  return n;
}

/** The budget the options describe. It replaces the build's budget as a whole. */
export function budgetFromOptions(opts: BudgetOptions): BudgetConfig {
  const limits = [opts.tokens, opts.usd, opts.phaseTokens, opts.phaseUsd].filter((v) => v !== undefined);
  if (opts.clear) {
    if (limits.length > 0) throw new UsageError('--clear removes every limit: give it alone');
    return { warn_ratio: opts.warnRatio ?? DEFAULT_WARN_RATIO };
  }
  if (limits.length === 0) {
    throw new UsageError(
      'no limit given: pass --tokens, --usd, --phase-tokens or --phase-usd (the budget is replaced as a whole), or --clear',
    );
  }
  const limit = (tokens?: number, usd?: number): BudgetLimit | undefined =>
    tokens === undefined && usd === undefined
      ? undefined
      : { ...(tokens !== undefined ? { tokens } : {}), ...(usd !== undefined ? { usd } : {}) };
  const build = limit(opts.tokens, opts.usd);
  const phase = limit(opts.phaseTokens, opts.phaseUsd);
  return { ...(build ? { build } : {}), ...(phase ? { phase } : {}), warn_ratio: opts.warnRatio ?? DEFAULT_WARN_RATIO };
}

const grouped = (n: number) => Math.round(n).toLocaleString('en-US');

/** One line: `build 1,000,000 tokens, $50.00; phase 200,000 tokens; warn at 80%` (or `no limits`). */
export function describeBudget(b: BudgetConfig): string {
  const part = (scope: string, l: BudgetLimit | undefined) => {
    if (!l) return null;
    const bits = [
      l.tokens !== undefined ? `${grouped(l.tokens)} tokens` : null,
      l.usd !== undefined ? `$${l.usd.toFixed(2)}` : null,
    ].filter(Boolean);
    return `${scope} ${bits.join(', ')}`;
  };
  const parts = [part('build', b.build), part('phase', b.phase)].filter(Boolean);
  return parts.length ? `${parts.join('; ')}; warn at ${Math.round(b.warn_ratio * 100)}%` : 'no limits';
}

export function registerBudgetCommand(program: Command): void {
  program
    .command('budget')
    .description("replace a running build's token/USD budget; a build paused over budget resumes once under it")
    .argument('<build>', 'build name')
    .option(
      '--tokens <n>',
      'build limit: all billed tokens (input, output, cache writes and reads) since the build started',
      wholeNumber(1),
    )
    .option('--usd <x>', 'build limit in dollars (priced models only)', positiveUsd)
    .option('--phase-tokens <n>', 'limit per phase, in tokens', wholeNumber(1))
    .option('--phase-usd <x>', 'limit per phase, in dollars', positiveUsd)
    .option(
      '--warn-ratio <r>',
      `a budget_warning event at this share of a limit (default ${DEFAULT_WARN_RATIO})`,
      warnRatio,
    )
    .option('--clear', 'remove every limit')
    .addOption(
      new Option('--wait <seconds>', 'how long to wait for the build to carry the command out')
        .argParser(wholeNumber(1, 3600))
        .default(DEFAULT_WAIT_SECONDS),
    )
    .addHelpText(
      'after',
      [
        '',
        'The budget is replaced as a whole: limits not given are removed.',
        examples(
          'steward budget demo --tokens 2000000',
          'steward budget demo --usd 25 --phase-usd 5 --warn-ratio 0.9',
          'steward budget demo --clear',
        ),
      ].join('\n'),
    )
    .action(async (ref: string, opts: BudgetOptions & { wait: number }, command: Command) => {
      const budget = budgetFromOptions(opts);
      parseBuildRef(ref);
      const reply = await withTemporal(async (t) =>
        runUpdate(await openBuild(t, ref, { running: true }), setBudgetUpdate, [budget], opts.wait),
      );
      outputOf(command).out(`${reply}: ${describeBudget(budget)}`);
    });
}
