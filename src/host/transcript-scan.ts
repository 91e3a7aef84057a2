/**
 * One-off scan of Claude config dirs (or projects dirs, or single transcript files) into a fresh
 * ledger: what `steward tokens scan` runs. Usage is attributed to the project slug as the source.
 * A file that cannot be read is skipped and reported, never the end of the scan.
 *
 * A large scan is split over threads: the main thread and helper threads (transcript-scan-worker.ts)
 * claim files one at a time from a shared counter and read each into a FileScan (its records, in
 * line order); the main thread applies them to the one ledger strictly in file order, as soon as
 * every earlier file is in. The ledger therefore sees exactly the records a single-threaded scan
 * feeds it, in the same order: dedup across files, "largest snapshot wins", bucket ownership and
 * every count come out identical, whichever thread read which file. Only cores that other work
 * leaves idle get a helper (defaultThreads); a helper that fails costs a second, single-threaded
 * read, never the scan.
 */
import { existsSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { setImmediate } from 'node:timers/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { emptyLedger, saveScanKeys, type LedgerState, type LedgerTotals, type ScanKeys } from '../core/tokens/ledger';
import {
  applyFileScan,
  claimFile,
  scanFile,
  type FileScan,
  type ScanJob,
  type WorkerMessage,
} from './transcript-batch';
import { discoverTranscripts, type DiscoveredTranscript } from './transcript-discovery';
import {
  emptyReaderState,
  emptyReadReport,
  readTranscripts,
  type ReadOptions,
  type ReadReport,
  type ReaderState,
  type TranscriptSource,
} from './transcript-reader';

/** A scan's figures: what a report needs. */
export interface ScanTotals {
  ledger: LedgerTotals;
  reader: ReaderState;
  read: ReadReport;
  /** Threads that read files (1: the main thread alone). */
  threads: number;
}

/** A scan's whole ledger, dedup index included: one to go on from (read more into, save). */
export interface ScanResult extends ScanTotals {
  ledger: LedgerState;
}

/** A scan's ledger with its dedup keys still apart (saveScanKeys joins them). */
interface ScanState extends ScanResult {
  keys: ScanKeys;
}

export interface ScanOptions {
  /** Bytes per read (default: the reader's 1 MiB). */
  chunkBytes?: number;
  /** Lines longer than this are skipped and counted (default: the reader's 16 MiB). */
  maxLineBytes?: number;
  /**
   * Threads to read with, the main one included. Default: defaultThreads (one per idle core, for a
   * large scan). The result is the same for any number.
   */
  threads?: number;
}

/** The helper thread's script; absent when running from the TypeScript sources (tests), which then scan on one thread. */
const WORKER_SCRIPT = path.join(__dirname, 'transcript-scan-worker.js');
/** Below this, starting a helper (~30 ms of CPU, ~25 ms before it reads) costs about what it saves. */
const THREADED_BYTES = 16 << 20;
/** Beyond a few threads the main thread's ledger work (in file order, one thread) is the limit. */
const MAX_THREADS = 4;
/**
 * A helper's young generation: what it allocates (decoded lines, parsed JSON) dies young, so a
 * small one costs no measurable time and keeps the scan's peak RSS ~10 MB lower per helper.
 */
const HELPER_YOUNG_MB = 8;

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

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Idle capacity that earns a helper: a quarter of a core beyond the last whole one. On 2 cores, a
 * load average of 0.4–0.7 is a mostly idle machine (the average also still counts the last minute's
 * finished work, a bench's own runs included) and a helper shortens a 200 MB scan by 8–10% (0.43 s
 * against 0.47 s, medians of 5); at load 1.8–2.3 it lengthened it by ~40% (0.69 s against 0.50 s,
 * 9 paired runs): a helper that shares its core with other work is late with its files, and the
 * main thread waits for them. Figures in docs/performance.md.
 */
const HELPER_MIN_IDLE = 0.25;

/**
 * Threads for a scan of `bytes` in `files` files on `cores` cores whose 1-minute load average is
 * `load`: one per core of idle capacity, the last counted from HELPER_MIN_IDLE of a core (2 cores:
 * two below load 0.75), up to MAX_THREADS, for THREADED_BYTES or more. A helper costs 35–45% more
 * CPU in all (its start, moving records, a second heap), and on a busy machine it does not pay
 * (load 6–9: as often slower as faster), as with the kernel's autogroup scheduling a process's
 * share of a busy machine does not grow with its threads.
 */
export function defaultThreads(files: number, bytes: number, cores: number, load: number): number {
  if (bytes < THREADED_BYTES) return 1;
  return Math.max(1, Math.min(Math.ceil(cores - load - HELPER_MIN_IDLE), MAX_THREADS, files));
}

/** How many threads to read `files` with, given what was asked for. */
function threadsFor(files: readonly TranscriptSource[], asked: number | undefined): number {
  // A path listed twice is read twice by one reader (the second time from its cursor): keep that on one thread.
  if (files.length < 2 || new Set(files.map((f) => f.path)).size < files.length || !existsSync(WORKER_SCRIPT)) return 1;
  if (asked !== undefined) return Math.max(1, Math.min(Math.floor(asked), files.length));
  const bytes = files.reduce((n, f) => n + sizeOf(f.path), 0);
  return defaultThreads(files.length, bytes, availableParallelism(), loadavg()[0]);
}

/** Reads `files` on `threads` threads (this one and helpers), applying each file's records in file order. */
async function readThreaded(
  files: TranscriptSource[],
  options: ReadOptions,
  threads: number,
): Promise<Omit<ScanState, 'threads'>> {
  const ledger = emptyLedger();
  const keys: ScanKeys = new Map();
  const reader = emptyReaderState();
  const read = emptyReadReport(files.length);
  const job: ScanJob = { files, options, next: new Int32Array(new SharedArrayBuffer(4)) };
  const scans: (FileScan | undefined)[] = new Array(files.length);
  let applied = 0;
  const applyReady = (): void => {
    for (let scan = scans[applied]; scan !== undefined; scan = scans[applied]) {
      applyFileScan(ledger, reader, read, files[applied], scan, keys);
      scans[applied] = undefined;
      applied += 1;
    }
  };
  const helpers = Array.from(
    { length: threads - 1 },
    () => new Worker(WORKER_SCRIPT, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: HELPER_YOUNG_MB } }),
  );
  const finished = Promise.all(
    helpers.map(
      (helper) =>
        new Promise<void>((resolve, reject) => {
          helper.on('message', (message: WorkerMessage) => {
            if ('done' in message) return resolve();
            scans[message.index] = message;
            applyReady();
          });
          helper.once('error', reject);
          helper.once('exit', (code) => reject(new Error(`a transcript scan thread exited early (code ${code})`)));
        }),
    ),
  );
  finished.catch(() => undefined); // awaited below; a helper may fail while this thread is still reading
  try {
    for (let index = claimFile(job); index !== -1; index = claimFile(job)) {
      scans[index] = await scanFile(files[index], options);
      applyReady();
      await setImmediate(); // the reads block: let the helpers' files in between
    }
    await finished;
  } finally {
    await Promise.all(helpers.map((helper) => helper.terminate()));
  }
  if (applied !== files.length) throw new Error(`transcript scan: ${files.length - applied} files were not read`);
  return { ledger, keys, reader, read };
}

