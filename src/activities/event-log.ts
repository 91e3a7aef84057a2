import type { StewardEvent } from '../core/events';
import { appendJsonLinesOnce } from '../host/jsonl-append';

/** Appends events to the build's JSONL log (the workflow keeps only the recent ones); a retried call writes nothing twice. */
export async function appendEventLog(file: string, events: StewardEvent[]): Promise<void> {
  await appendJsonLinesOnce(file, events);
}
