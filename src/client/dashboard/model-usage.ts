/**
 * A build's tokens and dollars per model, from its agents' Claude Code transcripts on this host.
 *
 * Each agent's files are found as `steward log` finds them (`transcriptSearchDirs`: its backend's
 * transcripts dir from the build's config, then this host's Claude config dirs), by every session
 * id it ever had: `<dir>/<project>/<session>.jsonl` and its `<session>/subagents/*.jsonl`. They are
 * read into one ledger, as the worker reads them (dedup by message id, across all sessions), and
 * costed as `steward tokens scan` costs them: the build's `[prices]` over the built-in table, a
 * model without a price given null dollars, never $0.
 *
 * A `TranscriptTally` carries the reader's byte cursors, the ledger and where each session's files
 * were found from one call to the next, so a repeated call reads only what the files gained since
 * and searches the project dirs only for sessions not found yet.
 */
import path from 'node:path';
import type { StewardConfig } from '../../core/config/types';
import type { ModelUsage } from '../../core/dashboard/types';
import { emptyLedger, type LedgerState } from '../../core/tokens/ledger';
import { priceTableOf } from '../../core/tokens/pricing';
import { reportLedger } from '../../core/tokens/report';
import { jsonlIn } from '../../host/dir-listing';
import {
  emptyReaderState,
  readTranscripts,
  type ReaderState,
  type TranscriptSource,
  type UnreadableFile,
} from '../../host/transcript-reader';
import { findSessionTranscripts, transcriptSearchDirs } from '../transcript-files';

/** Session ids come from uuid4: a plain file name, nothing that walks paths. */
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** What one build's reading keeps between calls. */
export class TranscriptTally {
  readonly reader: ReaderState = emptyReaderState();
  readonly ledger: LedgerState = emptyLedger();
  /** Session id → the project dirs its session file was found in (searched again only there). */
  readonly located = new Map<string, string[]>();
}

export interface ModelUsageOptions {
  /** The state of earlier calls for the same build (default: none, every file read whole). */
  tally?: TranscriptTally;
  /** Hears of each file that could not be read (it is skipped, the others are read). */
  onSkippedFile?: (file: UnreadableFile) => void;
  /** For $CLAUDE_CONFIG_DIR (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/** A session's files, in the order the worker reads them: the session file, then its subagents. */
async function sessionFiles(tally: TranscriptTally, sessionId: string, dirs: () => string[]): Promise<string[]> {
  const known = tally.located.get(sessionId);
  if (known) {
    // Where it was found: its file (the reader notes one that has gone) and its subagents now.
    const perDir = known.map(async (dir) => [
      path.join(dir, `${sessionId}.jsonl`),
      ...(await jsonlIn(path.join(dir, sessionId, 'subagents'))),
    ]);
    return (await Promise.all(perDir)).flat();
  }
  const found = await findSessionTranscripts(sessionId, dirs());
  if (found.length > 0)
    tally.located.set(
      sessionId,
      found.map((f) => path.dirname(f.path)),
    );
  return found.flatMap((f) => [f.path, ...f.subagents]);
}

/**
 * Per-model tokens and dollars of the sessions' transcripts (agent → every session id it had,
 * as the status view's `tokens.sessions` has them); null when none of them is on this host.
 */
export async function buildModelUsage(
  config: StewardConfig,
  sessions: Record<string, string[]>,
  options: ModelUsageOptions = {},
): Promise<ModelUsage[] | null> {
  const tally = options.tally ?? new TranscriptTally();
  const files: TranscriptSource[] = [];
  const seen = new Set<string>();
  for (const [agent, ids] of Object.entries(sessions)) {
    let dirs: string[] | undefined;
    const searchDirs = () => (dirs ??= transcriptSearchDirs(config, agent, options.env));
    for (const sessionId of ids) {
      if (!SESSION_ID.test(sessionId) || seen.has(sessionId)) continue;
      seen.add(sessionId);
      const paths = await sessionFiles(tally, sessionId, searchDirs);
      files.push(...paths.map((p) => ({ path: p, source: agent, sessionId })));
    }
  }
  // A file found once keeps its usage in the ledger should it go.
  if (tally.located.size === 0) return null;
  const read = await readTranscripts(tally.reader, files, tally.ledger, {
    // As `tokens scan`: a last line without its newline counts. Held back unconsumed, it is read
    // again each call (a few bytes), and the ledger's dedup keeps that exact.
    includeUnterminated: true,
    skipUnreadable: true,
  });
  read.unreadable.forEach((f) => options.onSkippedFile?.(f));
  return reportLedger(tally.ledger, priceTableOf(config.prices)).models.map((m) => ({
    model: m.model,
    tokens: {
      input_tokens: m.input_tokens,
      output_tokens: m.output_tokens,
      cache_creation_input_tokens: m.cache_creation_input_tokens,
      cache_read_input_tokens: m.cache_read_input_tokens,
    },
    costUsd: m.cost_usd,
  }));
}
