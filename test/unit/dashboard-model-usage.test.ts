/**
 * The dashboard's tokens per model (`BuildSnapshot.models`), from the fixture transcripts
 * (test/fixtures/transcripts, totals worked out in test/unit/tokens-fixtures.test.ts) copied into
 * a temp dir laid out as Claude's: each figure must be what `steward tokens scan` gives for the
 * same files, and a build's agents' sessions pick which files those are.
 */
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scanOutput, type ScanOutput } from '../../src/client/commands/tokens';
import { listedBuild, BuildBoard } from '../../src/client/dashboard/board';
import { ModelFollower, sessionsOf } from '../../src/client/dashboard/model-follower';
import { buildModelUsage, TranscriptTally } from '../../src/client/dashboard/model-usage';
import { parseConfigText } from '../../src/core/config/schema';
import type { StewardConfig } from '../../src/core/config/types';
import type { ModelUsage } from '../../src/core/dashboard/types';
import { priceTableOf } from '../../src/core/tokens/pricing';
import { teamStatus } from './support/dashboard-fixtures';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'transcripts');
const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';
const S3 = '33333333-3333-4333-8333-333333333333';
const SONNET = 'claude-sonnet-4-5-20250929';
const MYSTERY = 'claude-mystery-9';
/** Nothing from this host's own Claude config dirs. */
const NO_ENV = { CLAUDE_CONFIG_DIR: '/nonexistent/steward-test' };

let dir: string;
/** Claude's projects dir, the fixture's projects copied in. */
let projects: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'steward-model-usage-'));
  projects = path.join(dir, 'claude', 'projects');
  cpSync(path.join(FIXTURE, 'projects'), projects, { recursive: true });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A builder and a reviewer on Claude Code, its transcripts in `transcripts`; `extra` TOML after. */
function config(transcripts: string, extra = ''): StewardConfig {
  const text = `[[agent]]\nname = "builder"\n[[agent]]\nname = "reviewer"\n[backend.claude]\ntranscripts = ${JSON.stringify(transcripts)}\n${extra}`;
  const result = parseConfigText(text, { source: `${dir}/demo.toml`, baseDir: dir, homeDir: dir });
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
  return result.config;
}

/** What `steward tokens scan` says per model, as the dashboard carries it. */
function scanned(out: ScanOutput): ModelUsage[] {
  return out.models.map(({ model, cost_usd, messages: _messages, ...tokens }) => ({
    model,
    tokens,
    costUsd: cost_usd,
  }));
}

