import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  appendTokenLog,
  forgetCachedLedgers,
  readAgentTokens,
  type AgentTokenFile,
} from '../../src/activities/agent-tokens';
import { projectSlug, TranscriptWriter } from '../../src/agent/transcript-writer';
import type { TokenRecord } from '../../src/core/state/tokens';
import type { AgentTokenRequest } from '../../src/core/tokens/host-contract';

const MODEL = 'claude-sonnet-4-5'; // $3 in, $15 out per million
const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';
const R1 = '33333333-3333-4333-8333-333333333333';

let dir: string;
let transcripts: string;
let ledgerFile: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'steward-agent-tokens-'));
  transcripts = path.join(dir, 'transcripts');
  ledgerFile = path.join(dir, 'state', 'token-ledger.json');
});
afterEach(() => {
  forgetCachedLedgers();
  rmSync(dir, { recursive: true, force: true });
});

const BUILDER_CWD = '/work/builder';
const REVIEWER_CWD = '/work/reviewer';

function request(agents: Record<string, string[]>): AgentTokenRequest {
  return {
    ledgerFile,
    agents: Object.fromEntries(
      Object.entries(agents).map(([name, ids]) => [name, { dir: transcripts, sessionIds: ids }]),
    ),
  };
}

const usd = (input: number, output: number) => (input * 3 + output * 15) / 1e6;

function sessionFile(cwd: string, sessionId: string): string {
  return path.join(transcripts, projectSlug(cwd), `${sessionId}.jsonl`);
}

