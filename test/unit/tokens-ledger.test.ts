import type { TokenUsage } from '../../src/core/state/tokens';
import { emptyLedger, ingestRecord, type LedgerState } from '../../src/core/tokens/ledger';
import type { UsageRecord } from '../../src/core/tokens/transcript-line';
import { usage } from './support/token-usage';

const SONNET = 'claude-sonnet-4-5-20250929';

function rec(key: string, u: TokenUsage, model = SONNET, sessionId = 's1'): UsageRecord {
  return { kind: 'usage', key, model, usage: u, sessionId, isSidechain: false, timestamp: '2025-10-01T10:00:00Z' };
}

const main = { source: 'builder' };
const sub = { source: 'builder/subagent' };

/** Where the ledger put the usage: one bucket per (source, session, model). */
const buckets = (state: LedgerState) =>
  state.buckets.map((b) => ({ source: b.source, sessionId: b.sessionId, model: b.model, usage: b.usage }));

describe('the token ledger', () => {
  it('counts a streamed message once, at its largest snapshot, adding only the growth', () => {
    const state = emptyLedger();
    expect(ingestRecord(state, rec('msg_A', usage(3, 10, 5000, 0, 20000)), main)).toBe('counted');
    expect(ingestRecord(state, rec('msg_A', usage(3, 50, 5000, 0, 20000)), main)).toBe('grown');
    expect(ingestRecord(state, rec('msg_A', usage(3, 120, 5000, 0, 20000)), main)).toBe('grown');
    // A late, smaller snapshot (or a replay of the same one) changes nothing.
    expect(ingestRecord(state, rec('msg_A', usage(3, 50, 5000, 0, 20000)), main)).toBe('duplicate');
    expect(ingestRecord(state, rec('msg_A', usage(3, 120, 5000, 0, 20000)), main)).toBe('duplicate');
    expect(state.buckets.map((b) => b.usage)).toEqual([usage(3, 120, 5000, 0, 20000)]);
    expect(state.stats).toEqual({ counted: 1, duplicates: 2, grown: 2, limits: 0, skipped: 0 });
    expect(state.buckets[0].messages).toBe(1);
  });

  it('dedupes across sources and sessions; the first owner keeps the message', () => {
    const state = emptyLedger();
    ingestRecord(state, rec('msg_B', usage(5, 200)), main);
    // A subagent replays the parent's message (new requestId, same message.id) in another session.
    expect(ingestRecord(state, rec('msg_B', usage(5, 200), SONNET, 's2'), sub)).toBe('duplicate');
    // A larger snapshot seen through the subagent still grows the parent's bucket.
    expect(ingestRecord(state, rec('msg_B', usage(5, 260), SONNET, 's2'), sub)).toBe('grown');
    expect(buckets(state)).toEqual([{ source: 'builder', sessionId: 's1', model: SONNET, usage: usage(5, 260) }]);
  });

  it('attributes to source, model and session', () => {
    const state = emptyLedger();
    ingestRecord(state, rec('m1', usage(1, 10), SONNET, 's1'), main);
    ingestRecord(state, rec('m2', usage(2, 20), 'claude-haiku-4-5-20251001', 's1'), sub);
    ingestRecord(state, rec('m3', usage(4, 40), SONNET, 's2'), main);
    expect(buckets(state)).toEqual([
      { source: 'builder', sessionId: 's1', model: SONNET, usage: usage(1, 10) },
      { source: 'builder/subagent', sessionId: 's1', model: 'claude-haiku-4-5-20251001', usage: usage(2, 20) },
      { source: 'builder', sessionId: 's2', model: SONNET, usage: usage(4, 40) },
    ]);
  });

  it('uses the origin session when the line names none', () => {
    const state = emptyLedger();
    ingestRecord(state, rec('m1', usage(1, 1), SONNET, ''), { source: 'a', sessionId: 'from-file' });
    ingestRecord(state, rec('m2', usage(1, 1), SONNET, ''), { source: 'a' });
    expect(state.buckets.map((b) => b.sessionId).sort()).toEqual(['from-file', 'unknown']);
  });

  it('keeps the newest limit per source and counts skips (blank lines are not skips)', () => {
    const state = emptyLedger();
    ingestRecord(state, { kind: 'limit', text: 'limit reached|2', timestamp: '2025-10-02T00:00:00Z' }, main);
    ingestRecord(state, { kind: 'limit', text: 'limit reached|1', timestamp: '2025-10-01T00:00:00Z' }, main);
    ingestRecord(state, { kind: 'skip', reason: 'not-json' }, main);
    ingestRecord(state, { kind: 'skip', reason: 'blank' }, main);
    expect(state.limits).toEqual([{ source: 'builder', text: 'limit reached|2', timestamp: '2025-10-02T00:00:00Z' }]);
    expect(state.stats).toMatchObject({ limits: 2, skipped: 1 });
  });

  it('survives a JSON round trip and keeps deduping after it', () => {
    const state = emptyLedger();
    ingestRecord(state, rec('msg_A', usage(3, 10)), main);
    const restored: LedgerState = JSON.parse(JSON.stringify(state));
    expect(ingestRecord(restored, rec('msg_A', usage(3, 10)), main)).toBe('duplicate');
    expect(ingestRecord(restored, rec('msg_A', usage(3, 30)), main)).toBe('grown');
    expect(restored.buckets.map((b) => b.usage)).toEqual([usage(3, 30)]);
  });

  it('holds keys that collide with Object.prototype names as plain data', () => {
    const state = emptyLedger();
    for (const key of ['__proto__', 'constructor', 'toString']) {
      expect(ingestRecord(state, rec(key, usage(1, 1)), main)).toBe('counted');
      expect(ingestRecord(state, rec(key, usage(1, 1)), main)).toBe('duplicate');
    }
    expect(state.buckets.map((b) => b.usage)).toEqual([usage(3, 3)]);
    expect(Object.getPrototypeOf(state.keys)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(state)).keys.__proto__).toBe(0);
  });

  it('stores six numbers per key in one flat array, updated in place when a snapshot grows', () => {
    const state = emptyLedger();
    ingestRecord(state, rec('m', usage(1, 2, 3, 4, 5)), main);
    ingestRecord(state, rec('n', usage(1, 1), 'claude-haiku-4-5-20251001'), main);
    ingestRecord(state, rec('m', usage(1, 9, 3, 4, 5)), main);
    expect(state.keys).toEqual({ m: 0, n: 1 });
    expect(state.entries).toEqual([1, 9, 3, 4, 5, 0, 1, 1, 0, 0, 0, 1]);
  });
});
