/**
 * The synthetic Claude config dir in test/fixtures/transcripts, scanned end to end.
 *
 * Messages (after dedup) and their final usage, as [input, output, cache write, cache read]:
 *   S1 (11111111…, project -work-demo)
 *     msg_A  sonnet-4.5  [3, 120, 5000 (5m), 20000]   streamed as 3 snapshots, output 10 → 50 → 120
 *     msg_B  sonnet-4.5  [5, 200, 1000 (1h), 25000]   line repeated; replayed by the subagent under req_REPLAY
 *     msg_C  haiku-4.5   [100, 50, 0, 0]              no requestId, line repeated
 *     msg_D  sonnet-4.5  [2, 300, 0, 30000]           CRLF line
 *     (uuid) sonnet-4.5  [7, 70, 0, 0]                neither message.id nor requestId
 *     msg_SUB1 haiku-4.5 [50, 400, 2000 (5m), 0]      subagent's own message (sessionId S1)
 *     + summary, user, system, non-JSON, <synthetic> and usage-limit lines
 *   S2 (22222222…, resumed): repeats msg_A and msg_D, adds
 *     msg_F  opus-4.5    [10, 500, 0, 40000]
 *   S3 (33333333…, project -work-other)
 *     msg_G  claude-mystery-9 [1000, 1000, 0, 0]      unknown model: unpriced
 *     msg_H  sonnet-4.5  [10, 20, 0, 0]
 *
 * Cost in micro-dollars (tokens × $/MTok):
 *   sonnet (S1): 17×3 + 690×15 + 5000×3.75 + 1000×6 + 75000×0.3 = 51 + 10350 + 18750 + 6000 + 22500 = 57651
 *   haiku  (S1): 150×1 + 450×5 + 2000×1.25 = 150 + 2250 + 2500 = 4900
 *   opus   (S2): 10×5 + 500×25 + 40000×0.5 = 50 + 12500 + 20000 = 32550
 *   sonnet (S3): 10×3 + 20×15 = 330
 *   total: 57651 + 4900 + 32550 + 330 = 95431 → $0.095431
 */
import path from 'node:path';
import { scanTranscriptDirs } from '../../src/host/transcript-scan';
import type { LedgerBucket, LedgerState } from '../../src/core/tokens/ledger';
import { reportLedger } from '../../src/core/tokens/report';
import { addUsageInto, zeroUsage } from '../../src/core/tokens/usage';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'transcripts');
const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';
const S3 = '33333333-3333-4333-8333-333333333333';

/** The usage in the ledger's buckets that `keep` accepts, with the cache write split a report leaves out. */
const usageIn = (ledger: LedgerState, keep: (b: LedgerBucket) => boolean = () => true) =>
  ledger.buckets.filter(keep).reduce((sum, b) => addUsageInto(sum, b.usage), zeroUsage());

