/**
 * Keeps the board up to date from Temporal and this host's files: lists the builds (Visibility),
 * reads each one's config once (where its event log is, its budget, its agents), follows its event
 * log as it grows (`tailEveryMs`: how fast a new event reaches the pages), and asks the running
 * builds' `status` query (`statusEveryMs`). A closed build's config is read from its start input
 * and only the `closedStatusLimit` newest closed builds are asked their status, once: answering it
 * replays the build on a worker, and a server can hold hundreds of old builds. It also
 * counts its tokens per model in its agents' transcripts (`modelsEveryMs`; a closed build once more).
 * A build on another host has no log or transcripts here: its status query's recent events stand in.
 * Every failure is reported through `onProblem` and tried again on the next round; none stops it.
 */
import type { StewardConfig } from '../../core/config/types';
import { eventLogFile } from '../../core/event-record';
import { Tmux } from '../../host/tmux';
import {
  buildConfig,
  openBuild,
  queryStatus,
  rpc,
  startConfig,
  startInput,
  type OpenBuild,
  type Temporal,
} from '../build-handle';
import { listQuery } from '../commands/operate';
import { firstLine } from '../render/format';
import { buildNameOfWorkflowId, listingStartTime } from '../render/status';
import { listedBuild, type BuildBoard } from './board';
import { LogFollower } from './log-follower';
import { ModelFollower } from './model-follower';

export interface WatcherOptions {
  listEveryMs?: number;
  statusEveryMs?: number;
  tailEveryMs?: number;
  /** How often a running build's transcripts are read for its tokens per model (default 30 s). */
  modelsEveryMs?: number;
  /** Builds listed at most (the newest). */
  maxBuilds?: number;
  /** Closed builds (the newest) whose status is asked once (default 20). */
  closedStatusLimit?: number;
  /** The Temporal Web UI's base URL, for each build's link; null: no links. */
  webUi: string | null;
  /** The agents' tmux socket (STEWARD_TMUX_SOCKET), for the agent view's pane. */
  tmuxSocket?: string;
  onProblem?: (message: string) => void;
}

interface Watched {
  workflowId: string;
  workflowStatus: string;
  build: OpenBuild | null;
  config: StewardConfig | null;
  running: boolean;
  statusRead: boolean;
  /** Its place in the latest listing, newest first. */
  rank: number;
  /** When the build started (across continue-as-new): another start is another build of the name. */
  startedAt: number | null;
  /** Status queries of a running build that failed in a row. */
  statusFailures: number;
}

/** A running build whose status query failed this many rounds in a row shows no status (no worker). */
const STATUS_FAILURES_TO_FORGET = 3;

/** Configs read at once: enough to fill a page quickly, few enough not to flood the server. */
const CONFIG_READS_AT_ONCE = 4;

export class BoardWatcher {
  private readonly watched = new Map<string, Watched>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly tmux: Tmux;
  private readonly logs: LogFollower;
  private readonly models: ModelFollower;

  constructor(
    private readonly t: Temporal,
    private readonly board: BuildBoard,
    private readonly options: WatcherOptions,
  ) {
    this.tmux = new Tmux(options.tmuxSocket);
    this.logs = new LogFollower(board, (message) => options.onProblem?.(message));
    this.models = new ModelFollower(board, (message) => options.onProblem?.(message));
  }

  /** Lists the builds and reads the running ones (so the first page shows them), then keeps going. */
  async start(): Promise<void> {
    await this.list();
    await this.readConfigs(true);
    void this.readConfigs(false);
    await this.logs.readAll();
    await this.statusAll();
    this.every(this.options.listEveryMs ?? 5000, async () => {
      await this.list();
      await this.readConfigs(true);
      await this.readConfigs(false);
    });
    this.logs.start(this.options.tailEveryMs ?? 200);
    this.every(this.options.statusEveryMs ?? 2000, () => this.statusAll());
    this.models.start(this.options.modelsEveryMs ?? 30_000);
  }

  stop(): void {
    this.stopped = true;
    this.timers.forEach((t) => clearTimeout(t));
    this.logs.stop();
    this.models.stop();
  }

  /** The last lines of an agent's pane, when its tmux server is on this host. */
  async paneOf(build: string, agent: string): Promise<string[] | null> {
    const session = this.watched.get(build)?.config?.agents.find((a) => a.name === agent)?.session;
    if (!session) return null;
    const pane = await this.tmux.snapshot(session, 40);
    return pane.alive ? pane.tail.split('\n') : null;
  }

  /** The build's handle for an action (it follows continue-as-new). */
  async handleOf(name: string): Promise<OpenBuild> {
    return openBuild(this.t, name, { running: true });
  }

  /** Runs `round` every `ms` (each after the last one ended) until stopped; one timer per loop at a time. */
  private every(ms: number, round: () => Promise<void>): void {
    let timer: NodeJS.Timeout | null = null;
    const next = () => {
      if (timer) this.timers.delete(timer);
      if (this.stopped) return;
      timer = setTimeout(() => void round().finally(next), ms);
      this.timers.add(timer);
    };
    next();
  }

