/**
 * What the dashboard server knows of every build, and who is listening: the watcher writes into
 * it, the routes read views out of it, and every change goes to the push channel's subscribers —
 * each new event at once (with its id), and the names of builds whose views changed, gathered for
 * `CHANGED_FLUSH_MS` so a burst is one message.
 */
import { randomBytes } from 'node:crypto';
import type { StewardEvent } from '../../core/events';
import { mergeBuildEvents } from '../../core/dashboard/build-events';
import { EventJournal } from '../../core/dashboard/event-journal';
import type { BuildSnapshot, FeedEvent } from '../../core/dashboard/types';
import type { BuildStatusView } from '../../workflows/definitions';

export type PushMessage = { kind: 'event'; event: FeedEvent } | { kind: 'changed'; builds: string[] };

export const CHANGED_FLUSH_MS = 100;

/** A build as first listed: what Visibility says of it, before its config and status are read. */
export function listedBuild(name: string, workflowId: string, workflowStatus: string): BuildSnapshot {
  return {
    name,
    workflowId,
    workflowStatus,
    status: null,
    events: [],
    budget: null,
    stallIdleMs: null,
    watch: {},
    webUiUrl: null,
    models: null,
  };
}

export class BuildBoard {
  readonly journal = new EventJournal(randomBytes(6).toString('hex'));
  /** Bumped on every change: views computed from the board are cached by it. */
  version = 0;
  private readonly builds = new Map<string, BuildSnapshot>();
  private readonly statusJson = new Map<string, string>();
  private readonly buildVersions = new Map<string, number>();
  private readonly subscribers = new Set<(message: PushMessage) => void>();
  private pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;

  snapshots(): BuildSnapshot[] {
    return [...this.builds.values()];
  }

  snapshot(name: string): BuildSnapshot | undefined {
    return this.builds.get(name);
  }

  /** Bumped on every change of that build: a view of one build is cached by it. */
  versionOf(name: string): number {
    return this.buildVersions.get(name) ?? 0;
  }

  /** Adds a build, or changes what is known of one (never its events: `addEvents` does). */
  put(name: string, fields: Partial<Omit<BuildSnapshot, 'name' | 'events'>>, listed: () => BuildSnapshot): void {
    const known = this.builds.get(name);
    const next = { ...(known ?? listed()), ...fields };
    if (known && JSON.stringify({ ...known, events: 0 }) === JSON.stringify({ ...next, events: 0 })) return;
    this.builds.set(name, next);
    this.changed(name);
  }

  /** The status query's answer; its events are merged like the log's. */
  setStatus(name: string, status: BuildStatusView): void {
    const build = this.builds.get(name);
    if (!build) return;
    const json = JSON.stringify(status);
    if (this.statusJson.get(name) !== json) {
      this.statusJson.set(name, json);
      build.status = status;
      this.changed(name);
    }
    this.addEvents(name, status.events);
  }

  /** Drops a build that left the listing (older than the newest listed, or deleted); pages hear it changed. */
  remove(name: string): void {
    if (!this.builds.delete(name)) return;
    this.statusJson.delete(name);
    this.changed(name);
    this.buildVersions.delete(name);
  }

  /** No status for the build until the next answer (its worker stopped answering). */
  forgetStatus(name: string): void {
    const build = this.builds.get(name);
    if (!build?.status) return;
    build.status = null;
    this.statusJson.delete(name);
    this.changed(name);
  }

  /** Merges events of a build (from its log or its status), publishing each new one. */
  addEvents(name: string, events: readonly StewardEvent[]): void {
    const build = this.builds.get(name);
    if (!build || events.length === 0) return;
    const merged = mergeBuildEvents(build.events, events);
    build.events = merged.events;
    if (merged.added.length === 0) return;
    for (const event of this.journal.append(name, merged.added)) this.publish({ kind: 'event', event });
    this.changed(name);
  }

  subscribe(listener: (message: PushMessage) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  close(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.subscribers.clear();
  }

  private changed(name: string): void {
    this.version++;
    this.buildVersions.set(name, this.versionOf(name) + 1);
    this.pending.add(name);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      const builds = [...this.pending];
      this.pending = new Set();
      this.publish({ kind: 'changed', builds });
    }, CHANGED_FLUSH_MS);
  }

  private publish(message: PushMessage): void {
    for (const listener of this.subscribers) listener(message);
  }
}
