/**
 * One-off scan of Claude config dirs (or projects dirs, or single transcript files) into a fresh
 * ledger: what `steward tokens scan` runs. Usage is attributed to the project slug as the source.
 * A file that cannot be read is skipped and reported, never the end of the scan.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { emptyLedger, type LedgerState } from '../core/tokens/ledger';
import { discoverTranscripts, type DiscoveredTranscript } from './transcript-discovery';
import { emptyReaderState, readTranscripts, type ReadReport, type ReaderState } from './transcript-reader';

export interface ScanResult {
  ledger: LedgerState;
  reader: ReaderState;
  read: ReadReport;
}

export interface ScanOptions {
  /** Bytes per read (default: the reader's 1 MiB). */
  chunkBytes?: number;
  /** Lines longer than this are skipped and counted (default: the reader's 16 MiB). */
  maxLineBytes?: number;
}

/** A path given to scan: a directory is searched; a file is one transcript, of the project its directory names. */
async function transcriptsAt(target: string): Promise<DiscoveredTranscript[]> {
  const isFile = await stat(target).then(
    (st) => st.isFile(),
    () => false,
  );
  if (!isFile) return discoverTranscripts(target);
  // Its session comes from its lines (a subagent file's name is not its session's).
  return [
    { path: target, project: path.basename(path.dirname(path.resolve(target))), sessionId: '', isSubagent: false },
  ];
}

/** Several dirs share one ledger, so a message found in two of them counts once. */
export async function scanTranscriptDirs(dirs: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const found = (await Promise.all(dirs.map(transcriptsAt))).flat();
  const files = found.map((f) => ({ path: f.path, source: f.project, sessionId: f.sessionId || undefined }));
  const ledger = emptyLedger();
  const reader = emptyReaderState();
  // Finished transcripts: a last line without its newline is complete enough to count.
  const read = await readTranscripts(reader, files, ledger, {
    ...options,
    includeUnterminated: true,
    skipUnreadable: true,
    blockingReads: true,
  });
  return { ledger, reader, read };
}
