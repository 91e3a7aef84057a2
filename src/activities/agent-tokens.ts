/**
 * Per-agent token totals from the agents' own transcripts, read incrementally.
 *
 * Each agent's files are found by session id, for every session it ever had (a reboot gives a new
 * id; the old files keep their usage):
 *   <dir>/<project>/<sessionId>.jsonl
 *   <dir>/<project>/<sessionId>/subagents/*.jsonl
 * where <project> is any directory (Claude Code names it after the cwd; the exact slug rule is
 * Claude Code's business, so it is not recomputed here). Usage is attributed to the agent's name.
 *
 * The reader's byte cursors and the ledger are saved together in one JSON file, replaced
 * atomically (temp file + rename), so they always agree: a retried call reads from the saved
 * cursors into the saved ledger. Should they ever disagree (a lost or corrupt file, a cursor reset)
 * the ledger's dedup by message id keeps any re-read line from counting twice.
 *
 * Cost per call: one stat per followed file and one readdir per session's subagents dir, plus the
 * new bytes. The parsed state is kept in memory between calls (checked against the file's inode,
 * size and mtime, so another process's save is noticed) and saved only when something was read,
 * at most once a minute: a save rewrites the whole ledger, ~60 bytes per message counted.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AgentTokenTotal, TokenRecord } from '../core/state/tokens';
import { roundUsd } from '../core/tokens/format';
import type { AgentLimitRecord, AgentTokenRequest, AgentTokenTotals } from '../core/tokens/host-contract';
import { emptyLedger, type LedgerState } from '../core/tokens/ledger';
import { priceUsage, type PriceTable } from '../core/tokens/pricing';
import { addUsageInto, zeroUsage } from '../core/tokens/usage';
import { writeFileAtomically } from '../host/atomic-file';
import { jsonlIn, subdirNames } from '../host/dir-listing';
import { projectsRoot } from '../host/transcript-discovery';
import { appendJsonLinesOnce } from '../host/jsonl-append';
import { emptyReaderState, readTranscripts, type ReaderState, type TranscriptSource } from '../host/transcript-reader';

/** What the ledger file holds. */
export interface AgentTokenFile {
  version: 1;
  reader: ReaderState;
  ledger: LedgerState;
  /** Session id → the project directory (name under the transcripts dir) its files were found in. */
  located: Record<string, string>;
}

/** Session ids come from uuid4; anything else that is a plain file name is accepted, nothing that walks paths. */
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function emptyFile(): AgentTokenFile {
  return { version: 1, reader: emptyReaderState(), ledger: emptyLedger(), located: {} };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function validFile(v: unknown): v is AgentTokenFile {
  return (
    isObject(v) &&
    v.version === 1 &&
    isObject(v.reader) &&
    isObject(v.reader.files) &&
    isObject(v.ledger) &&
    v.ledger.version === 1 &&
    Array.isArray(v.ledger.buckets) &&
    Array.isArray(v.ledger.entries) &&
    isObject(v.ledger.keys) &&
    isObject(v.located)
  );
}

/**
 * Parsed ledger files by path. `key` is the file on disk (inode, size, mtime) that `state` was
 * loaded from or last saved as; `state` may be ahead of it by what was read since (`dirty`).
 * Both are consistent pairs of cursors and ledger, so either is a correct place to go on from.
 */
interface CachedLedger {
  key: string;
  state: AgentTokenFile;
  savedAt: number;
  dirty: boolean;
  dirtyBytes: number;
}
const cache = new Map<string, CachedLedger>();

/** Forgets the parsed ledgers kept in memory, as a new worker process would start. For tests. */
export function forgetCachedLedgers(): void {
  cache.clear();
}

function statKey(st: { dev: number; ino: number; size: number; mtimeMs: number }): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
}

async function loadFile(file: string): Promise<{ entry: CachedLedger; fresh: boolean }> {
  const empty = (): { entry: CachedLedger; fresh: boolean } => ({
    entry: { key: '', state: emptyFile(), savedAt: 0, dirty: true, dirtyBytes: 0 },
    fresh: true,
  });
  let st;
  try {
    st = await stat(file);
  } catch {
    return empty();
  }
  const key = statKey(st);
  const cached = cache.get(file);
  if (cached && cached.key === key) return { entry: cached, fresh: false };
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (validFile(parsed))
      return { entry: { key, state: parsed, savedAt: Date.now(), dirty: false, dirtyBytes: 0 }, fresh: false };
  } catch {
    // unreadable or torn: rebuilt from the transcripts, dedup keeps that exact
  }
  return empty();
}

