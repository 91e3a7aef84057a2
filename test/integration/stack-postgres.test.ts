/**
 * Steward on the production stack — PostgreSQL and the Temporal server of temporal-stack.env's
 * versions, run from their parts (src/client/stack, `npm run stack:up`) — instead of the dev
 * server's SQLite: a build supervised to completion, a worker SIGKILLed and a server restarted
 * mid-build (the build carries on, nothing lost or sent twice), and the search-attribute filters
 * of docs/operations.md run as written through the `temporal` CLI against PostgreSQL visibility.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { WorkflowHandle } from '@temporalio/client';
import { runProgram } from '../../src/host/run-program';
import { PhaseSearchAttribute, statusQuery } from '../../src/workflows/definitions';
import { gatePings, twoPhaseConfig, TWO_PHASE_GATE_PINGS } from '../helpers/configs';
import { buildCarriesOnThrough } from '../helpers/disruption';
import { eventually, useHarness } from '../helpers/harness';
import { useStack } from '../helpers/stack';
import { killHard, spawnWorkerProcess } from '../helpers/worker-process';

/** A build as a filter sees it. */
interface BuildFacts {
  status: 'running' | 'completed';
  phase: string;
}

/** Which of docs/operations.md's filters (by their `what` column) a build of these facts matches. */
const MATCHES: Record<string, (b: BuildFacts) => boolean> = {
  'all builds': () => true,
  'running builds': (b) => b.status === 'running',
  'paused builds': () => false,
  'builds that need a human (crash loop)': () => false,
  'one project': () => true,
  'builds in a phase': (b) => b.phase === 'p2',
  'sequence complete, still supervising': () => false,
  'stopped by an operator': () => false,
  'killed from outside Steward': () => false,
  'one build, every run': () => true,
};

/** The filter table of docs/operations.md, its example project `demo` replaced by `name`. */
function documentedFilters(name: string): { what: string; query: string }[] {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
  const lines = doc.slice(doc.indexOf('| what | filter |')).split('\n');
  const rows = lines.slice(
    2,
    lines.findIndex((line) => !line.startsWith('|')),
  );
  return rows.map((row) => {
    const [, what = '', query = ''] = /^\| ([^|]+) \| `([^`]+)` \|$/.exec(row) ?? [];
    return { what: what.trim(), query: query.replace(/demo/g, name) };
  });
}

describe('Steward on the production stack (PostgreSQL, the Temporal server from its parts)', () => {
  const stack = useStack('stack');

  /** Every documented filter, through `temporal workflow list`: does it list the build? */
  async function filtersListing(workflowId: string, name: string): Promise<Record<string, boolean>> {
    const binary = process.env.STEWARD_TEST_TEMPORAL_BINARY;
    if (!binary) throw new Error('no temporal binary: global setup did not run');
    const verdicts: Record<string, boolean> = {};
    for (const { what, query } of documentedFilters(name)) {
      const args = ['workflow', 'list', '--query', query, '--address', stack.address, '--output', 'json'];
      const r = await runProgram(binary, args, { timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`temporal workflow list --query "${query}" failed: ${r.stderr}`);
      verdicts[what] = r.stdout.includes(`"${workflowId}"`);
    }
    return verdicts;
  }

  /** Waits until every documented filter lists the build exactly when it should (visibility lags a little). */
  async function expectFiltersToFind(handle: WorkflowHandle, name: string, facts: BuildFacts): Promise<void> {
    const expected = Object.fromEntries(documentedFilters(name).map(({ what }) => [what, MATCHES[what]?.(facts)]));
    expect(Object.keys(expected).sort()).toEqual(Object.keys(MATCHES).sort());
    let seen: Record<string, boolean> = {};
    await eventually(
      async () => {
        seen = await filtersListing(handle.workflowId, name);
        return JSON.stringify(seen) === JSON.stringify(expected);
      },
      20_000,
      'the documented filters',
    ).catch(() => expect(seen).toEqual(expected));
  }

  describe('a build supervised to completion', () => {
    const h = useHarness('stack-skeleton', { address: () => stack.address });

    it('advances p1 → p2 and completes; the documented filters find it by its search attributes', async () => {
      const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
      const result = await handle.result();
      expect(result.status).toBe('completed');
      expect(result.phases.map((p) => p.id)).toEqual(['p1', 'p2']);
      expect(gatePings((await handle.query(statusQuery)).events)).toEqual(TWO_PHASE_GATE_PINGS);
      expect((await handle.describe()).typedSearchAttributes.get(PhaseSearchAttribute)).toBe('complete');
      await expectFiltersToFind(handle, h.name, { status: 'completed', phase: 'complete' });
    });
  });

  describe('a worker SIGKILLed mid-build', () => {
    const h = useHarness('stack-kill', { address: () => stack.address, worker: false });

    it('is replaced, and the build carries on', async () => {
      let worker: ChildProcess = spawnWorkerProcess(h.hostId, h.socket, stack.address);
      try {
        await buildCarriesOnThrough(h, {
          down: () => killHard(worker),
          up: async () => {
            worker = spawnWorkerProcess(h.hostId, h.socket, stack.address);
          },
        });
      } finally {
        await killHard(worker);
      }
    });
  });

  describe('the Temporal server restarted mid-build', () => {
    const h = useHarness('stack-restart', { address: () => stack.address });

    it('comes back on the same PostgreSQL data; the build carries on, still listed by the filters', async () => {
      await buildCarriesOnThrough(h, { down: stack.stopServer, up: stack.startServer }, (handle) =>
        expectFiltersToFind(handle, h.name, { status: 'running', phase: 'p1' }),
      );
    });
  });
});