describe('scanning the fixture transcripts', () => {
  it('finds the session, resumed-session and subagent files', async () => {
    const { read } = await scanTranscriptDirs([FIXTURE]);
    expect(read).toMatchObject({ files: 4, filesRead: 4, lines: 26, resets: 0, missing: 0 });
  });

  it('counts each message once, at its largest snapshot', async () => {
    const { ledger } = await scanTranscriptDirs([FIXTURE]);
    // input 27 + 150 + 10 + 1000; output 710 + 450 + 500 + 1000; writes 6000 + 2000; reads 75000 + 40000
    expect(usageIn(ledger)).toEqual({
      input_tokens: 1187,
      output_tokens: 2660,
      cache_creation_input_tokens: 8000,
      cache_creation_5m: 7000,
      cache_creation_1h: 1000,
      cache_read_input_tokens: 115000,
    });
    // 9 messages; 2 growing snapshots of msg_A; 5 repeats (msg_B, msg_C, replay of msg_B, msg_A and msg_D in S2)
    // 26 lines = 16 usage + 1 limit + 9 skipped (2 summary, 4 user, 1 system, 1 non-JSON, 1 synthetic)
    expect(ledger.stats).toEqual({ counted: 9, grown: 2, duplicates: 5, limits: 1, skipped: 9 });
  });

  it('totals per model', async () => {
    const { ledger } = await scanTranscriptDirs([FIXTURE]);
    const byModel = Object.fromEntries(reportLedger(ledger).models.map((m) => [m.model, m]));
    expect(Object.keys(byModel).sort()).toEqual([
      'claude-haiku-4-5-20251001',
      'claude-mystery-9',
      'claude-opus-4-5-20251101',
      'claude-sonnet-4-5-20250929',
    ]);
    expect(usageIn(ledger, (b) => b.model === 'claude-sonnet-4-5-20250929')).toMatchObject({
      input_tokens: 27, // 3 + 5 + 2 + 7 + 10
      output_tokens: 710, // 120 + 200 + 300 + 70 + 20
      cache_creation_5m: 5000,
      cache_creation_1h: 1000,
      cache_read_input_tokens: 75000, // 20000 + 25000 + 30000
    });
    expect(byModel['claude-haiku-4-5-20251001']).toMatchObject({
      input_tokens: 150,
      output_tokens: 450,
      cache_creation_input_tokens: 2000,
    });
    expect(byModel['claude-opus-4-5-20251101']).toMatchObject({
      input_tokens: 10,
      output_tokens: 500,
      cache_read_input_tokens: 40000,
    });
    expect(byModel['claude-mystery-9']).toMatchObject({ input_tokens: 1000, output_tokens: 1000 });
  });

  it('totals per session and per source (project)', async () => {
    const { ledger } = await scanTranscriptDirs([FIXTURE]);
    const report = reportLedger(ledger);
    const bySession = Object.fromEntries(report.sessions.map((s) => [s.session_id, s]));
    // S1: input 3+5+100+2+7+50; output 120+200+50+300+70+400; writes 5000+1000+2000; reads 20000+25000+30000
    expect(bySession[S1]).toMatchObject({
      input_tokens: 167,
      output_tokens: 1140,
      cache_creation_input_tokens: 8000,
      cache_read_input_tokens: 75000,
    });
    // S2 repeats msg_A and msg_D, which stay with S1: only msg_F is its own.
    expect(bySession[S2]).toMatchObject({
      input_tokens: 10,
      output_tokens: 500,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 40000,
    });
    expect(bySession[S3]).toMatchObject({ input_tokens: 1010, output_tokens: 1020 });
    const bySource = Object.fromEntries(report.sources.map((s) => [s.source, s]));
    expect(bySource['-work-demo']).toMatchObject({ input_tokens: 177, output_tokens: 1640 });
    expect(bySource['-work-other']).toMatchObject({ input_tokens: 1010, output_tokens: 1020 });
  });

  it('prices the known models and names the unknown one', async () => {
    const report = reportLedger((await scanTranscriptDirs([FIXTURE])).ledger);
    expect(report.total.cost_usd).toBeCloseTo(0.095431, 9);
    expect(report.unpriced_models).toEqual(['claude-mystery-9']);
    const cost = Object.fromEntries(report.sessions.map((s) => [s.session_id, s.cost_usd]));
    expect(cost[S1]).toBeCloseTo(0.062551, 9); // 57651 + 4900
    expect(cost[S2]).toBeCloseTo(0.03255, 9);
    expect(cost[S3]).toBeCloseTo(0.00033, 9);
    expect(report.sessions.find((s) => s.session_id === S3)!.unpriced_models).toEqual(['claude-mystery-9']);
    const models = Object.fromEntries(report.models.map((m) => [m.model, m.cost_usd]));
    expect(models['claude-mystery-9']).toBeNull();
    expect(models['claude-sonnet-4-5-20250929']).toBeCloseTo(0.057981, 9); // 57651 + 330
    expect(report.limits).toEqual([
      { source: '-work-demo', text: 'Claude AI usage limit reached|1760000000', timestamp: '2025-10-01T10:03:00.000Z' },
    ]);
  });
});
