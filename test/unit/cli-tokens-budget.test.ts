import { CommanderError } from 'commander';
import path from 'node:path';
import {
  budgetFromOptions,
  describeBudget,
  positiveUsd,
  registerBudgetCommand,
  warnRatio,
} from '../../src/client/commands/budget';
import { buildOf, pickRunningBuild, registerTokensCommand } from '../../src/client/commands/tokens';
import { UsageError } from '../../src/client/load-or-exit';
import {
  mergeRecords,
  parseTokenLog,
  renderTokens,
  tokensReport,
  type TokensInputs,
} from '../../src/client/render/tokens';
import { formatUsd } from '../../src/core/tokens/format';
import type { TokenRecord } from '../../src/core/state/tokens';
import { zeroUsage } from '../../src/core/tokens/usage';
import { capturedProgram } from './support/cli';

const T = Date.UTC(2026, 0, 5, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const f = (input: number, output: number, write = 0, read = 0) => ({
  input_tokens: input,
  output_tokens: output,
  cache_creation_input_tokens: write,
  cache_read_input_tokens: read,
  total: input + output + write + read,
});

function record(
  id: string,
  startS: number,
  endS: number,
  builder: number,
  adversary: number,
  unpriced: string[] = [],
): TokenRecord {
  return {
    phase_id: id,
    started: iso(T + startS * 1000),
    ended: iso(T + endS * 1000),
    duration_s: endS - startS,
    agents: { adversary: f(adversary, 10), builder: f(builder, 20, 100) },
    total: f(builder + adversary, 30, 100),
    cost_usd: 0.0125,
    unpriced_models: unpriced,
  };
}

const LOG = [
  record('p1:g1', 5, 60, 1000, 2000),
  record('p1', 0, 60, 1500, 2000, ['local-llm']),
  record('p2', 60, 90, 10, 20),
];

function inputs(over: Partial<TokensInputs> = {}): TokensInputs {
  return {
    build: 'demo',
    workflowId: 'build/demo',
    runId: 'run-1',
    workflowStatus: 'RUNNING',
    status: 'running',
    by: 'phase',
    tokens: {
      records: LOG.slice(-2),
      totals: {
        builder: {
          usage: {
            ...zeroUsage(),
            input_tokens: 3000,
            output_tokens: 40,
            cache_creation_input_tokens: 100,
            cache_creation_5m: 100,
          },
          costUsd: 0.5,
          unpriced: [],
        },
        adversary: {
          usage: { ...zeroUsage(), input_tokens: 4020, output_tokens: 20 },
          costUsd: 0.25,
          unpriced: ['local-llm'],
        },
      },
      costUsd: 0.75,
      phaseStart: { phase: 'p3', at: T + 90_000, baseline: {} },
      gate: null,
      build: { at: T, baseline: {} },
    },
    log: { file: '/state/token-log.jsonl', records: LOG },
    since: T,
    until: null,
    now: T + 120_000,
    ...over,
  };
}

describe('steward tokens: records, rows and totals', () => {
  it('parses token-log.jsonl, skipping torn and foreign lines', () => {
    const text = `${JSON.stringify(LOG[0])}\n{"phase_id":\n${JSON.stringify({ hello: 1 })}\n\n${JSON.stringify(LOG[1])}\n`;
    expect(parseTokenLog(text)).toEqual({ records: [LOG[0], LOG[1]], skipped: 2 });
  });

  it("merges the log with the query's recent records once each, keeps written order, and leaves out other runs' records", () => {
    const old = record('p1', -3600, -3000, 1, 1);
    expect(mergeRecords([old, ...LOG], LOG.slice(-2), T, null)).toEqual(LOG);
    expect(mergeRecords(null, LOG.slice(-2), T, null)).toEqual(LOG.slice(-2));
    expect(mergeRecords(LOG, [], T, T + 30_000)).toEqual(LOG.slice(0, 2));
  });

  it('--by phase: the phase records as written, then the open phase window; totals from the status query', () => {
    const r = tokensReport(inputs());
    expect(r.rows).toEqual([LOG[1], LOG[2]]);
    expect(r.open).toHaveLength(1);
    expect(r.open[0]).toMatchObject({
      phase_id: 'p3',
      started: iso(T + 90_000),
      ended: iso(T + 120_000),
      duration_s: 30,
    });
    expect(r.totals).toEqual({ ...f(7020, 60, 100), cost_usd: 0.75, unpriced_models: ['local-llm'], source: 'status' });
    expect(r.tokenLog).toEqual({ file: '/state/token-log.jsonl', found: true, records: 3 });
    expect(r.notes).toEqual([]);
    const lines = renderTokens(r);
    expect(lines[0]).toBe('build demo (build/demo): running — tokens by phase');
    expect(lines[2]).toMatch(/^PHASE\s+INPUT\s+OUTPUT\s+CACHE WRITE\s+CACHE READ\s+TOTAL\s+USD\s+STARTED\s+DURATION$/);
    expect(lines[3]).toMatch(/^p1\s+3,500\s+30\s+100\s+0\s+3,630\s+\$0\.0125\+\s+2026-01-05T09:00:00Z\s+60s$/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^p3 \(open\)\s+7,020\s+60\s+100\s+0\s+7,180\s+\$0\.7500\+\s+2026-01-05T09:01:30Z\s+30s$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^TOTAL\s+7,020\s+60\s+100\s+0\s+7,180\s+\$0\.7500\+$/));
    expect(lines).toContain('+ also used models without a price, not in USD: local-llm');
    expect(lines).toContain('token log: /state/token-log.jsonl (3 records)');
  });

  it('--by gate: `<phase>:<gate>` records; none with phase granularity says so', () => {
    expect(tokensReport(inputs({ by: 'gate' })).rows).toEqual([LOG[0]]);
    const none = tokensReport(
      inputs({
        by: 'gate',
        log: { file: '/s/token-log.jsonl', records: [LOG[1]] },
        tokens: { ...inputs().tokens!, records: [] },
      }),
    );
    expect(none.rows).toEqual([]);
    expect(none.notes[0]).toMatch(/^no gate records yet/);
  });

  it('--by agent: cumulative per-agent totals with cost; without the query, sums of the phase records and no cost', () => {
    expect(tokensReport(inputs({ by: 'agent' })).rows).toEqual([
      { agent: 'adversary', ...f(4020, 20), cost_usd: 0.25, unpriced_models: ['local-llm'] },
      { agent: 'builder', ...f(3000, 40, 100), cost_usd: 0.5, unpriced_models: [] },
    ]);
    const offline = tokensReport(inputs({ by: 'agent', tokens: null, status: null, workflowStatus: 'COMPLETED' }));
    expect(offline.rows).toEqual([
      { agent: 'adversary', ...f(2020, 20), cost_usd: null, unpriced_models: [] },
      { agent: 'builder', ...f(1510, 40, 200), cost_usd: null, unpriced_models: [] },
    ]);
    expect(offline.totals).toMatchObject({ ...f(3530, 60, 200), cost_usd: 0.025, source: 'token-log' });
    expect(renderTokens(offline)[0]).toBe('build demo (build/demo): completed — tokens by agent');
    expect(renderTokens(offline)).toContainEqual(expect.stringMatching(/^builder\s+1,510\s+40\s+200\s+0\s+1,750\s+-$/));
  });

  it('says when token-log.jsonl was not read', () => {
    const r = tokensReport(inputs({ log: { file: '/elsewhere/token-log.jsonl', records: null } }));
    expect(r.rows).toEqual([LOG[1], LOG[2]]);
    expect(r.notes).toEqual([
      "token-log.jsonl not read (no /elsewhere/token-log.jsonl on this host): only the build's last 2 records are shown",
    ]);
  });

  it('USD: four places, `+` when unpriced models were left out, `unpriced` when nothing was priced', () => {
    expect(formatUsd(0.01234, [])).toBe('$0.0123');
    expect(formatUsd(123.456, ['x'])).toBe('$123.46+');
    expect(formatUsd(null, ['x'])).toBe('unpriced');
    expect(formatUsd(null, [])).toBe('-');
  });

  it('without --build: the only running build, else a usage error naming them', () => {
    expect(pickRunningBuild(['demo'])).toBe('demo');
    expect(() => pickRunningBuild([])).toThrow(
      new UsageError('no build is running: pass --build B (finished builds too)'),
    );
    expect(() => pickRunningBuild(['b', 'a'])).toThrow(new UsageError('2 builds are running, pass --build B: a, b'));
  });
});

