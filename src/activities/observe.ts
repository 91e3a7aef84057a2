import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Snapshot, RepoObservation } from '../core/snapshot';
import type { Tmux } from './tmux';
import { WorkRepo } from './git';

export interface ObserveRequest {
  /** Agent name → tmux session. */
  agents: Record<string, string>;
  repo: null | {
    dir: string;
    sinceSha: string | null;
    /** Status file of the current phase, relative to the repo root; null once the sequence is done. */
    statusPath: string | null;
    doneMarker: string;
    /** Inbox files, relative to the repo root. */
    inboxes: string[];
  };
}

async function observeRepo(req: NonNullable<ObserveRequest['repo']>): Promise<RepoObservation> {
  if (!existsSync(req.dir)) {
    return { fetchError: `work repo ${req.dir} does not exist`, head: null, commits: [], phaseDone: false, inboxes: {} };
  }
  const repo = new WorkRepo(req.dir);
  const fetchError = await repo.fetch();
  const head = await repo.head();
  const commits = req.sinceSha && head && head !== req.sinceSha ? await repo.commitsSince(req.sinceSha) : [];
  const status = req.statusPath ? await repo.show(req.statusPath) : null;
  const inboxes: Record<string, string | null> = {};
  for (const file of req.inboxes) {
    const content = await repo.show(file);
    inboxes[file] = content === null ? null : createHash('sha1').update(content).digest('hex');
  }
  return { fetchError, head, commits, phaseDone: status !== null && status.includes(req.doneMarker), inboxes };
}

/** One look at everything the supervisor decides on: panes, then origin/main. */
export async function observe(tmux: Tmux, req: ObserveRequest): Promise<Snapshot> {
  const agents: Snapshot['agents'] = {};
  for (const [name, session] of Object.entries(req.agents)) {
    agents[name] = await tmux.snapshot(session);
  }
  return { at: Date.now(), agents, repo: req.repo ? await observeRepo(req.repo) : null };
}