async function saveFile(file: string, entry: CachedLedger): Promise<void> {
  await writeFileAtomically(file, JSON.stringify(entry.state));
  Object.assign(entry, { key: statKey(await stat(file)), savedAt: Date.now(), dirty: false, dirtyBytes: 0 });
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** One session's files in one project dir: the session file first, then its subagents. */
async function sessionFiles(root: string, project: string, sessionId: string, knownMain: boolean): Promise<string[]> {
  const main = path.join(root, project, `${sessionId}.jsonl`);
  const files = knownMain || (await isFile(main)) ? [main] : [];
  files.push(...(await jsonlIn(path.join(root, project, sessionId, 'subagents'))));
  return files;
}

/** Every file of the request, in order: per agent, per session (oldest first), session file before its subagents. */
async function findFiles(req: AgentTokenRequest, located: Record<string, string>): Promise<TranscriptSource[]> {
  const projectsOf = new Map<string, Promise<string[]>>();
  const out: TranscriptSource[] = [];
  const seen = new Set<string>();
  for (const agent of Object.keys(req.agents)) {
    const { dir, sessionIds } = req.agents[agent];
    const root = projectsRoot(dir);
    for (const sessionId of sessionIds) {
      if (!SESSION_ID.test(sessionId) || seen.has(sessionId)) continue;
      seen.add(sessionId);
      let files: string[] = [];
      const known = Object.hasOwn(located, sessionId) ? located[sessionId] : null;
      if (known !== null) {
        // The reader drops the cursor of a session file that has gone; the location stays.
        files = await sessionFiles(root, known, sessionId, true);
      } else {
        if (!projectsOf.has(root)) projectsOf.set(root, subdirNames(root));
        for (const project of await projectsOf.get(root)!) {
          files = await sessionFiles(root, project, sessionId, false);
          if (files.length > 0) {
            located[sessionId] = project;
            break;
          }
        }
      }
      for (const p of files) out.push({ path: p, source: agent, sessionId });
    }
  }
  return out;
}

/** Cumulative totals per source (agent) in the ledger, every requested agent included; `prices` over the built-in table. */
function totalsOf(ledger: LedgerState, agents: string[], prices: PriceTable = {}): Record<string, AgentTokenTotal> {
  const out: Record<string, AgentTokenTotal> = {};
  const get = (name: string): AgentTokenTotal => {
    if (!Object.hasOwn(out, name)) out[name] = { usage: zeroUsage(), costUsd: 0, unpriced: [] };
    return out[name];
  };
  for (const name of agents) get(name);
  for (const b of ledger.buckets) {
    const t = get(b.source);
    addUsageInto(t.usage, b.usage);
    const price = priceUsage(b.model, b.usage, prices);
    if ('usd' in price) t.costUsd += price.usd;
    else if (!t.unpriced.includes(b.model)) t.unpriced.push(b.model);
  }
  for (const name of Object.keys(out)) {
    out[name].costUsd = roundUsd(out[name].costUsd);
    out[name].unpriced.sort();
  }
  return out;
}

function limitsOf(ledger: LedgerState): AgentLimitRecord[] {
  return ledger.limits.map((l) => {
    const at = Date.parse(l.timestamp);
    return { agent: l.source, text: l.text, at: Number.isFinite(at) ? at : null };
  });
}

export interface ReadAgentTokensOptions {
  /**
   * Save the ledger file at most this often (default 60 s) while there is new data, and always
   * when the ledger started empty or more than `saveAfterBytes` were read since the last save.
   * Between saves the parsed state lives in this process; a worker that dies before saving costs
   * a re-read of those bytes by the next one, never a double count.
   */
  saveIntervalMs?: number;
  /** Default 16 MiB. */
  saveAfterBytes?: number;
}

/**
 * Reads what is new in every agent's transcripts and returns cumulative per-agent totals: all
 * complete lines on disk now, whichever saved state the call starts from, so a retried call (or
 * another worker process on the same host) returns the same totals and they never go down.
 */
export async function readAgentTokens(
  req: AgentTokenRequest,
  options: ReadAgentTokensOptions = {},
): Promise<AgentTokenTotals> {
  const { entry, fresh } = await loadFile(req.ledgerFile);
  const { state } = entry;
  // The state is changed in place below: forget it until this call ends well.
  cache.delete(req.ledgerFile);
  const locatedBefore = JSON.stringify(state.located);
  const files = await findFiles(req, state.located);
  let filesRead = 0;
  let bytesRead = 0;
  let resets = 0;
  let missing = 0;
  let failed = 0;
  for (const file of files) {
    try {
      const r = await readTranscripts(state.reader, [file], state.ledger);
      filesRead += r.filesRead;
      bytesRead += r.bytesRead;
      resets += r.resets;
      missing += r.missing;
    } catch {
      failed += 1;
      // An unreadable file (permissions, a directory where a file was) is skipped this time; lines
      // it fed before failing are read again next time, and dedup makes that exact.
    }
  }
  if (filesRead > 0 || missing > 0 || failed > 0 || JSON.stringify(state.located) !== locatedBefore) {
    entry.dirty = true;
    entry.dirtyBytes += bytesRead;
  }
  const interval = options.saveIntervalMs ?? 60_000;
  const due =
    fresh || Date.now() - entry.savedAt >= interval || entry.dirtyBytes >= (options.saveAfterBytes ?? 16 << 20);
  let saved = false;
  if (entry.dirty && due) {
    await saveFile(req.ledgerFile, entry);
    saved = true;
  }
  if (entry.key !== '') cache.set(req.ledgerFile, entry);
  const sessions: Record<string, string[]> = {};
  for (const agent of Object.keys(req.agents)) sessions[agent] = [...req.agents[agent].sessionIds];
  return {
    agents: totalsOf(state.ledger, Object.keys(req.agents), req.prices),
    limits: limitsOf(state.ledger),
    sessions,
    read: { files: files.length, filesRead, bytesRead, resets, fresh, saved },
  };
}

/** Appends records to token-log.jsonl, one JSON line each; a retried call writes nothing twice. */
export async function appendTokenLog(file: string, records: TokenRecord[]): Promise<number> {
  return appendJsonLinesOnce(file, records);
}