describe('tokens per model from a build’s transcripts', () => {
  it('gives exactly what `tokens scan` gives for the same files, an unpriced model at null dollars', async () => {
    const models = await buildModelUsage(config(projects), { builder: [S1, S2], reviewer: [S3] }, { env: NO_ENV });
    expect(models).toEqual(scanned(await scanOutput([projects])));
    const byModel = Object.fromEntries(models!.map((m) => [m.model, m]));
    expect(byModel[SONNET]).toEqual({
      model: SONNET,
      tokens: {
        input_tokens: 27,
        output_tokens: 710,
        cache_creation_input_tokens: 6000,
        cache_read_input_tokens: 75000,
      },
      costUsd: 0.057981,
    });
    expect(byModel[MYSTERY]).toEqual({
      model: MYSTERY,
      tokens: { input_tokens: 1000, output_tokens: 1000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      costUsd: null,
    });
    expect(models!.map((m) => m.model).sort()).toEqual([
      'claude-haiku-4-5-20251001',
      MYSTERY,
      'claude-opus-4-5-20251101',
      SONNET,
    ]);
  });

  it("prices with the build's [prices] over the built-in table", async () => {
    const priced = config(projects, `[prices."${MYSTERY}"]\ninput = 2\noutput = 10\n`);
    const models = await buildModelUsage(priced, { builder: [S3] }, { env: NO_ENV });
    const file = path.join(projects, '-work-other', `${S3}.jsonl`);
    expect(models).toEqual(scanned(await scanOutput([file], { prices: priceTableOf(priced.prices) })));
    expect(models!.find((m) => m.model === MYSTERY)!.costUsd).toBeCloseTo(0.012, 9); // 1000 × 2 + 1000 × 10 µ$
  });

  it("reads only the build's sessions: a session file with its subagents", async () => {
    const models = await buildModelUsage(config(projects), { builder: [S1] }, { env: NO_ENV });
    const demo = path.join(projects, '-work-demo');
    const s1Files = await scanOutput([
      path.join(demo, `${S1}.jsonl`),
      path.join(demo, S1, 'subagents', 'agent-a1.jsonl'),
    ]);
    expect(models).toEqual(scanned(s1Files));
    expect(models!.map((m) => m.model).sort()).toEqual(['claude-haiku-4-5-20251001', SONNET]);
  });

  it("finds them in this host's Claude config dir when the backend's dir lacks them", async () => {
    const models = await buildModelUsage(
      config(path.join(dir, 'elsewhere')),
      { builder: [S1, S2], reviewer: [S3] },
      { env: { CLAUDE_CONFIG_DIR: path.join(dir, 'claude') } },
    );
    expect(models).toEqual(scanned(await scanOutput([projects])));
  });

  it('is null when no transcript of the build is on this host', async () => {
    const sessions = { builder: ['44444444-4444-4444-8444-444444444444'], reviewer: [] };
    expect(await buildModelUsage(config(projects), sessions, { env: NO_ENV })).toBeNull();
    expect(await buildModelUsage(config(projects), {}, { env: NO_ENV })).toBeNull();
    expect(await buildModelUsage(config(path.join(dir, 'none')), { builder: [S1] }, { env: NO_ENV })).toBeNull();
    // Nothing that walks out of the transcripts dir is taken for a session.
    expect(await buildModelUsage(config(projects), { builder: [`../-work-demo/${S1}`] }, { env: NO_ENV })).toBeNull();
  });

  it('with a tally, reads only what is new: no double count, appended lines and new subagents added', async () => {
    const tally = new TranscriptTally();
    const sessions = { builder: [S1, S2], reviewer: [S3] };
    const read = () => buildModelUsage(config(projects), sessions, { tally, env: NO_ENV });
    const first = await read();
    expect(await read()).toEqual(first);

    const line = (id: string, input: number, sessionId = S3) =>
      JSON.stringify({
        type: 'assistant',
        requestId: `req_${id}`,
        sessionId,
        timestamp: '2025-10-01T11:00:00.000Z',
        message: { id, model: MYSTERY, role: 'assistant', usage: { input_tokens: input, output_tokens: 0 } },
      }) + '\n';
    appendFileSync(path.join(projects, '-work-other', `${S3}.jsonl`), line('msg_NEW', 5));
    const sub = path.join(projects, '-work-other', S3, 'subagents');
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, 'agent-b2.jsonl'), line('msg_SUB2', 7));
    const after = await read();
    expect(after!.find((m) => m.model === MYSTERY)!.tokens.input_tokens).toBe(1012);
    expect(after).toEqual(scanned(await scanOutput([projects])));
    expect(tally.reader.files[path.join(sub, 'agent-b2.jsonl')]).toBeDefined();
  });
});

describe('the model follower', () => {
  it("puts a build's models on the board from its status's sessions, and a closed build's once", async () => {
    const board = new BuildBoard();
    const problems: string[] = [];
    const follower = new ModelFollower(board, (m) => problems.push(m));
    const status = teamStatus({ tokens: { ...teamStatus().tokens, sessions: { builder: [S1], reviewer: [S3] } } });
    expect(sessionsOf(status).builder).toEqual([S1, status.agents.builder.sessionId]);

    const build = config(projects);
    board.put('demo', {}, () => listedBuild('demo', 'build/demo', 'RUNNING'));
    follower.follow('demo', build, true);
    await follower.readDue(30_000);
    expect(board.snapshot('demo')!.models).toBeNull(); // no status yet: the sessions are unknown
    board.setStatus('demo', status);
    await follower.readDue(30_000);
    const models = board.snapshot('demo')!.models!;
    expect(models.map((m) => m.model).sort()).toEqual(['claude-haiku-4-5-20251001', MYSTERY, SONNET]);

    // Closed: read once more, then no more.
    follower.setRunning('demo', false);
    board.put('demo', { models: null }, () => listedBuild('demo', 'build/demo', 'COMPLETED'));
    await follower.readDue(30_000);
    expect(board.snapshot('demo')!.models).toEqual(models);
    board.put('demo', { models: null }, () => listedBuild('demo', 'build/demo', 'COMPLETED'));
    await follower.readDue(0);
    expect(board.snapshot('demo')!.models).toBeNull();
    expect(problems).toEqual([]);
    follower.stop();
    board.close();
  });
});
