/**
 * `tokens scan` reports from scanTranscriptTotals, which leaves the dedup keys out of the ledger;
 * its figures must be those of the whole ledger scanTranscriptDirs gives. And the default thread
 * count starts a helper from a quarter of an idle core.
 */
import path from 'node:path';
import { defaultThreads, scanTranscriptDirs, scanTranscriptTotals } from '../../src/host/transcript-scan';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'transcripts');
const MB = 1024 * 1024;

describe('a scan for a report', () => {
  it('gives the figures of the whole ledger, read the same way', async () => {
    const whole = await scanTranscriptDirs([FIXTURE]);
    const totals = await scanTranscriptTotals([FIXTURE]);
    expect(Object.keys(whole.ledger.keys).length).toBe(whole.ledger.stats.counted);
    const figures = ({ buckets, limits, stats }: typeof totals.ledger) => ({ buckets, limits, stats });
    expect(JSON.stringify(figures(totals.ledger))).toBe(JSON.stringify(figures(whole.ledger)));
    expect(totals.read).toEqual(whole.read);
    expect(totals.reader).toEqual(whole.reader);
  });
});

describe('the default thread count', () => {
  it('adds a helper on 2 cores below load 0.75, not from there on', () => {
    expect(defaultThreads(200, 200 * MB, 2, 0.7)).toBe(2);
    expect(defaultThreads(200, 200 * MB, 2, 0.75)).toBe(1);
    expect(defaultThreads(200, 200 * MB, 4, 1.7)).toBe(3);
  });
});
