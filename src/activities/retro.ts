import { eventLogFile } from '../core/event-record';
import type { RetroRequest } from '../core/learning/retro-due';
import { retroRecords } from '../core/learning/retro-records';
import { readEventLog } from '../host/event-log-reader';
import { appendRetroRecords } from '../host/retro-store';
import { fileFailure } from './failures';

/**
 * Appends a build's retro records (src/core/learning/retro-records.ts) to the project's retro
 * store, folded from the build's event log. Idempotent: a retry appends the same records again,
 * and readers of the store keep one per id. Returns how many records were appended.
 */
export async function appendRetro(req: RetroRequest): Promise<number> {
  try {
    const log = await readEventLog(eventLogFile({ state_dir: req.stateDir }), { startedAt: req.startedAt });
    const info = { build: req.build, buildStartedAt: req.startedAt, configHash: req.configHash, now: req.now };
    const records = retroRecords(log.events, info, req.which);
    await appendRetroRecords(req.retroDir, records);
    return records.length;
  } catch (err) {
    // An event log that is not there, or a store that cannot be written, stays so: no retries.
    throw fileFailure(err, 'retro records');
  }
}
