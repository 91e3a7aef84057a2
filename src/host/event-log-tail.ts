/**
 * Follows a build's event log as it grows: each read returns the events of the lines appended
 * since the last one. Lines are split as bytes, so a multi-byte character cut by a read is never
 * decoded in halves; a line still being written waits for its newline. A file that got shorter
 * (replaced or cut) is read from its start again, and says so.
 */
import { open } from 'node:fs/promises';
import type { StewardEvent } from '../core/events';
import { eventOfLine } from './event-log-reader';

/** At most this much is read per call, so one call on a huge log stays short; the next goes on. */
export const TAIL_READ_BYTES = 4 << 20;

export interface TailRead {
  events: StewardEvent[];
  /** Lines that held no event (cut short, not JSON), skipped. */
  skipped: number;
  /** The file was read from its start again. */
  reset: boolean;
}

export class EventLogTail {
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);

  constructor(readonly file: string) {}

  /** Throws when the file cannot be opened (ENOENT while the build has not written one yet). */
  async read(maxBytes = TAIL_READ_BYTES): Promise<TailRead> {
    const handle = await open(this.file, 'r');
    try {
      const { size } = await handle.stat();
      let reset = false;
      if (size < this.offset) {
        this.offset = 0;
        this.partial = Buffer.alloc(0);
        reset = true;
      }
      const length = Math.min(size - this.offset, maxBytes);
      if (length <= 0) return { events: [], skipped: 0, reset };
      const chunk = Buffer.alloc(length);
      const { bytesRead } = await handle.read(chunk, 0, length, this.offset);
      this.offset += bytesRead;
      return { ...this.eventsOf(Buffer.concat([this.partial, chunk.subarray(0, bytesRead)])), reset };
    } finally {
      await handle.close();
    }
  }

  private eventsOf(bytes: Buffer): { events: StewardEvent[]; skipped: number } {
    const events: StewardEvent[] = [];
    let skipped = 0;
    let start = 0;
    for (let nl = bytes.indexOf(10, start); nl !== -1; nl = bytes.indexOf(10, start)) {
      const line = bytes.toString('utf8', start, nl);
      start = nl + 1;
      if (line.trim() === '') continue;
      const { event, broken } = eventOfLine(line);
      if (broken) skipped++;
      if (event) events.push(event);
    }
    this.partial = Buffer.from(bytes.subarray(start));
    return { events, skipped };
  }
}
