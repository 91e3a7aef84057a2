import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildHarness, useHarness } from '../helpers/harness';
import { twoPhaseConfig } from '../helpers/configs';
import { steward } from '../helpers/cli';
import { parseAgentScript, type ScriptRule } from '../../src/agent/script';
import { priceUsage } from '../../src/core/tokens/pricing';
import { zeroUsage } from '../../src/core/tokens/usage';
import type { TokenFigures, TokenRecord } from '../../src/core/state/tokens';
import { statusQuery } from '../../src/workflows/definitions';

/**
 * What each window must hold, derived from the demo scripts: every rule that fires writes one reply
 * with its `tokens` (two streamed snapshots of one message id, counted once at the final output).
 *
 * Per phase: the builder's kickoff rule (build + claim), the adversary's claim rule (review), the
 * builder's review rule (done marker). In p1 the first review fails: the builder's fix (a second
 * claim of the same gate, no window boundary) and a second review come in between. The gate opens
 * when its first claim is seen — after the builder's claim reply — and is flushed at the phase end:
 * it holds the reviews, the fix and the done-marker replies.
 */
function rule(script: string, line: string): ScriptRule {
  const rules = parseAgentScript(readFileSync(join(process.cwd(), 'config', 'demo', script), 'utf8')).on;
  const found = rules.filter((r) => new RegExp(r.match).test(line));
  if (found.length !== 1) throw new Error(`${script}: expected one rule for "${line}", found ${found.length}`);
  return found[0]!;
}

interface Spend {
  input: number;
  output: number;
  usd: number;
}

function spend(...rules: ScriptRule[]): Spend {
  let input = 0;
  let output = 0;
  let usd = 0;
  for (const r of rules) {
    input += r.tokens.input;
    output += r.tokens.output;
    const price = priceUsage(r.model, { ...zeroUsage(), input_tokens: r.tokens.input, output_tokens: r.tokens.output });
    if (!('usd' in price)) throw new Error(`the demo model ${r.model} has no price`);
    usd += price.usd;
  }
  return { input, output, usd };
}

const figures = (s: Spend): TokenFigures => ({
  input_tokens: s.input,
  output_tokens: s.output,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  total: s.input + s.output,
});

const micro = (usd: number) => Math.round(usd * 1e6) / 1e6;

function expectedWindow(
  agents: Record<string, Spend>,
): Pick<TokenRecord, 'agents' | 'total' | 'cost_usd' | 'unpriced_models'> {
  const all = Object.values(agents);
  const sum = {
    input: all.reduce((n, s) => n + s.input, 0),
    output: all.reduce((n, s) => n + s.output, 0),
    usd: all.reduce((n, s) => n + s.usd, 0),
  };
  return {
    agents: Object.fromEntries(Object.entries(agents).map(([name, s]) => [name, figures(s)])),
    total: figures(sum),
    cost_usd: micro(sum.usd),
    unpriced_models: [],
  };
}

/** The claim ping as the adversary reads it: the subject in quotes. */
const claimPing = (subject: string) =>
  `the other loop pushed a gate CLAIM commit: "${subject}" (0123abc) on origin/main.`;

function expectations(phase: string) {
  const builderClaim = rule('builder.script.toml', `Phase ${phase} begins. Write it.`);
  const reviews = [rule('adversary.script.toml', claimPing(`claim(${phase}-gate): work/${phase}.txt`))];
  const fixes: ScriptRule[] = [];
  if (phase === 'p1') {
    fixes.push(rule('builder.script.toml', 'review(p1-gate): FAIL'));
    reviews.push(rule('adversary.script.toml', claimPing('claim(p1-gate): work/p1.txt, fixed after review')));
  }
  const builderDone = rule('builder.script.toml', `review(${phase}-gate): PASS`);
  return {
    gate: expectedWindow({ adversary: spend(...reviews), builder: spend(...fixes, builderDone) }),
    phase: expectedWindow({ adversary: spend(...reviews), builder: spend(builderClaim, ...fixes, builderDone) }),
  };
}

