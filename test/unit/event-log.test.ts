import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendEventLog } from '../../src/activities/event-log';
import type { StewardEvent } from '../../src/core/events';

const event = (seq: number, at = 1_000 + seq): StewardEvent => ({
  seq,
  at,
  type: 'ping_sent',
  agent: 'adversary',
  message: `ping ${seq}`,
});

describe('appendEventLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steward-events-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const seqs = async (file: string) =>
    (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as StewardEvent).seq);

  it('a retried append (its worker died after writing) writes nothing twice; new events follow', async () => {
    const file = join(dir, 'state', 'events.jsonl');
    await appendEventLog(file, [event(1), event(2)]);
    await appendEventLog(file, [event(1), event(2)]);
    await appendEventLog(file, [event(3)]);
    expect(await seqs(file)).toEqual([1, 2, 3]);
  });

  it('a new build of the same name starts again at seq 1 and is written: its events are not the old ones', async () => {
    const file = join(dir, 'events.jsonl');
    await appendEventLog(file, [event(1), event(2)]);
    await appendEventLog(file, [event(1, 9_000)]);
    expect(await seqs(file)).toEqual([1, 2, 1]);
  });
});
