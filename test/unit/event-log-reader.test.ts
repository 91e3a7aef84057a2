import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendEventLog } from '../../src/activities/event-log';
import type { StewardEvent } from '../../src/core/events';
import { eventLogFile, readEventLog } from '../../src/host/event-log-reader';

const event = (seq: number, at = 1_000 + seq, more: Partial<StewardEvent> = {}): StewardEvent => ({
  seq,
  at,
  type: 'ping_sent',
  agent: 'adversary',
  message: `ping ${seq}`,
  ...more,
});
const started = (at: number): StewardEvent => ({ seq: 1, at, type: 'build_started', message: 'build demo started' });
const line = (e: unknown) => `${JSON.stringify(e)}\n`;

describe('readEventLog', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steward-event-reader-'));
    file = join(dir, 'events.jsonl');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const seqs = (events: StewardEvent[]) => events.map((e) => e.seq);

  it("is <state_dir>/events.jsonl, and reads back what the workflow's appends wrote", async () => {
    expect(eventLogFile({ state_dir: '/w/.steward/demo' })).toBe('/w/.steward/demo/events.jsonl');
    const events = [started(1_000), event(2), event(3, 1_003, { type: 'gate_passed', gate: 'p1-gate', attempt: 1 })];
    await appendEventLog(file, events);
    expect(await readEventLog(file)).toEqual({ events, skipped: 0, duplicates: 0, builds: 1 });
  });

  it('an event written twice (a retried append) is read once; events come in seq order', async () => {
    await writeFile(file, [started(1_000), event(3), event(2), event(3), event(2), event(4)].map(line).join(''));
    const log = await readEventLog(file);
    expect(seqs(log.events)).toEqual([1, 2, 3, 4]);
    expect(log).toMatchObject({ duplicates: 2, skipped: 0, builds: 1 });
  });

  it('broken lines are skipped and counted, never a crash: cut short, not JSON, not an event', async () => {
    const text = [
      line(started(1_000)),
      'not json at all\n',
      line({ seq: 2, at: 1_002, type: 'ping_sent' }), // no message
      line({ seq: 0, at: 1_002, type: 'ping_sent', message: 'seq 0' }),
      line({ seq: 2, at: 1_002, type: 'no_such_type', message: 'x' }),
      line({ seq: 2, at: 1_002, type: 'ping_sent', message: 'x', agent: 7 }),
      line([1, 2]),
      '\n',
      line(event(2)),
      line(event(3)).slice(0, 20), // the last line, cut short by a crash
    ].join('');
    await writeFile(file, text);
    const log = await readEventLog(file);
    expect(seqs(log.events)).toEqual([1, 2]);
    expect(log.skipped).toBe(7);
  });

  it('a line cut short and glued to the next append loses only itself: the glued event is read', async () => {
    await writeFile(file, line(started(1_000)) + line(event(2)).slice(0, 25) + line(event(2)) + line(event(3)));
    const log = await readEventLog(file);
    expect(seqs(log.events)).toEqual([1, 2, 3]);
    expect(log.events[1]).toEqual(event(2));
    expect(log).toMatchObject({ skipped: 1, duplicates: 0 });
  });

  it('old events without the data fields read as they are', async () => {
    const old = { seq: 2, at: 1_002, type: 'phase_completed', phase: 'p1', message: 'phase p1 done in 7s' };
    await writeFile(file, line(started(1_000)) + line(old));
    expect((await readEventLog(file)).events[1]).toEqual(old);
  });

  it('several builds of one name share the file: the last one, or the one that started by startedAt', async () => {
    const first = [started(1_000), event(2, 1_100), event(3, 1_200)];
    const second = [started(500_000), event(2, 500_100)];
    // A third build whose build_started was never written: its numbering starts again.
    const third = [event(1, 900_000, { type: 'agent_started' }), event(2, 900_100)];
    await writeFile(file, [...first, ...second, ...third].map(line).join(''));
    expect((await readEventLog(file)).events).toEqual(third);
    expect((await readEventLog(file)).builds).toBe(3);
    expect((await readEventLog(file, { startedAt: 1_000 })).events).toEqual(first);
    expect((await readEventLog(file, { startedAt: 499_990 })).events).toEqual(second); // its first event a moment later
    expect((await readEventLog(file, { startedAt: 700_000 })).events).toEqual(second);
    expect((await readEventLog(file, { startedAt: 10 })).events).toEqual(first); // a start before the first build's: within the slack
    expect((await readEventLog(file, { startedAt: -100_000 })).events).toEqual(third); // none by then: the last
  });

  it('an empty file has no events; a missing one is an ENOENT error', async () => {
    await writeFile(file, '');
    expect(await readEventLog(file)).toEqual({ events: [], skipped: 0, duplicates: 0, builds: 0 });
    await expect(readEventLog(join(dir, 'none.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('streams a long log', async () => {
    const many = Array.from({ length: 20_000 }, (_, i) => (i === 0 ? started(1_000) : event(i + 1)));
    await writeFile(file, many.map(line).join(''));
    const log = await readEventLog(file);
    expect(log.events).toHaveLength(20_000);
    expect(log.events.at(-1)).toEqual(event(20_000));
  });

  it('a data field of the wrong shape is dropped, the event kept', async () => {
    const bad = {
      ...event(2),
      gate: 5,
      reviewer: { name: 'x' },
      costUsd: '7',
      verdict: 'maybe',
      tokens: { input_tokens: 1 },
      byAgent: {
        a: null,
        b: {
          tokens: { input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
          costUsd: 0.5,
        },
      },
    };
    await writeFile(file, line(started(1_000)) + line(bad));
    expect((await readEventLog(file)).events[1]).toEqual({
      ...event(2),
      byAgent: {
        b: {
          tokens: { input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
          costUsd: 0.5,
        },
      },
    });
  });

  it('a long broken line of object starts is skipped after a few tries, the events around it read', async () => {
    await writeFile(
      file,
      line(started(1_000)) + '{"a":'.repeat(80_000) + '{"type":'.repeat(1_000) + '\n' + line(event(2)),
    );
    expect(await readEventLog(file)).toMatchObject({ skipped: 1 });
    expect(seqs((await readEventLog(file)).events)).toEqual([1, 2]);
  });
});
