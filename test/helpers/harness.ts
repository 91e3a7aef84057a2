import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { installRuntime } from '../../src/workers/runtime';
import { Tmux } from '../../src/activities/tmux';
import { createWorkspace } from '../../src/client/workspace';
import { loadConfigOrThrow } from '../../src/client/load-or-exit';
import { startBuild, StartedBuild } from '../../src/client/start-build';
import { createStewardWorkers, runWorkers } from '../../src/workers/worker';

let runtimeInstalled = false;

/** Integration tests fail — never skip — when global setup could not provide a server. */
export function testServerAddress(): string {
  const address = process.env.STEWARD_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('no Temporal dev server: global setup did not run or failed');
  return address;
}

/**
 * One build under test: a temp work repo with a bare origin, a private tmux socket, a client,
 * and an in-process worker that can be stopped and started again.
 */
export class BuildHarness {
  readonly tmux: Tmux;
  readonly hostId: string;
  private workers: Worker[] = [];
  private running: Promise<unknown> | null = null;
  private native: NativeConnection | null = null;

  private constructor(
    readonly dir: string,
    readonly socket: string,
    readonly client: Client,
    private readonly connection: Connection,
    readonly name: string,
    readonly address: string,
  ) {
    this.tmux = new Tmux(socket);
    this.hostId = `test-${name}`;
  }

  static async create(prefix: string, opts: { clones?: string[]; address?: string } = {}): Promise<BuildHarness> {
    const clones = opts.clones ?? ['builder', 'adversary', 'supervisor'];
    const address = opts.address ?? testServerAddress();
    if (!runtimeInstalled) {
      installRuntime(pino({ level: 'error' }, pino.destination(2)));
      runtimeInstalled = true;
    }
    const suffix = randomBytes(3).toString('hex');
    const name = `${prefix}-${suffix}`;
    const dir = await mkdtemp(join(tmpdir(), `steward-${prefix}-`));
    await createWorkspace(dir, clones);
    const connection = await Connection.connect({ address });
    return new BuildHarness(dir, `steward-test-${suffix}`, new Client({ connection }), connection, name, address);
  }

  async writeConfig(toml: string, file = 'agents.toml'): Promise<string> {
    const path = join(this.dir, file);
    await writeFile(path, toml);
    return path;
  }

  /** `hostId` other than the build's: this worker then serves workflows but not the build's host. */
  async startWorker(hostId = this.hostId): Promise<void> {
    this.native ??= await NativeConnection.connect({ address: this.address });
    const codePath = process.env.STEWARD_TEST_BUNDLE;
    if (!codePath) throw new Error('no workflow bundle: global setup did not run');
    this.workers = await createStewardWorkers({
      connection: this.native,
      hostId,
      tmuxSocket: this.socket,
      workflowBundle: { codePath },
    });
    this.running = runWorkers(this.workers);
  }

  async stopWorker(): Promise<void> {
    this.workers.forEach((w) => w.shutdown());
    await this.running;
    this.workers = [];
    this.running = null;
  }

  async start(configFile: string): Promise<StartedBuild> {
    const { config, hash } = await loadConfigOrThrow(configFile);
    return startBuild(this.client, config, hash, this.hostId);
  }

  async cleanup(): Promise<void> {
    if (this.running) await this.stopWorker();
    await this.tmux.killServer();
    await this.native?.close();
    await this.connection.close();
    // An agent killed with the server may still be writing its files (Claude Code's config) for a moment.
    await rm(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

/** Polls until `check` returns a truthy value or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