function subagentLine(id: string, input: number, output: number, sessionId: string): string {
  return (
    JSON.stringify({
      type: 'assistant',
      uuid: `u-${id}-${output}`,
      requestId: `req-sub-${id}`,
      sessionId,
      isSidechain: true,
      timestamp: '2026-03-01T10:00:00.000Z',
      message: {
        id,
        model: MODEL,
        role: 'assistant',
        content: [{ type: 'text', text: 'x' }],
        usage: {
          input_tokens: input,
          output_tokens: output,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    }) + '\n'
  );
}

describe('readAgentTokens', () => {
  it("totals each agent's own sessions only, from files written like the scripted agent's", async () => {
    const builder = new TranscriptWriter(transcripts, S1, BUILDER_CWD);
    builder.user('kickoff');
    builder.assistant('working', MODEL, { input: 100, output: 50 });
    builder.assistant('more', MODEL, { input: 200, output: 70 });
    const reviewer = new TranscriptWriter(transcripts, R1, REVIEWER_CWD);
    reviewer.assistant('verifying', MODEL, { input: 1000, output: 10 });
    // Another session in the builder's project that is none of ours.
    new TranscriptWriter(transcripts, S2, BUILDER_CWD).assistant('stranger', MODEL, { input: 9999, output: 9999 });

    const got = await readAgentTokens(request({ builder: [S1], reviewer: [R1], idle: [] }));
    expect(got.agents).toEqual({
      builder: {
        usage: {
          input_tokens: 300,
          output_tokens: 120,
          cache_creation_input_tokens: 0,
          cache_creation_5m: 0,
          cache_creation_1h: 0,
          cache_read_input_tokens: 0,
        },
        costUsd: usd(300, 120),
        unpriced: [],
      },
      reviewer: {
        usage: {
          input_tokens: 1000,
          output_tokens: 10,
          cache_creation_input_tokens: 0,
          cache_creation_5m: 0,
          cache_creation_1h: 0,
          cache_read_input_tokens: 0,
        },
        costUsd: usd(1000, 10),
        unpriced: [],
      },
      idle: {
        usage: {
          input_tokens: 0,
          output_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_creation_5m: 0,
          cache_creation_1h: 0,
          cache_read_input_tokens: 0,
        },
        costUsd: 0,
        unpriced: [],
      },
    });
    expect(got.sessions).toEqual({ builder: [S1], reviewer: [R1], idle: [] });
    expect(got.read).toMatchObject({ files: 2, filesRead: 2, resets: 0, fresh: true, saved: true });
    expect(got.limits).toEqual([]);
    // The ledger file is plain JSON, cursors and ledger together.
    const saved = JSON.parse(readFileSync(ledgerFile, 'utf8')) as AgentTokenFile;
    expect(Object.keys(saved.reader.files).sort()).toEqual(
      [sessionFile(BUILDER_CWD, S1), sessionFile(REVIEWER_CWD, R1)].sort(),
    );
    expect(saved.located).toEqual({ [S1]: projectSlug(BUILDER_CWD), [R1]: projectSlug(REVIEWER_CWD) });
    expect(readdirSync(path.dirname(ledgerFile))).toEqual(['token-ledger.json']); // no temp files left
  });

  it("prices the totals with the request's [prices]: a model the built-in table lacks, and a replaced one", async () => {
    const builder = new TranscriptWriter(transcripts, S1, BUILDER_CWD);
    builder.assistant('a', 'claude-foo-1', { input: 1000, output: 100 });
    builder.assistant('b', MODEL, { input: 1000, output: 100 });
    const before = await readAgentTokens(request({ builder: [S1] }));
    expect(before.agents.builder).toMatchObject({ costUsd: usd(1000, 100), unpriced: ['claude-foo-1'] });
    // The same ledger, priced afresh: the table applies to all usage read so far.
    const priced = await readAgentTokens({
      ...request({ builder: [S1] }),
      prices: { 'claude-foo-1': { input: 2, output: 10 }, [MODEL]: { input: 0, output: 0 } },
    });
    expect(priced.agents.builder).toMatchObject({ costUsd: (1000 * 2 + 100 * 10) / 1e6, unpriced: [] });
  });

  it('reads only the appended bytes on the next call, and nothing when nothing changed', async () => {
    const builder = new TranscriptWriter(transcripts, S1, BUILDER_CWD);
    builder.assistant('one', MODEL, { input: 100, output: 50 });
    const req = request({ builder: [S1] });
    await readAgentTokens(req);
    const mtime = statSync(ledgerFile).mtimeMs;

    const idle = await readAgentTokens(req);
    expect(idle.read).toEqual({ files: 1, filesRead: 0, bytesRead: 0, resets: 0, fresh: false, saved: false });
    expect(statSync(ledgerFile).mtimeMs).toBe(mtime); // not rewritten

    const file = sessionFile(BUILDER_CWD, S1);
    const before = statSync(file).size;
    builder.assistant('two', MODEL, { input: 10, output: 5 });
    const next = await readAgentTokens(req);
    expect(next.read).toMatchObject({ filesRead: 1, bytesRead: statSync(file).size - before, resets: 0 });
    expect(next.agents.builder.usage).toMatchObject({ input_tokens: 110, output_tokens: 55 });
    expect(next.agents.builder.costUsd).toBeCloseTo(usd(110, 55), 12);
  });

  it('holds a half-written last line until it is complete', async () => {
    const builder = new TranscriptWriter(transcripts, S1, BUILDER_CWD);
    builder.assistant('one', MODEL, { input: 100, output: 50 });
    const file = sessionFile(BUILDER_CWD, S1);
    const line = subagentLine('msg_partial', 7, 3, S1);
    appendFileSync(file, line.slice(0, 40));
    const req = request({ builder: [S1] });
    expect((await readAgentTokens(req)).agents.builder.usage.input_tokens).toBe(100);
    appendFileSync(file, line.slice(40));
    expect((await readAgentTokens(req)).agents.builder.usage.input_tokens).toBe(107);
  });

  it("keeps counting a rebooted agent's first session beside its new one", async () => {
    const first = new TranscriptWriter(transcripts, S1, BUILDER_CWD);
    first.assistant('before the crash', MODEL, { input: 100, output: 50 });
    expect((await readAgentTokens(request({ builder: [S1] }))).agents.builder.usage.output_tokens).toBe(50);

    // The reboot: a new session id; the first session's file may still get its last lines.
    const second = new TranscriptWriter(transcripts, S2, BUILDER_CWD);
    second.assistant('after the reboot', MODEL, { input: 30, output: 20 });
    first.assistant('late line', MODEL, { input: 1, output: 1 });
    const got = await readAgentTokens(request({ builder: [S1, S2] }));
    expect(got.agents.builder.usage).toMatchObject({ input_tokens: 131, output_tokens: 71 });
    expect(got.read).toMatchObject({ files: 2, filesRead: 2 });
    expect(got.sessions).toEqual({ builder: [S1, S2] });
  });

  it('is idempotent across retries: a crash after the save, before it, or a lost cursor never double counts', async () => {
    const builder = new TranscriptWriter(transcripts, S1, BUILDER_CWD);
    builder.assistant('one', MODEL, { input: 100, output: 50 });
    const req = request({ builder: [S1] });
    const first = await readAgentTokens(req);

    // The result was lost on the way back: the retry reads nothing new and returns the same.
    const retry = await readAgentTokens(req);
    expect(retry.agents).toEqual(first.agents);
    expect(retry.read.bytesRead).toBe(0);

    // Crash between save and return, in a worker process that then died: the next process
    // starts from the saved cursors and ledger.
    const file = sessionFile(BUILDER_CWD, S1);
    builder.assistant('two', MODEL, { input: 10, output: 5 });
    const saved = await readAgentTokens(req, { saveIntervalMs: 0 });
    expect(saved.read.saved).toBe(true);
    forgetCachedLedgers();
    const afterSave = await readAgentTokens(req);
    expect(afterSave.agents).toEqual(saved.agents);
    expect(afterSave.read).toMatchObject({ bytesRead: 0, fresh: false });
    expect(afterSave.agents.builder.usage).toMatchObject({ input_tokens: 110, output_tokens: 55 });

    // Crash before the save: the lines read into memory never reached disk. The next process
    // reads them again from the saved cursors, and counts them once.
    const size = statSync(file).size;
    builder.assistant('three', MODEL, { input: 1, output: 1 });
    const unsaved = await readAgentTokens(req);
    expect(unsaved.read.saved).toBe(false);
    forgetCachedLedgers();
    const redone = await readAgentTokens(req);
    expect(redone.read.bytesRead).toBe(statSync(file).size - size);
    expect(redone.agents).toEqual(unsaved.agents);
    expect(redone.agents.builder.usage).toMatchObject({ input_tokens: 111, output_tokens: 56 });

    // Cursors lost but the ledger kept (everything read again from 0): dedup by message id.
    await readAgentTokens(req, { saveIntervalMs: 0 });
    const onDisk = JSON.parse(readFileSync(ledgerFile, 'utf8')) as AgentTokenFile;
    onDisk.reader.files = {};
    writeFileSync(ledgerFile, JSON.stringify(onDisk)); // another inode/size/mtime: re-loaded, not the cached copy
    const reread = await readAgentTokens(req);
    expect(reread.read.bytesRead).toBe(statSync(file).size);
    expect(reread.agents).toEqual(unsaved.agents);
  });

  it('saves the ledger file at most once per interval, or after enough bytes', async () => {
    const builder = new TranscriptWriter(transcripts, S1, BUILDER_CWD);
    builder.assistant('one', MODEL, { input: 100, output: 50 });
    const req = request({ builder: [S1] });
    expect((await readAgentTokens(req)).read.saved).toBe(true); // the first call creates it
    const mtime = statSync(ledgerFile).mtimeMs;
    builder.assistant('two', MODEL, { input: 1, output: 1 });
    expect((await readAgentTokens(req)).read).toMatchObject({ filesRead: 1, saved: false });
    expect(statSync(ledgerFile).mtimeMs).toBe(mtime);
    // Nothing new, but unsaved data from before: saved once due.
    expect((await readAgentTokens(req, { saveIntervalMs: 0 })).read).toMatchObject({ filesRead: 0, saved: true });
    expect((await readAgentTokens(req, { saveIntervalMs: 0 })).read.saved).toBe(false); // clean: nothing to save
    builder.assistant('three', MODEL, { input: 1, output: 1 });
    expect((await readAgentTokens(req, { saveAfterBytes: 1 })).read.saved).toBe(true);
    const disk = JSON.parse(readFileSync(ledgerFile, 'utf8')) as AgentTokenFile;
    expect(disk.reader.files[sessionFile(BUILDER_CWD, S1)].offset).toBe(statSync(sessionFile(BUILDER_CWD, S1)).size);
  });

  it('rebuilds an unreadable ledger file from the transcripts, with the same totals', async () => {
    const builder = new TranscriptWriter(transcripts, S1, BUILDER_CWD);
    builder.assistant('one', MODEL, { input: 100, output: 50 });
    const req = request({ builder: [S1] });
    const first = await readAgentTokens(req);
    writeFileSync(ledgerFile, '{"version":1,"reader":'); // torn
    const rebuilt = await readAgentTokens(req);
    expect(rebuilt.read.fresh).toBe(true);
    expect(rebuilt.agents).toEqual(first.agents);
    expect(JSON.parse(readFileSync(ledgerFile, 'utf8')).version).toBe(1);
  });

  it('reads subagent files, counting a replayed parent message once', async () => {
    const builder = new TranscriptWriter(transcripts, S1, BUILDER_CWD);
    builder.assistant('parent', MODEL, { input: 100, output: 50 });
    const req = request({ builder: [S1] });
    await readAgentTokens(req);

    const subdir = path.join(transcripts, projectSlug(BUILDER_CWD), S1, 'subagents');
    mkdirSync(subdir, { recursive: true });
    const parentId = `msg_${S1.slice(0, 8)}_1`;
    writeFileSync(
      path.join(subdir, 'agent-a1.jsonl'),
      subagentLine(parentId, 100, 50, S1) + subagentLine('msg_sub_1', 40, 4, S1),
    );
    let got = await readAgentTokens(req);
    expect(got.agents.builder.usage).toMatchObject({ input_tokens: 140, output_tokens: 54 });
    expect(got.read.files).toBe(2);

    appendFileSync(path.join(subdir, 'agent-a1.jsonl'), subagentLine('msg_sub_2', 1, 1, S1));
    writeFileSync(path.join(subdir, 'agent-b2.jsonl'), subagentLine('msg_sub_3', 2, 2, S1));
    got = await readAgentTokens(req);
    expect(got.agents.builder.usage).toMatchObject({ input_tokens: 143, output_tokens: 57 });
    expect(got.read).toMatchObject({ files: 3, filesRead: 2 });
  });

  it('finds a session whose only files so far are subagents, and a config dir with projects/', async () => {
    const projects = path.join(transcripts, 'projects');
    const subdir = path.join(projects, '-w', S1, 'subagents');
    mkdirSync(subdir, { recursive: true });
    writeFileSync(path.join(subdir, 'agent-x.jsonl'), subagentLine('m1', 5, 5, S1));
    const got = await readAgentTokens(request({ builder: [S1] }));
    expect(got.agents.builder.usage.input_tokens).toBe(5);
  });

  it('reports the latest usage-limit line per agent', async () => {
    const builder = new TranscriptWriter(transcripts, S1, BUILDER_CWD);
    builder.assistant('one', MODEL, { input: 1, output: 1 });
    const limit = (text: string, timestamp: string) =>
      JSON.stringify({
        type: 'assistant',
        isApiErrorMessage: true,
        sessionId: S1,
        timestamp,
        message: {
          id: 'x',
          model: '<synthetic>',
          content: [{ type: 'text', text }],
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      }) + '\n';
    appendFileSync(
      sessionFile(BUILDER_CWD, S1),
      limit('Claude AI usage limit reached|1760000000', '2026-03-01T10:00:00.000Z'),
    );
    appendFileSync(
      sessionFile(BUILDER_CWD, S1),
      limit("You've hit your limit · resets 3pm", '2026-03-01T11:00:00.000Z'),
    );
    const got = await readAgentTokens(request({ builder: [S1] }));
    expect(got.limits).toEqual([
      { agent: 'builder', text: "You've hit your limit · resets 3pm", at: Date.parse('2026-03-01T11:00:00.000Z') },
    ]);
  });

  it('ignores session ids that are not plain file names, and dirs that do not exist', async () => {
    new TranscriptWriter(transcripts, S1, BUILDER_CWD).assistant('one', MODEL, { input: 1, output: 1 });
    const got = await readAgentTokens({
      ledgerFile,
      agents: {
        a: { dir: transcripts, sessionIds: ['../x', '', `${projectSlug(BUILDER_CWD)}/${S1}`] },
        b: { dir: path.join(dir, 'nope'), sessionIds: [S1] },
      },
    });
    expect(got.read.files).toBe(0);
    expect(got.agents.a.usage.input_tokens).toBe(0);
  });
});

describe('appendTokenLog', () => {
  const rec = (phase_id: string): TokenRecord => ({
    phase_id,
    started: '2026-03-01T10:00:00Z',
    ended: '2026-03-01T10:05:00Z',
    duration_s: 300,
    agents: {},
    total: { input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: 3, cache_read_input_tokens: 4, total: 10 },
    cost_usd: 0.5,
    unpriced_models: [],
  });

  it('appends JSON lines, and a retried batch is not written twice', async () => {
    const file = path.join(dir, 'state', 'token-log.jsonl');
    expect(existsSync(file)).toBe(false);
    expect(await appendTokenLog(file, [rec('P1:D1'), rec('P1')])).toBe(2);
    expect(await appendTokenLog(file, [rec('P1:D1'), rec('P1')])).toBe(0);
    expect(await appendTokenLog(file, [rec('P1'), rec('P2')])).toBe(1);
    expect(await appendTokenLog(file, [])).toBe(0);
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as TokenRecord);
    expect(lines.map((l) => l.phase_id)).toEqual(['P1:D1', 'P1', 'P2']);
  });
});
