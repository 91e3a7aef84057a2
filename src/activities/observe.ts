import { createHash } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import type { Observation, Snapshot, RepoObservation } from '../core/state/snapshot';
import { REVIEW_TEXT_BYTES, REVIEW_TEXTS_PER_LOOK, type ObserveRequest } from '../core/observe-request';
import type { ConfigChange } from '../core/state/config-change';
import { configHash, formatIssues, loadConfigFile } from '../host/config-file';
import { readAgentTokens } from './agent-tokens';
import type { Tmux } from '../host/tmux';
import { WorkRepo } from '../host/git';
import { maskTypedText } from '../core/pane/typed-echo';
import { textDigest } from '../core/pane/digest';
import { stillQuiet } from '../core/quiet-spell';

/** The config's regex (validated when it was loaded), or null should it not compile after all. */
function patternOrNull(source: string): RegExp | null {
  try {
    return new RegExp(source, 'i');
  } catch {
    return null;
  }
}

async function observeRepo(req: NonNullable<ObserveRequest['repo']>): Promise<RepoObservation> {
  if (!existsSync(req.dir)) {
    return {
      fetched: true,
      fetchError: `work repo ${req.dir} does not exist`,
      head: null,
      commits: [],
      phaseDone: false,
      inboxes: {},
    };
  }
  // Kept by this process: what it read at origin/main's head is not read again until the head moves.
  const repo = WorkRepo.shared(req.dir);
  const fetchError = req.fetch ? await repo.fetch() : null;
  const head = await repo.head();
  const commits = req.sinceSha && head && head !== req.sinceSha ? await repo.commitsSince(req.sinceSha, 200, head) : [];
  const review = req.reviewPattern ? patternOrNull(req.reviewPattern) : null;
  // At most REVIEW_TEXTS_PER_LOOK review files per look (a backlog of reviews is read as the handoff catches up).
  const reviews = review ? commits.filter((c) => review.test(c.subject)).slice(0, REVIEW_TEXTS_PER_LOOK) : [];
  for (const commit of reviews) commit.reviewText = await repo.addedLines(commit.sha, REVIEW_TEXT_BYTES);
  const status = req.statusPath ? await repo.showAt(head, req.statusPath) : null;
  const inboxes: Record<string, string | null> = {};
  for (const file of req.inboxes) {
    const content = await repo.showAt(head, file);
    inboxes[file] = content === null ? null : createHash('sha1').update(content).digest('hex');
  }
  return {
    fetched: req.fetch,
    fetchError,
    head,
    commits,
    phaseDone: status !== null && status.includes(req.doneMarker),
    inboxes,
  };
}

async function observeConfig(req: NonNullable<ObserveRequest['config']>): Promise<ConfigChange | null> {
  const loaded = await loadConfigFile(req.file);
  if (!loaded.ok) {
    const hash = createHash('sha256').update(formatIssues(req.file, loaded.issues)).digest('hex');
    return { hash, ok: false, problems: formatIssues(req.file, loaded.issues) };
  }
  const hash = configHash(loaded.config);
  return hash === req.knownHash ? null : { hash, ok: true, config: loaded.config };
}

/** Waits `ms`, or less should the workflow cancel the activity (it heard a signal); true when cancelled. */
async function waitCancellable(ms: number, cancelled: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const step = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  const cancel = cancelled.then(
    () => true,
    () => true,
  );
  return Promise.race([step, cancel]).finally(() => clearTimeout(timer));
}

/**
 * Where each look's start and end are logged, one JSON line per look, when set (bench/scale.ts
 * measures the time between looks on the host with it: a quiet spell's looks never reach the workflow).
 */
const LOOK_LOG = process.env.STEWARD_LOOK_LOG;

/** One look at everything the supervisor decides on, every pane's text and digest included. */
async function lookOnce(tmux: Tmux, req: ObserveRequest): Promise<Snapshot> {
  const started = Date.now();
  const look = await lookAtWorld(tmux, req);
  if (LOOK_LOG) {
    const build = req.config?.file ?? Object.values(req.agents).join(',');
    appendFileSync(LOOK_LOG, `${JSON.stringify({ build, start: started, end: Date.now() })}\n`);
  }
  return look;
}

async function lookAtWorld(tmux: Tmux, req: ObserveRequest): Promise<Snapshot> {
  // All panes at once: over tmux's control connection the questions go out together.
  const panes = await Promise.all(Object.values(req.agents).map((session) => tmux.snapshot(session)));
  const agents: Snapshot['agents'] = {};
  Object.keys(req.agents).forEach((name, i) => {
    const { typed, ...pane } = panes[i]!;
    // The echo of what Steward typed is not the agent's output: no rule may read it (see maskTypedText).
    const tail = maskTypedText(pane.tail, [typed ?? '']);
    agents[name] = { ...pane, tail, digest: textDigest(tail) };
  });
  const serviceSessions = Object.entries(req.services ?? {});
  const alive = await Promise.all(serviceSessions.map(([, session]) => tmux.hasSession(session)));
  const services: NonNullable<Snapshot['services']> = {};
  serviceSessions.forEach(([name], i) => (services[name] = { alive: alive[i]! }));
  const repo = req.repo ? await observeRepo(req.repo) : null;
  const config = req.config ? await observeConfig(req.config) : null;
  // Unreadable transcripts must not stop supervision: the tick keeps the last totals.
  const tokens = req.tokens ? await readAgentTokens(req.tokens).catch(() => null) : null;
  // A build without services sends no empty map: every idle tick's result goes into the history.
  return { at: Date.now(), agents, ...(Object.keys(services).length > 0 ? { services } : {}), repo, config, tokens };
}

/** The look as reported: a pane still showing the text the workflow has comes without it (nor its digest). */
function withoutKnownPanes(look: Snapshot, known: ObserveRequest['paneDigests']): Observation {
  const agents: Observation['agents'] = {};
  for (const [name, pane] of Object.entries(look.agents))
    agents[name] =
      pane.alive && known?.[name] === pane.digest
        ? { alive: true, windowActivity: pane.windowActivity, unchanged: true }
        : pane;
  return { ...look, agents };
}

/**
 * Looks at the world after `waitMs` and reports it. In a quiet spell (`req.quiet`) it keeps
 * looking every `waitMs` instead, until a look differs from the world the build decided on or the
 * spell is over, and reports that look. The activity heartbeats all along
 * (src/activities/heartbeat-ticker.ts): a cancel, when a signal lands, ends the wait at once.
 */
export async function observe(
  tmux: Tmux,
  req: ObserveRequest,
  cancelled: Promise<unknown> = new Promise(() => {}),
): Promise<Observation> {
  const spellEnds = Date.now() + (req.quiet?.forMs ?? 0);
  let wait = req.waitMs;
  for (;;) {
    const interrupted = wait > 0 && (await waitCancellable(wait, cancelled));
    const look = await lookOnce(tmux, req);
    const left = spellEnds - Date.now();
    if (interrupted || !stillQuiet(req, look, left)) return withoutKnownPanes(look, req.paneDigests);
    wait = Math.min(req.waitMs, left);
  }
}
