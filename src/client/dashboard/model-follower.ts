/**
 * Reads each build's tokens per model from its agents' transcripts on this host into the board
 * (`BuildSnapshot.models`): a build as soon as its status is known, then while it runs every
 * `everyMs`, reading only what its files gained since; once more after it ends, and then its reading
 * state is let go. Due builds are looked for every second (or `everyMs`, if shorter). The sessions
 * come from the build's latest status (every session each agent had, and the current ones): a build
 * whose status query has not answered yet waits for it. A failure is reported and tried again on
 * the next round; none stops the others.
 */
import type { StewardConfig } from '../../core/config/types';
import type { BuildStatusView } from '../../core/status-view';
import { rememberSessions } from '../../core/tokens/agent-token-request';
import { firstLine } from '../render/format';
import { listedBuild, type BuildBoard } from './board';
import { buildModelUsage, TranscriptTally } from './model-usage';

interface Followed {
  config: StewardConfig;
  running: boolean;
  /** Read since it closed: nothing more to read. */
  done: boolean;
  /** Epoch ms of the last read; 0: read at the next look. */
  readAt: number;
  tally: TranscriptTally;
}

/** Agent → every session id it had: those remembered by the token accounting, and the current ones. */
export function sessionsOf(status: BuildStatusView): Record<string, string[]> {
  const current = Object.fromEntries(Object.entries(status.agents).map(([agent, a]) => [agent, a.sessionId]));
  return rememberSessions(status.tokens.sessions, current);
}

export class ModelFollower {
  private readonly builds = new Map<string, Followed>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly board: BuildBoard,
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {}

  /** Reads `build`'s transcripts as `config` places them (a new config keeps what was read). */
  follow(build: string, config: StewardConfig, running: boolean): void {
    const known = this.builds.get(build);
    if (!known) this.builds.set(build, { config, running, done: false, readAt: 0, tally: new TranscriptTally() });
    else {
      known.config = config;
      this.setRunning(build, running);
    }
  }

  /** A build that ends is read once more, for its final figures. */
  /** Stops reading the build's transcripts (it left the listing). */
  unfollow(build: string): void {
    this.builds.delete(build);
  }

  setRunning(build: string, running: boolean): void {
    const b = this.builds.get(build);
    if (!b) return;
    if (b.running !== running) Object.assign(b, { done: false, readAt: 0 });
    b.running = running;
  }

  /** Reads every build that is due: running and not read for `everyMs`, or closed and not read since. */
  async readDue(everyMs: number, now = Date.now): Promise<void> {
    for (const [name, b] of this.builds) {
      if (this.stopped) return;
      const snapshot = this.board.snapshot(name);
      if ((!b.running && b.done) || now() - b.readAt < everyMs || !snapshot?.status) continue;
      const running = b.running;
      b.readAt = now();
      try {
        const models = await buildModelUsage(b.config, sessionsOf(snapshot.status), {
          tally: b.tally,
          onSkippedFile: (f) => this.onProblem(`reading ${f.path}: ${firstLine(f.error)}`),
        });
        this.board.put(name, { models }, () => listedBuild(name, snapshot.workflowId, snapshot.workflowStatus));
        if (!running && !b.running) {
          b.done = true;
          b.tally = new TranscriptTally();
        }
      } catch (err) {
        this.onProblem(
          `tokens per model of build ${name}: ${firstLine(err instanceof Error ? err.message : String(err))}`,
        );
      }
    }
  }

  /** Reads what is due now, and looks again until stopped; a round starts only when the last one ended. */
  start(everyMs: number): void {
    const round = (ms: number) => {
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.readDue(everyMs).finally(() => round(Math.min(everyMs, 1000))), ms);
    };
    round(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
