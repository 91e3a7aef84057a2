import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStackSettings, stackDown, stackUp, stopStackServer } from '../../src/client/stack/stack';
import { stackAddress, type StackPorts, type StackSettings } from '../../src/core/stack/settings';
import { freeLowPort } from './free-port';

/**
 * The first run builds temporal-server and temporal-sql-tool with `go install` (minutes on a clean
 * machine, see docs/deployment.md); later runs find them in GOPATH/bin.
 */
const PROVISION_TIMEOUT_MS = 30 * 60_000;

/** A production stack of a describe block's own, on its own data directory and ports. */
export interface TestStack {
  readonly address: string;
  readonly settings: StackSettings;
  /** Stops the Temporal server alone, PostgreSQL and the data staying. */
  stopServer(): Promise<void>;
  /** Starts it again the way `npm run stack:up` does (each step finds its part already done). */
  startServer(): Promise<void>;
}

/** The settings file's ports, each swapped for a distinct free one (below 32768: see freeLowPort). */
async function freeStackPorts(ports: StackPorts): Promise<StackPorts> {
  const free = new Set<number>();
  while (free.size < Object.keys(ports).length) free.add(await freeLowPort());
  const swapped = [...free];
  return Object.fromEntries(Object.keys(ports).map((name, i) => [name, swapped[i]])) as unknown as StackPorts;
}

const log = (line: string): void => void process.stderr.write(`[stack] ${line}\n`);

/**
 * PostgreSQL and the Temporal server of temporal-stack.env's versions, brought up from their parts
 * by the project's own code (src/client/stack, what `npm run stack:up` runs) before the block's
 * tests and stopped after. The settings file's ports are swapped for free ones, so a stack of the
 * developer's own (`npm run stack:up`) or another test file's does not clash. When the stack cannot
 * be provisioned, the block's tests fail: they never skip.
 */
export function useStack(prefix: string): TestStack {
  let dir: string | undefined;
  let settings: StackSettings | undefined;
  const up = async () => {
    if (!dir || !settings) throw new Error(`the ${prefix} stack was not set up`);
    const result = await stackUp(dir, settings, log);
    log(`up in ${result.seconds.total}s: ${JSON.stringify(result.seconds)}`);
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `steward-${prefix}-`));
    // PostgreSQL's own user must get through to its directory inside (mkdtemp makes it 0700).
    await chmod(dir, 0o755);
    const fromFile = readStackSettings();
    settings = { ...fromFile, ports: await freeStackPorts(fromFile.ports) };
    await up();
  }, PROVISION_TIMEOUT_MS);
  afterAll(async () => {
    if (!dir) return;
    await stackDown(dir, log);
    await rm(dir, { recursive: true, force: true });
  }, 120_000);
  return {
    get address() {
      if (!settings) throw new Error(`the ${prefix} stack was not set up`);
      return stackAddress(settings);
    },
    get settings() {
      if (!settings) throw new Error(`the ${prefix} stack was not set up`);
      return settings;
    },
    stopServer: async () => {
      if (dir) await stopStackServer(dir);
    },
    startServer: up,
  };
}
