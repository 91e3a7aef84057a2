/**
 * The retro store: `<retro_dir>/records.jsonl`, one record per line, appended by every build of
 * the project (through the activity on the host that owns the store) and by `steward retro
 * rebuild`. Appending a record again is harmless: a reader keeps one record per id, the last
 * written. A broken line, or a record of a version this reader does not know, is skipped and counted.
 */
import { createReadStream } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RETRO_RECORD_VERSION, type RetroRecord } from '../core/learning/types';

export function retroRecordsFile(retroDir: string): string {
  return join(retroDir, 'records.jsonl');
}

export interface RetroStore {
  /** One per id, in the order first written. */
  records: RetroRecord[];
  /** Lines that held no record this reader knows. */
  skipped: number;
}

function recordOf(line: string): RetroRecord | null {
  try {
    const value = JSON.parse(line) as Partial<RetroRecord> | null;
    if (!value || typeof value !== 'object' || value.v !== RETRO_RECORD_VERSION) return null;
    if (typeof value.id !== 'string' || (value.kind !== 'phase' && value.kind !== 'gate')) return null;
    return value as RetroRecord;
  } catch {
    return null;
  }
}

/** Reads the store; a store with no file yet is empty. */
export async function readRetroStore(retroDir: string): Promise<RetroStore> {
  const byId = new Map<string, RetroRecord>();
  let skipped = 0;
  const stream = createReadStream(retroRecordsFile(retroDir), { encoding: 'utf8' });
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (line.trim() === '') continue;
      const record = recordOf(line);
      if (record) byId.set(record.id, record);
      else skipped++;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: 0 };
    throw err;
  }
  return { records: [...byId.values()], skipped };
}

/** Appends records, one line each, in one write (a crash leaves at most one line cut short). */
export async function appendRetroRecords(retroDir: string, records: readonly RetroRecord[]): Promise<void> {
  if (records.length === 0) return;
  await mkdir(retroDir, { recursive: true });
  await appendFile(retroRecordsFile(retroDir), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}
