import { parseTranscriptLine, type TranscriptRecord } from '../../../src/core/tokens/transcript-line';
import { overLong } from '../../../src/host/transcript-lines';

/**
 * What the reader did before any faster pass: decode every byte, split on '\n', parse each line.
 * The scanning tests compare each pass's records with it.
 */
export function referenceRecords(
  bytes: Buffer,
  maxLineBytes: number,
): { records: TranscriptRecord[]; lines: number; long: number } {
  const records: TranscriptRecord[] = [];
  let long = 0;
  for (const line of bytes.toString('utf8').split('\n')) {
    if (line.length === 0 || line === '\r') continue;
    if (overLong(line, maxLineBytes)) long += 1;
    else records.push(parseTranscriptLine(line));
  }
  return { records, lines: records.length, long };
}
