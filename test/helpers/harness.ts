import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { installRuntime } from '../../src/workers/runtime';
import { Tmux } from '../../src/host/tmux';
import { createWorkspace } from '../../src/client/workspace';
import { loadConfigOrThrow } from '../../src/client/load-or-exit';
import { startBuild, StartedBuild } from '../../src/client/start-build';
import { createStewardWorkers, runWorkers } from '../../src/workers/worker';
import { startDevServer, DevServer, DevServerOptions } from '../../src/client/dev-server';
import { freePort } from './free-port';

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
  private builds: StartedBuild['handle'][] = [];

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
    const started = await startBuild(this.client, config, hash, this.hostId);
    this.builds.push(started.handle);
    return started;
  }

  /** Ends what the test started: a build it left running is terminated first, so it does not outlive the test. */
  async cleanup(): Promise<void> {
    // Bounded: the test may have left its server down.
    const bounded = <T>(call: () => Promise<T>) =>
      this.connection.withDeadline(Date.now() + 10_000, call).catch(() => null);
    for (const handle of this.builds) {
      const description = await bounded(() => handle.describe());
      if (description?.status.name === 'RUNNING') await bounded(() => handle.terminate('test cleanup'));
    }
    if (this.running) await this.stopWorker();
    await this.tmux.killServer();
    await this.native?.close();
    await this.connection.close();
    // An agent killed with the server may still be writing its files (Claude Code's config) for a moment.
    await rm(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

/** Polls until `check` returns a truthy value or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface HarnessHooks {
  /** A fresh harness for each test (the default), or one for the whole describe block. */
  per?: 'test' | 'block';
  clones?: string[];
  /** The server's address, read when the harness is made (e.g. a `privateServer`'s); the shared test server's by default. */
  address?: () => string;
  /**
   * The in-process worker: for the build's own host (the default); for another host id, which then
   * serves the workflows but not the build's host; or none (`false`: the test starts it itself).
   */
  worker?: boolean | ((hostId: string) => string);
}

/**
 * Registers the hooks every integration test repeats: create a harness, start its worker, clean it
 * up. Returns a stand-in that is always the harness of the test under way (or of the block, with
 * `per: 'block'`), so tests use it like the harness itself.
 */
export function useHarness(prefix: string, opts: HarnessHooks = {}): BuildHarness {
  let current: BuildHarness | undefined;
  const [before, after] = opts.per === 'block' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    current = await BuildHarness.create(prefix, { clones: opts.clones, address: opts.address?.() });
    const { worker = true } = opts;
    if (worker) await current.startWorker(worker === true ? undefined : worker(current.hostId));
  });
  after(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return new Proxy({} as BuildHarness, {
    get(_, key) {
      if (!current) throw new Error(`no ${prefix} harness: it is made in the tests' hooks`);
      const value: unknown = Reflect.get(current, key, current);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}

/** A dev server of a describe block's own, on its own SQLite file: started before its tests, stopped after. */
export interface PrivateServer {
  readonly address: string;
  stop(): Promise<void>;
  /** Starts it again (after `stop`) on the same file and port: the workflows survive. */
  start(): Promise<void>;
}

export function privateServer(prefix: string, dynamicConfig?: DevServerOptions['dynamicConfig']): PrivateServer {
  let options: DevServerOptions | undefined;
  let server: DevServer | undefined;
  const start = async () => {
    if (!options) {
      const binary = process.env.STEWARD_TEST_TEMPORAL_BINARY;
      if (!binary) throw new Error('global setup did not provision a temporal binary');
      const dbFile = join(await mkdtemp(join(tmpdir(), `steward-${prefix}-`)), 'temporal.sqlite');
      options = { binary, dbFile, port: await freePort(), headless: true, dynamicConfig };
    }
    server = await startDevServer(options);
  };
  const stop = async () => {
    await server?.stop();
    server = undefined;
  };
  beforeAll(start);
  afterAll(stop);
  return {
    get address() {
      if (!server) throw new Error(`the ${prefix} server is not running`);
      return server.address;
    },
    stop,
    start,
  };
}
