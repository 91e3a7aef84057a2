import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StewardEvent } from '../core/events';

/** Appends events to the build's JSONL log; the workflow keeps only the recent ones. */
export async function appendEventLog(file: string, events: StewardEvent[]): Promise<void> {
  if (events.length === 0) return;
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
}
