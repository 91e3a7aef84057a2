import { mkdtempSync, writeFileSync, appendFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeBuildEvents } from '../../src/core/dashboard/build-events';
import { EventJournal, parseEventId } from '../../src/core/dashboard/event-journal';
import type { StewardEvent } from '../../src/core/events';
import { EventLogTail } from '../../src/host/event-log-tail';
import { BuildBoard, CHANGED_FLUSH_MS, listedBuild } from '../../src/client/dashboard/board';
import { teamStatus } from './support/dashboard-fixtures';

const ev = (seq: number, type: StewardEvent['type'] = 'ping_sent', at = 1000 + seq): StewardEvent => ({
  seq,
  at,
  type,
  message: `event ${seq}`,
});

describe('EventJournal: ids and resuming', () => {
  it('numbers events in the order learnt and gives exactly the ones after an id', () => {
    const j = new EventJournal('e1');
    const a = j.append('alpha', [ev(1), ev(2)]);
    const b = j.append('beta', [ev(1)]);
    expect([...a, ...b].map((e) => e.id)).toEqual(['e1.1', 'e1.2', 'e1.3']);
    expect(b[0]).toMatchObject({ build: 'beta', seq: 1 });
    expect(j.after('e1.1')!.map((e) => e.id)).toEqual(['e1.2', 'e1.3']);
    expect(j.after('e1.3')).toEqual([]);
    expect(j.lastId()).toBe('e1.3');
  });

  it('a position it cannot vouch for is lost (null): other epoch, future id, garbage', () => {
    const j = new EventJournal('e1');
    j.append('alpha', [ev(1)]);
    expect(j.after('e0.1')).toBeNull();
    expect(j.after('e1.9')).toBeNull();
    expect(j.after('nonsense')).toBeNull();
    expect(j.after('e1.0')).toBeNull();
    expect(parseEventId('e1.12')).toEqual({ epoch: 'e1', n: 12 });
  });

  it('drops the oldest past its capacity, and a resume from before them is lost', () => {
    const j = new EventJournal('e', 10);
    j.append(
      'b',
      Array.from({ length: 12 }, (_, i) => ev(i + 1)),
    );
    const kept = j.all();
    expect(kept.length).toBeLessThanOrEqual(10);
    expect(kept[kept.length - 1]!.id).toBe('e.12');
    expect(j.after('e.1')).toBeNull();
    const firstKept = parseEventId(kept[0]!.id)!.n;
    // Resuming from the event just before the first kept one is still whole.
    expect(j.after(`e.${firstKept - 1}`)!.length).toBe(kept.length);
  });
});

describe('mergeBuildEvents: two overlapping sources, each event once', () => {
  it('appends new events and skips repeats', () => {
    const known = [ev(1), ev(2)];
    const r = mergeBuildEvents(known, [ev(2), ev(3)]);
    expect(r.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(r.added.map((e) => e.seq)).toEqual([3]);
    expect(r.restarted).toBe(false);
  });

  it('a seq that comes back with another event starts the build over', () => {
    const r = mergeBuildEvents(
      [ev(1, 'build_started'), ev(2)],
      [ev(1, 'build_started', 9000), ev(2, 'ping_sent', 9001)],
    );
    expect(r.restarted).toBe(true);
    expect(r.events.map((e) => e.at)).toEqual([9000, 9001]);
  });

  it('an older event in a gap of the status window is skipped; a later one restarts', () => {
    const known = [ev(150), ev(151)];
    expect(mergeBuildEvents(known, [ev(3)]).added).toEqual([]);
    const again = mergeBuildEvents([ev(150), ev(151)], [ev(1, 'build_started', 5000)]);
    expect(again.restarted).toBe(true);
  });
});

describe('EventLogTail', () => {
  const line = (e: StewardEvent) => `${JSON.stringify(e)}\n`;

  it('returns appended events, waits for a line to end, and splits bytes not characters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, line(ev(1)));
    const tail = new EventLogTail(file);
    expect((await tail.read()).events.map((e) => e.seq)).toEqual([1]);
    const withAccent = line({ ...ev(2), message: 'déjà vu — ✓' });
    const bytes = Buffer.from(withAccent);
    const cut = bytes.indexOf(Buffer.from('é')) + 1; // inside the two bytes of é
    appendFileSync(file, bytes.subarray(0, cut));
    expect((await tail.read()).events).toEqual([]);
    appendFileSync(file, bytes.subarray(cut));
    const read = await tail.read();
    expect(read.events[0]!.message).toBe('déjà vu — ✓');
    expect(read.skipped).toBe(0);
  });

  it('reads a bounded slice per call and carries on where it stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, Array.from({ length: 50 }, (_, i) => line(ev(i + 1))).join(''));
    const tail = new EventLogTail(file);
    const seqs: number[] = [];
    for (let i = 0; i < 100 && seqs.length < 50; i++) seqs.push(...(await tail.read(300)).events.map((e) => e.seq));
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('counts a broken line, and reads a file that got shorter from its start again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, `${line(ev(1))}{"seq": 2, "at"\n${line(ev(3))}`);
    const tail = new EventLogTail(file);
    const first = await tail.read();
    expect(first.events.map((e) => e.seq)).toEqual([1, 3]);
    expect(first.skipped).toBe(1);
    truncateSync(file, 0);
    appendFileSync(file, line(ev(1, 'build_started', 99)));
    const again = await tail.read();
    expect(again.reset).toBe(true);
    expect(again.events.map((e) => e.at)).toEqual([99]);
  });

  it('a missing file is an error of the call (ENOENT)', async () => {
    await expect(new EventLogTail('/nonexistent/events.jsonl').read()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('BuildBoard: a status no longer answered', () => {
  it('forgetStatus drops it and says the build changed; the next answer shows again', async () => {
    const board = new BuildBoard();
    board.put('demo', {}, () => listedBuild('demo', 'build/demo', 'RUNNING'));
    const status = teamStatus();
    board.setStatus('demo', status);
    const changed: string[][] = [];
    board.subscribe((m) => m.kind === 'changed' && changed.push(m.builds));
    await new Promise((r) => setTimeout(r, CHANGED_FLUSH_MS + 20));
    changed.length = 0;
    board.forgetStatus('demo');
    expect(board.snapshot('demo')!.status).toBeNull();
    await new Promise((r) => setTimeout(r, CHANGED_FLUSH_MS + 20));
    expect(changed).toEqual([['demo']]);
    board.setStatus('demo', status); // the same answer as before counts as new after a forget
    expect(board.snapshot('demo')!.status).toEqual(status);
    board.close();
  });
});

describe('BuildBoard: a build that left the listing', () => {
  it('remove drops it, keeps its events in the feed, and says it changed', async () => {
    const board = new BuildBoard();
    board.put('old', {}, () => listedBuild('old', 'build/old', 'COMPLETED'));
    board.addEvents('old', [ev(1, 'build_started')]);
    const changed: string[][] = [];
    await new Promise((r) => setTimeout(r, CHANGED_FLUSH_MS + 20));
    board.subscribe((m) => m.kind === 'changed' && changed.push(m.builds));
    board.remove('old');
    expect(board.snapshot('old')).toBeUndefined();
    expect(board.snapshots()).toEqual([]);
    expect(board.journal.all().map((e) => e.build)).toEqual(['old']);
    await new Promise((r) => setTimeout(r, CHANGED_FLUSH_MS + 20));
    expect(changed).toEqual([['old']]);
    board.remove('old'); // twice is nothing
    board.close();
  });
});