/** Several dirs share one ledger, so a message found in two of them counts once. */
async function scan(dirs: readonly string[], options: ScanOptions): Promise<ScanState> {
  const found = (await Promise.all(dirs.map(transcriptsAt))).flat();
  const files = found.map((f) => ({ path: f.path, source: f.project, sessionId: f.sessionId || undefined }));
  const { threads: asked, ...sizes } = options;
  // Finished transcripts: a last line without its newline is complete enough to count.
  const readOptions: ReadOptions = {
    ...sizes,
    includeUnterminated: true,
    skipUnreadable: true,
    blockingReads: true,
  };
  const threads = threadsFor(files, asked);
  if (threads > 1) {
    // A helper that cannot start or dies (out of memory, say) costs time, not the scan: read again on this thread.
    const split = await readThreaded(files, readOptions, threads).catch(() => null);
    if (split) return { ...split, threads };
  }
  const ledger = emptyLedger();
  const keys: ScanKeys = new Map();
  const reader = emptyReaderState();
  const read = await readTranscripts(reader, files, ledger, readOptions, keys);
  return { ledger, keys, reader, read, threads: 1 };
}

/** Scans `dirs` into a fresh ledger, whole: one to read more into or save. */
export async function scanTranscriptDirs(dirs: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const { keys, ...result } = await scan(dirs, options);
  saveScanKeys(result.ledger, keys);
  return result;
}

/**
 * Scans `dirs` for a report: the ledger's figures without its dedup index, which a report does not
 * read and which would cost ~30 ms per 200 MB to write into the ledger (see ScanKeys).
 */
export async function scanTranscriptTotals(dirs: readonly string[], options: ScanOptions = {}): Promise<ScanTotals> {
  const { keys, ...totals } = await scan(dirs, options);
  return totals;
}