  private problem(what: string, err: unknown): void {
    this.options.onProblem?.(`${what}: ${firstLine(err instanceof Error ? err.message : String(err))}`);
  }

  /** Lists the builds (newest first) onto the board; their configs are read afterwards, outside the list's deadline. */
  private async list(): Promise<void> {
    const seen = new Set<string>();
    const names = new Set<string>();
    try {
      await rpc(this.t, 'list builds', async () => {
        for await (const w of this.t.client.workflow.list({ query: listQuery(false), pageSize: 100 })) {
          // Newest first: an older run of a name used again is not the build the name means now.
          if (seen.has(w.workflowId)) continue;
          seen.add(w.workflowId);
          const startedAt = listingStartTime(w.memo, w.startTime);
          names.add(buildNameOfWorkflowId(w.workflowId));
          this.listed(buildNameOfWorkflowId(w.workflowId), w.workflowId, w.status.name, seen.size - 1, startedAt);
          if (seen.size >= (this.options.maxBuilds ?? 100)) break;
        }
      });
    } catch (err) {
      this.problem('listing builds', err);
      return;
    }
    // Only after a whole listing: builds it no longer has (pushed out of the newest, or deleted) are dropped.
    for (const name of [...this.watched.keys()].filter((n) => !names.has(n))) {
      this.watched.delete(name);
      this.logs.unfollow(name);
      this.models.unfollow(name);
      this.board.remove(name);
    }
  }

  private listed(
    name: string,
    workflowId: string,
    workflowStatus: string,
    rank: number,
    startedAt: number | null,
  ): void {
    const running = workflowStatus === 'RUNNING';
    const webUiUrl = this.options.webUi
      ? `${this.options.webUi}/namespaces/${encodeURIComponent(this.t.settings.namespace)}/workflows/${encodeURIComponent(workflowId)}`
      : null;
    this.board.put(name, { workflowId, workflowStatus, webUiUrl }, () => listedBuild(name, workflowId, workflowStatus));
    const known = this.watched.get(name);
    if (!known) {
      this.watched.set(name, {
        workflowId,
        workflowStatus,
        build: null,
        config: null,
        running,
        statusRead: false,
        rank,
        startedAt,
        statusFailures: 0,
      });
      return;
    }
    // A build that ended is asked once more, for its final state.
    if (known.running && !running) known.statusRead = false;
    // The name started again: a new build, with a config of its own (its events start over on the board).
    if (known.startedAt !== startedAt) Object.assign(known, { build: null, config: null, statusRead: false });
    Object.assign(known, { workflowId, workflowStatus, running, rank, startedAt });
    this.models.setRunning(name, running);
  }

  /** Reads the configs not read yet, of the running builds or of the closed ones, a few at a time. */
  private async readConfigs(running: boolean): Promise<void> {
    const due = [...this.watched].filter(([, w]) => !w.config && w.running === running);
    for (let i = 0; i < due.length; i += CONFIG_READS_AT_ONCE) {
      await Promise.all(due.slice(i, i + CONFIG_READS_AT_ONCE).map(([name, w]) => this.readConfig(name, w)));
    }
  }

  private async readConfig(name: string, watched: Watched): Promise<void> {
    try {
      watched.build = await openBuild(this.t, name);
      // A running build answers its config query; a closed one would be replayed for it: its start input says as much.
      watched.config = watched.running
        ? await buildConfig(watched.build)
        : startConfig(await startInput(watched.build).catch(() => null));
    } catch (err) {
      this.problem(`reading build ${name}`, err);
      return;
    }
    const config = watched.config;
    if (!config) return;
    this.logs.follow(name, eventLogFile(config));
    this.models.follow(name, config, watched.running);
    this.board.put(
      name,
      {
        budget: config.budget ?? null,
        stallIdleMs: config.watchdog.stall_idle,
        watch: Object.fromEntries(config.agents.map((a) => [a.name, a.watch])),
      },
      () => listedBuild(name, watched.workflowId, watched.workflowStatus),
    );
  }

  private async statusAll(): Promise<void> {
    await Promise.all(
      [...this.watched].map(async ([name, w]) => {
        const closedLimit = this.options.closedStatusLimit ?? 20;
        if (!w.build || (!w.running && (w.statusRead || w.rank >= closedLimit))) return;
        try {
          this.board.setStatus(name, await queryStatus(w.build));
          w.statusRead = true;
          w.statusFailures = 0;
        } catch (err) {
          if (!w.running) {
            w.statusRead = true; // a closed build without a worker to replay it: its log is all there is
            return;
          }
          this.problem(`status of build ${name}`, err);
          // An answer from before the worker went is not shown as if current: the page says no worker.
          if (++w.statusFailures === STATUS_FAILURES_TO_FORGET) this.board.forgetStatus(name);
        }
      }),
    );
  }
}
