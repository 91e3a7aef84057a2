/**
 * The push channel (`/api/stream`, server-sent events): new events as they are learnt, which
 * builds' views changed, and a reset when the server lost our position. One EventSource for the
 * page; views listen for as long as they are shown. `document.body.dataset.live` says whether it is open.
 */
import type { FeedEvent } from '../src/core/dashboard/types';
import { apiPaths } from './api.js';

export interface StreamListener {
  /** New events of any build (`event: event`), oldest first, in batches (see BATCH_MS). */
  events?: (batch: FeedEvent[]) => void;
  /** These builds' views changed (`event: changed`). */
  changed?: (builds: string[]) => void;
  /** What was pushed may have been missed (a reset, or a reconnect): fetch everything again. */
  resync?: () => void;
}

const listeners = new Set<StreamListener>();

/** Listens until the returned function is called. */
export function listen(listener: StreamListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function parse(data: unknown): unknown {
  if (typeof data !== 'string') return null;
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

function isFeedEvent(v: unknown): v is FeedEvent {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Partial<Record<keyof FeedEvent, unknown>>;
  return typeof e.build === 'string' && typeof e.type === 'string' && typeof e.seq === 'number';
}

function changedBuilds(v: unknown): string[] | null {
  if (typeof v !== 'object' || v === null || !('builds' in v) || !Array.isArray(v.builds)) return null;
  return v.builds.filter((b): b is string => typeof b === 'string');
}

function setLive(open: boolean): void {
  document.body.dataset.live = open ? 'open' : 'closed';
}

/**
 * Pushed events are handed on at most this often: a burst (a build's catch-up, many agents at
 * once) then re-renders a view once, not once an event.
 */
const BATCH_MS = 100;
let batch: FeedEvent[] = [];

function deliver(e: FeedEvent): void {
  if (batch.length === 0) {
    setTimeout(() => {
      const events = batch;
      batch = [];
      for (const l of listeners) l.events?.(events);
    }, BATCH_MS);
  }
  batch.push(e);
}

/** How long to wait before opening a new EventSource once the browser gave up on one. */
const REOPEN_MS = 5000;

/** Opens the page's channel (once). */
export function startStream(): void {
  setLive(false);
  open();
}

function open(): void {
  const source = new EventSource(apiPaths.stream());
  // Every open, the first too, may follow `changed` messages nobody heard (they are not
  // replayed): the first view was fetched before the channel opened. Refetch.
  source.addEventListener('open', () => {
    setLive(true);
    for (const l of listeners) l.resync?.();
  });
  source.addEventListener('error', () => {
    setLive(false);
    // CONNECTING: the browser retries by itself, sending Last-Event-ID. CLOSED: it gave up (the
    // server answered an error); a new EventSource starts without a position, hence the resync.
    if (source.readyState === EventSource.CLOSED) setTimeout(open, REOPEN_MS);
  });
  source.addEventListener('event', (m) => {
    const e = parse(m.data);
    if (isFeedEvent(e)) deliver(e);
  });
  source.addEventListener('changed', (m) => {
    const builds = changedBuilds(parse(m.data));
    if (builds) for (const l of listeners) l.changed?.(builds);
  });
  source.addEventListener('reset', () => {
    for (const l of listeners) l.resync?.();
  });
}
