/**
 * Reads a build's event log, `<state_dir>/events.jsonl`: one event per line, appended by the
 * workflow. Line by line, so a long log is never held twice. What the file may hold besides clean
 * events is expected, never a crash:
 *
 * - a line written twice for the same event (a retried append whose first attempt did write): the
 *   same seq, time and type again is read once;
 * - a broken line (cut short by a crash, not JSON, not an event): skipped and counted. A line cut
 *   short has no newline, so the next append's first event is glued to it: that event is still read;
 * - several builds: runs of builds with the same name share the state dir, and each new build
 *   numbers its events from 1 again. A new build begins at its `build_started`, or where a seq
 *   comes back with a different event.
 * - events from before the data fields (gate, tokens, …) existed: they read as events without them.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { EVENT_TYPES, type StewardEvent } from '../core/events';

export { eventLogFile } from '../core/event-record';

export interface EventLog {
  /** The chosen build's events, each once, in seq order. */
  events: StewardEvent[];
  /** Lines that were not an event (cut short, not JSON, not an event's shape), skipped. */
  skipped: number;
  /** Lines repeating an event already read (a retried append). */
  duplicates: number;
  /** How many builds the file holds. */
  builds: number;
}

export interface ReadEventLogOptions {
  /**
   * The build to read, by when it started (epoch ms): the last build in the file that started by
   * then (give or take `BUILD_START_SLACK_MS`: a build's first event comes a moment after the
   * workflow starts), or the last build if none did. Default: the last build in the file.
   */
  startedAt?: number;
}

/** How much later than the given start a build's first event may be and still be that build. */
export const BUILD_START_SLACK_MS = 60_000;

const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
const OPTIONAL_STRINGS = ['agent', 'phase'] as const;

/** The event a line holds, or null when it holds none. */
function parseEventLine(line: string): StewardEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const e = value as Record<string, unknown>;
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 1) return null;
  if (typeof e.at !== 'number' || !Number.isFinite(e.at)) return null;
  if (typeof e.type !== 'string' || !TYPES.has(e.type)) return null;
  if (typeof e.message !== 'string') return null;
  if (OPTIONAL_STRINGS.some((k) => e[k] !== undefined && typeof e[k] !== 'string')) return null;
  return withValidData(e);
}

const DATA_STRINGS = ['gate', 'sha', 'builder', 'reviewer'] as const;
const DATA_NUMBERS = ['durationMs', 'costUsd', 'attempt'] as const;
const VERDICTS: ReadonlySet<unknown> = new Set(['pass', 'fail', 'unknown']);
const TOKEN_FIELDS = [
  'input_tokens',
  'output_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
] as const;

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTokens = (v: unknown): boolean => isRecord(v) && TOKEN_FIELDS.every((k) => isFiniteNumber(v[k]));

/**
 * The event with only the data fields of the right shape: a field a hand edit or another writer
 * got wrong is dropped (the event stays), so the metrics never meet a string where they add.
 */
function withValidData(e: Record<string, unknown>): StewardEvent {
  const out = { ...e };
  for (const k of DATA_STRINGS) if (out[k] !== undefined && typeof out[k] !== 'string') delete out[k];
  for (const k of DATA_NUMBERS) if (out[k] !== undefined && !isFiniteNumber(out[k])) delete out[k];
  if (out.verdict !== undefined && !VERDICTS.has(out.verdict)) delete out.verdict;
  if (out.tokens !== undefined && !isTokens(out.tokens)) delete out.tokens;
  if (out.byAgent !== undefined) {
    const byAgent = isRecord(out.byAgent) ? out.byAgent : {};
    const valid = Object.entries(byAgent).filter(
      ([, v]) => isRecord(v) && isTokens(v.tokens) && isFiniteNumber(v.costUsd),
    );
    if (valid.length) out.byAgent = Object.fromEntries(valid);
    else delete out.byAgent;
  }
  return out as unknown as StewardEvent;
}