async function tokenLog(h: BuildHarness): Promise<TokenRecord[]> {
  const text = await readFile(join(h.dir, '.steward', h.name, 'token-log.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TokenRecord);
}

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function expectWellFormed(r: TokenRecord): void {
  expect(r.started).toMatch(ISO_SECONDS);
  expect(r.ended).toMatch(ISO_SECONDS);
  expect(r.ended >= r.started).toBe(true);
  expect(r.duration_s).toBeGreaterThanOrEqual(0);
}

describe('token accounting over a real two-phase build of scripted agents', () => {
  const h = useHarness('tokens');

  it("gate granularity: one record per gate and per phase, in order, with exactly the scripts' usage; `steward tokens` shows them", async () => {
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    const result = await handle.result();
    expect(result.status).toBe('completed');

    // The scripted agents wrote Claude-style transcripts: each reply is two snapshots of one message id.
    const transcripts = join(h.dir, '.steward', h.name, 'transcripts');
    const files: string[] = [];
    for (const project of await readdir(transcripts))
      for (const f of await readdir(join(transcripts, project))) files.push(join(transcripts, project, f));
    expect(files).toHaveLength(2);
    const ids = (await Promise.all(files.map((f) => readFile(f, 'utf8'))))
      .flatMap((t) => t.split('\n'))
      .filter((l) => l.includes('"assistant"'))
      .map((l) => (JSON.parse(l) as { message: { id: string } }).message.id);
    expect(ids).toHaveLength(2 * 8); // 8 replies (3 per phase, 2 more for p1's failed review), 2 snapshots each
    expect(new Set(ids).size).toBe(8);

    const records = await tokenLog(h);
    expect(records.map((r) => r.phase_id)).toEqual(['p1:p1-gate', 'p1', 'p2:p2-gate', 'p2']);
    records.forEach(expectWellFormed);
    for (const phase of ['p1', 'p2']) {
      const want = expectations(phase);
      expect(records.find((r) => r.phase_id === `${phase}:${phase}-gate`)).toMatchObject(want.gate);
      expect(records.find((r) => r.phase_id === phase)).toMatchObject(want.phase);
    }
    // Exact figures of p1, spelled out once (builder: 1500/400 claim + 900/200 fix + 800/120 done;
    // adversary: 2 × 1100/250, the failed review and the passing one).
    expect(records[0]!.total).toEqual({
      input_tokens: 3900,
      output_tokens: 820,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      total: 4720,
    });
    expect(records[1]!.agents).toEqual({
      adversary: {
        input_tokens: 2200,
        output_tokens: 500,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        total: 2700,
      },
      builder: {
        input_tokens: 3200,
        output_tokens: 720,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        total: 3920,
      },
    });
    expect(records[1]!.cost_usd).toBe(0.0345);
    // A gate ends where its phase ends: its record is written in the same tick, just before.
    expect(records[0]!.ended).toBe(records[1]!.ended);
    expect(records[1]!.ended <= records[3]!.started).toBe(true);

    // The status query keeps the recent records and the agents' cumulative totals.
    const view = await handle.query(statusQuery);
    expect(view.tokens.records).toEqual(records);
    expect(view.tokens.totals.builder!.usage).toMatchObject({ input_tokens: 5500, output_tokens: 1240 });
    expect(view.tokens.totals.adversary!.usage).toMatchObject({ input_tokens: 3300, output_tokens: 750 });
    expect(view.tokens.costUsd).toBe(micro(records[1]!.cost_usd + records[3]!.cost_usd));
    const recorded = view.events.filter((e) => e.type === 'tokens_recorded').map((e) => e.message.split(':')[0]);
    expect(recorded).toEqual(['gate p1', 'phase p1', 'gate p2', 'phase p2']);

    // `steward tokens`: the same records, read from the state dir the config names.
    const byPhase = await steward(['tokens', '--build', h.name, '--by', 'phase', '--json']);
    expect(byPhase).toMatchObject({ code: 0, stderr: '' });
    const phaseJson = JSON.parse(byPhase.stdout);
    expect(phaseJson.rows).toEqual(records.filter((r) => !r.phase_id.includes(':')));
    expect(phaseJson).toMatchObject({
      build: h.name,
      workflowId: `build/${h.name}`,
      workflowStatus: 'COMPLETED',
      status: 'completed',
      by: 'phase',
      tokenLog: { file: join(h.dir, '.steward', h.name, 'token-log.jsonl'), found: true, records: 4 },
      open: [],
      totals: {
        input_tokens: 8800,
        output_tokens: 1990,
        total: 10790,
        cost_usd: view.tokens.costUsd,
        unpriced_models: [],
        source: 'status',
      },
      notes: [],
    });
    const byGate = JSON.parse(
      (await steward(['tokens', '--build', `build/${h.name}`, '--by', 'gate', '--json'])).stdout,
    );
    expect(byGate.rows).toEqual([records[0], records[2]]);
    const byAgent = JSON.parse((await steward(['tokens', '--build', h.name, '--by', 'agent', '--json'])).stdout);
    expect(byAgent.rows).toEqual([
      {
        agent: 'adversary',
        input_tokens: 3300,
        output_tokens: 750,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        total: 4050,
        cost_usd: 0.02115,
        unpriced_models: [],
      },
      {
        agent: 'builder',
        input_tokens: 5500,
        output_tokens: 1240,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        total: 6740,
        cost_usd: 0.0351,
        unpriced_models: [],
      },
    ]);

    const table = await steward(['tokens', '--build', h.name, '--by', 'gate']);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toBe(`build ${h.name} (build/${h.name}): completed — tokens by gate`);
    expect(lines).toContainEqual(
      expect.stringMatching(/^GATE\s+INPUT\s+OUTPUT\s+CACHE WRITE\s+CACHE READ\s+TOTAL\s+USD\s+STARTED\s+DURATION$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^p1:p1-gate\s+3,900\s+820\s+0\s+0\s+4,720\s+\$0\.0240\s+\d{4}-/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^TOTAL\s+8,800\s+1,990\s+0\s+0\s+10,790\s+\$0\.056[23]$/));
    expect(table.stdout).toContain(`token log: ${join(h.dir, '.steward', h.name, 'token-log.jsonl')} (4 records)`);

    // Usage errors: exit 2, one line.
    const unknown = await steward(['tokens', '--build', `${h.name}-nope`]);
    expect(unknown.code).toBe(2);
    expect(unknown.errLines).toEqual([
      `steward: no build named ${h.name}-nope (no workflow build/${h.name}-nope in namespace default)`,
    ]);
  });

  it('phase granularity: only the phase rollups, with the same figures', async () => {
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name, 'token_granularity = "phase"')));
    expect((await handle.result()).status).toBe('completed');

    const records = await tokenLog(h);
    expect(records.map((r) => r.phase_id)).toEqual(['p1', 'p2']);
    records.forEach(expectWellFormed);
    expect(records[0]).toMatchObject(expectations('p1').phase);
    expect(records[1]).toMatchObject(expectations('p2').phase);

    const byPhase = JSON.parse((await steward(['tokens', '--build', h.name, '--json'])).stdout);
    expect(byPhase.by).toBe('phase');
    expect(byPhase.rows).toEqual(records);
    const byGate = await steward(['tokens', '--build', h.name, '--by', 'gate']);
    expect(byGate.code).toBe(0);
    expect(byGate.stdout).toContain('note: no gate records yet');
  });
});