describe('steward budget: options to a BudgetConfig', () => {
  it('builds the whole budget from the flags, warn ratio 0.8 unless given', () => {
    expect(budgetFromOptions({ tokens: 1_000_000 })).toEqual({ build: { tokens: 1_000_000 }, warn_ratio: 0.8 });
    expect(budgetFromOptions({ usd: 25, phaseTokens: 5000, phaseUsd: 2.5, warnRatio: 0.9 })).toEqual({
      build: { usd: 25 },
      phase: { tokens: 5000, usd: 2.5 },
      warn_ratio: 0.9,
    });
    expect(budgetFromOptions({ clear: true })).toEqual({ warn_ratio: 0.8 });
  });

  it('refuses no limit, a lone warn ratio, and --clear with limits', () => {
    expect(() => budgetFromOptions({})).toThrow(UsageError);
    expect(() => budgetFromOptions({ warnRatio: 0.5 })).toThrow(/no limit given/);
    expect(() => budgetFromOptions({ clear: true, tokens: 5 })).toThrow('--clear removes every limit: give it alone');
  });

  it('parses dollars and ratios strictly', () => {
    expect(positiveUsd('12.50')).toBe(12.5);
    expect(positiveUsd('.5')).toBe(0.5);
    for (const bad of ['0', '-1', 'abc', '1e3', 'Infinity', ''])
      expect(() => positiveUsd(bad)).toThrow('expected dollars above 0');
    expect(warnRatio('1')).toBe(1);
    expect(warnRatio('0.75')).toBe(0.75);
    for (const bad of ['0', '1.01', 'NaN', '-0.5'])
      expect(() => warnRatio(bad)).toThrow('expected a ratio above 0 and at most 1');
  });

  it('describes a budget on one line', () => {
    expect(describeBudget({ build: { tokens: 1_000_000, usd: 50 }, phase: { tokens: 200_000 }, warn_ratio: 0.8 })).toBe(
      'build 1,000,000 tokens, $50.00; phase 200,000 tokens; warn at 80%',
    );
    expect(describeBudget({ warn_ratio: 0.8 })).toBe('no limits');
  });
});

