/**
 * One-off scan of Claude config dirs (or projects dirs) into a fresh ledger: what
 * `steward tokens scan` runs. Usage is attributed to the project slug as the source.
 */
import { emptyLedger, type LedgerState } from '../core/tokens/ledger';
import { discoverTranscripts } from './transcript-discovery';
import { emptyReaderState, readTranscripts, type ReadReport, type ReaderState } from './transcript-reader';

export interface ScanResult {
  ledger: LedgerState;
  reader: ReaderState;
  read: ReadReport;
}

/** Several dirs share one ledger, so a message found in two of them counts once. */
export async function scanTranscriptDirs(dirs: readonly string[], chunkBytes?: number): Promise<ScanResult> {
  const found = (await Promise.all(dirs.map((d) => discoverTranscripts(d)))).flat();
  const files = found.map((f) => ({ path: f.path, source: f.project, sessionId: f.sessionId || undefined }));
  const ledger = emptyLedger();
  const reader = emptyReaderState();
  // Finished transcripts: a last line without its newline is complete enough to count.
  const read = await readTranscripts(reader, files, ledger, { chunkBytes, includeUnterminated: true });
  return { ledger, reader, read };
}