const EVENT_STARTS = ['{"type":', '{"seq":'];
const MAX_GLUED_TRIES = 4;

/** Where in a broken line the event glued to it may start: the last few candidates, last first. */
function gluedStarts(line: string): number[] {
  const starts: number[] = [];
  for (const start of EVENT_STARTS) {
    for (
      let i = line.lastIndexOf(start);
      i > 0 && starts.length < 2 * MAX_GLUED_TRIES;
      i = line.lastIndexOf(start, i - 1)
    )
      starts.push(i);
  }
  return starts.sort((a, b) => b - a).slice(0, MAX_GLUED_TRIES);
}

/**
 * The event of a line: its event, or for a line cut short by a crash and glued to the next append,
 * the event that follows the broken start (`broken`). In JSON a `{"` outside a string opens an
 * object, so the glued event starts at one of them.
 */
export function eventOfLine(line: string): { event: StewardEvent | null; broken: boolean } {
  const whole = parseEventLine(line);
  if (whole) return { event: whole, broken: false };
  // The glued event starts at a `{"type":` or `{"seq":` (the keys an event opens with; no inner
  // object has them); a few tries at most, from the end, so a long broken line costs a few parses.
  for (const i of gluedStarts(line)) {
    const tail = parseEventLine(line.slice(i));
    if (tail) return { event: tail, broken: true };
  }
  return { event: null, broken: true };
}

/** One build's events, by seq. */
class BuildEvents {
  readonly bySeq = new Map<number, StewardEvent>();
  start: number | null = null;

  add(e: StewardEvent): void {
    this.start ??= e.at;
    this.bySeq.set(e.seq, e);
  }

  events(): StewardEvent[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
}

/** What reading a log counted besides its builds' events. */
interface LogCounts {
  skipped: number;
  duplicates: number;
}

/** The builds of `file`, each yielded once read whole (one at a time in memory). */
async function* buildsOfLog(file: string, counts: LogCounts): AsyncGenerator<BuildEvents> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  // Opening fails on the stream: await it, so a missing file is an error of this call.
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  let current = new BuildEvents();
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    const { event: e, broken } = eventOfLine(line);
    if (broken) counts.skipped++;
    if (!e) continue;
    const seen = current.bySeq.get(e.seq);
    if (seen && seen.at === e.at && seen.type === e.type) {
      counts.duplicates++;
      continue;
    }
    if (seen || (e.type === 'build_started' && current.bySeq.size > 0)) {
      yield current;
      current = new BuildEvents();
    }
    current.add(e);
  }
  if (current.bySeq.size > 0) yield current;
}

/**
 * Reads `file` (see the module comment). A file that cannot be read throws (ENOENT when there is
 * none); everything inside it is read or counted.
 */
export async function readEventLog(file: string, options: ReadEventLogOptions = {}): Promise<EventLog> {
  const wanted = (b: BuildEvents) =>
    options.startedAt === undefined || (b.start ?? 0) <= options.startedAt + BUILD_START_SLACK_MS;
  const counts: LogCounts = { skipped: 0, duplicates: 0 };
  let builds = 0;
  // Only the build being read and the chosen earlier one are kept in memory, however many the log holds.
  let chosen: BuildEvents | null = null;
  let last: BuildEvents | null = null;
  for await (const build of buildsOfLog(file, counts)) {
    builds++;
    last = build;
    if (wanted(build)) chosen = build;
  }
  // No build started by then (a clock off by more than the slack): the last one.
  return { events: (chosen ?? last)?.events() ?? [], ...counts, builds };
}

/**
 * Every build in `file`, in the order the file holds them, each with its events once in seq order
 * (read like `readEventLog`; only one build is in memory at a time). Throws as `readEventLog` does.
 */
export async function* readEventLogBuilds(file: string): AsyncGenerator<StewardEvent[]> {
  for await (const build of buildsOfLog(file, { skipped: 0, duplicates: 0 })) yield build.events();
}
