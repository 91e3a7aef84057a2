import { randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { reportHtml, reportInput, reportMarkdown } from '../core/report';
import { eventLogFile } from '../core/event-record';
import { readEventLog } from '../host/event-log-reader';
import { permanentFailure } from './failures';

export interface BuildReportRequest {
  /** The build's state dir: its events.jsonl is read, report.md and report.html are written there. */
  stateDir: string;
  build: string;
  /** When the build started (epoch ms): picks its events in a log that several runs of it share. */
  startedAt: number;
}

/**
 * Writes a build's report (docs/observability.md) as `report.md` and `report.html` in its state
 * dir, folded from its whole event log. Each file is replaced atomically, so a retry or a reader
 * never sees half a report. Returns the files written.
 */
export async function writeBuildReport(req: BuildReportRequest, now: number = Date.now()): Promise<string[]> {
  try {
    const log = await readEventLog(eventLogFile({ state_dir: req.stateDir }), { startedAt: req.startedAt });
    const input = reportInput(req.build, log.events, now);
    const files: [string, string][] = [
      [`${req.stateDir}/report.md`, reportMarkdown(input)],
      [`${req.stateDir}/report.html`, reportHtml(input)],
    ];
    for (const [file, text] of files) {
      // Its own temp name: an attempt that timed out may still be writing when the retry runs.
      const tmp = `${file}.${randomUUID()}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, file);
    }
    return files.map(([file]) => file);
  } catch (err) {
    // A state dir that is not there or not writable stays so: say it once, without retries.
    const code = (err as NodeJS.ErrnoException).code;
    if (code && PERMANENT_CODES.has(code)) throw permanentFailure('ConfigError', `report: ${(err as Error).message}`);
    throw err;
  }
}

const PERMANENT_CODES = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS']);
