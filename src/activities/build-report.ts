import { reportHtml, reportInput, reportMarkdown } from '../core/report';
import { eventLogFile } from '../core/event-record';
import { writeFileAtomically } from '../host/atomic-file';
import { readEventLog } from '../host/event-log-reader';
import { fileFailure } from './failures';

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
    for (const [file, text] of files) await writeFileAtomically(file, text);
    return files.map(([file]) => file);
  } catch (err) {
    // A state dir that is not there or not writable stays so: say it once, without retries.
    throw fileFailure(err, 'report');
  }
}