describe('the commands as registered', () => {
  const cli = () =>
    capturedProgram((program) => {
      registerTokensCommand(program);
      registerBudgetCommand(program);
    });

  it('keeps `tokens scan --json` working under the per-build `tokens` (which has a --json of its own)', async () => {
    const { program, out } = cli();
    await program.parseAsync(['tokens', 'scan', path.join(__dirname, '..', 'fixtures', 'transcripts'), '--json'], {
      from: 'user',
    });
    expect(JSON.parse(out.join(''))).toHaveProperty('total.input_tokens');
  });

  it('refuses a bad --by and bad budget values before connecting', async () => {
    const { program } = cli();
    await expect(program.parseAsync(['tokens', '--by', 'model'], { from: 'user' })).rejects.toThrow(CommanderError);
    await expect(cli().program.parseAsync(['budget', 'demo', '--tokens', '0'], { from: 'user' })).rejects.toThrow(
      CommanderError,
    );
    await expect(cli().program.parseAsync(['budget', 'demo'], { from: 'user' })).rejects.toThrow(UsageError);
    await expect(cli().program.parseAsync(['tokens', '--build', '../x'], { from: 'user' })).rejects.toThrow(UsageError);
  });

  it('takes the build as a positional argument too: `steward tokens B`', async () => {
    await expect(cli().program.parseAsync(['tokens', '../x'], { from: 'user' })).rejects.toThrow(
      new UsageError(
        'build name: `../x` is not a safe id: use 1-64 letters, digits, `.`, `_` or `-` (no `..`), starting with a letter or digit',
      ),
    );
    await expect(cli().program.parseAsync(['tokens', 'demo', '--build', 'other'], { from: 'user' })).rejects.toThrow(
      new UsageError('two builds named: demo and --build other; name one'),
    );
    expect(buildOf('demo', undefined)).toBe('demo');
    expect(buildOf(undefined, 'demo')).toBe('demo');
    expect(buildOf('demo', 'demo')).toBe('demo');
    expect(buildOf(undefined, undefined)).toBeUndefined();
  });
});
