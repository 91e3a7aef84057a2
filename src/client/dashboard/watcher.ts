/**
 * Keeps the board up to date from Temporal and this host's files: lists the builds (Visibility),
 * reads each one's config once (where its event log is, its budget, its agents), follows its event
 * log as it grows (`tailEveryMs`: how fast a new event reaches the pages), and asks the running
 * builds' `status` query (`statusEveryMs`; a closed build once: answering it replays the build).
 * A build on another host has no log here: its status query's recent events stand in.
 * Every failure is reported through `onProblem` and tried again on the next round; none stops it.
 */
import type { StewardConfig } from '../../core/config/types';
import { eventLogFile } from '../../core/event-record';
import { Tmux } from '../../host/tmux';
import { buildConfig, openBuild, queryStatus, rpc, type OpenBuild, type Temporal } from '../build-handle';
import { listQuery } from '../commands/operate';
import { firstLine } from '../render/format';
import { buildNameOfWorkflowId } from '../render/status';
import { listedBuild, type BuildBoard } from './board';
import { LogFollower } from './log-follower';

export interface WatcherOptions {
  listEveryMs?: number;
  statusEveryMs?: number;
  tailEveryMs?: number;
  /** Builds listed at most (the newest). */
  maxBuilds?: number;
  /** The Temporal Web UI's base URL, for each build's link; null: no links. */
  webUi: string | null;
  /** The agents' tmux socket (STEWARD_TMUX_SOCKET), for the agent view's pane. */
  tmuxSocket?: string;
  onProblem?: (message: string) => void;
}

interface Watched {
  build: OpenBuild | null;
  config: StewardConfig | null;
  running: boolean;
  statusRead: boolean;
}

export class BoardWatcher {
  private readonly watched = new Map<string, Watched>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private readonly tmux: Tmux;
  private readonly logs: LogFollower;

  constructor(
    private readonly t: Temporal,
    private readonly board: BuildBoard,
    private readonly options: WatcherOptions,
  ) {
    this.tmux = new Tmux(options.tmuxSocket);
    this.logs = new LogFollower(board, (message) => options.onProblem?.(message));
  }

  /** Lists and reads every build once (so the first page load shows them), then keeps going. */
  async start(): Promise<void> {
    await this.list();
    await this.logs.readAll();
    await this.statusAll();
    this.every(this.options.listEveryMs ?? 5000, () => this.list());
    this.logs.start(this.options.tailEveryMs ?? 200);
    this.every(this.options.statusEveryMs ?? 2000, () => this.statusAll());
  }

  stop(): void {
    this.stopped = true;
    this.timers.forEach((t) => clearTimeout(t));
    this.logs.stop();
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

  private every(ms: number, round: () => Promise<void>): void {
    const next = () => {
      if (this.stopped) return;
      this.timers.push(setTimeout(() => void round().finally(next), ms));
    };
    next();
  }

  private problem(what: string, err: unknown): void {
    this.options.onProblem?.(`${what}: ${firstLine(err instanceof Error ? err.message : String(err))}`);
  }

  private async list(): Promise<void> {
    const seen = new Set<string>();
    try {
      await rpc(this.t, 'list builds', async () => {
        for await (const w of this.t.client.workflow.list({ query: listQuery(false), pageSize: 100 })) {
          // Newest first: an older run of a name used again is not the build the name means now.
          if (seen.has(w.workflowId)) continue;
          seen.add(w.workflowId);
          await this.listed(buildNameOfWorkflowId(w.workflowId), w.workflowId, w.status.name);
          if (seen.size >= (this.options.maxBuilds ?? 100)) break;
        }
      });
    } catch (err) {
      this.problem('listing builds', err);
    }
  }

  private async listed(name: string, workflowId: string, workflowStatus: string): Promise<void> {
    const running = workflowStatus === 'RUNNING';
    const known = this.watched.get(name);
    const webUiUrl = this.options.webUi
      ? `${this.options.webUi}/namespaces/${encodeURIComponent(this.t.settings.namespace)}/workflows/${encodeURIComponent(workflowId)}`
      : null;
    this.board.put(name, { workflowId, workflowStatus, webUiUrl }, () => listedBuild(name, workflowId, workflowStatus));
    if (known) {
      // A build that ended is asked once more, for its final state.
      if (known.running && !running) known.statusRead = false;
      known.running = running;
      if (known.config) return;
    }
    const watched: Watched = known ?? { build: null, config: null, running, statusRead: false };
    this.watched.set(name, watched);
    try {
      watched.build = await openBuild(this.t, name);
      watched.config = await buildConfig(watched.build);
    } catch (err) {
      this.problem(`reading build ${name}`, err);
      return;
    }
    const config = watched.config;
    if (!config) return;
    this.logs.follow(name, eventLogFile(config));
    this.board.put(
      name,
      {
        budget: config.budget ?? null,
        stallIdleMs: config.watchdog.stall_idle,
        watch: Object.fromEntries(config.agents.map((a) => [a.name, a.watch])),
      },
      () => listedBuild(name, workflowId, workflowStatus),
    );
  }

  private async statusAll(): Promise<void> {
    await Promise.all(
      [...this.watched].map(async ([name, w]) => {
        if (!w.build || (!w.running && w.statusRead)) return;
        try {
          this.board.setStatus(name, await queryStatus(w.build));
          w.statusRead = true;
        } catch (err) {
          if (w.running) this.problem(`status of build ${name}`, err);
          else w.statusRead = true; // a closed build without a worker to replay it: its log is all there is
        }
      }),
    );
  }
}
