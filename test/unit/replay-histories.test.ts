/**
 * Replay safety: every history recorded under test/histories (by `npm run histories:record`, see
 * docs/versioning.md) is replayed against the current workflow code. A change to src/workflows or
 * src/core that alters which commands the workflow issues, or their order, for a run already in
 * flight fails here with a DeterminismViolationError, before it can wedge a running build.
 *
 * No server: a replay worker needs only the workflow bundle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  bundleWorkflowCode,
  DefaultLogger,
  makeTelemetryFilterString,
  ReplayResult,
  Runtime,
  Worker,
} from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import * as definitions from '../../src/workflows/definitions';
import { History, historyFromJSON } from '../helpers/history-json';
import { quietLogger } from './support/quiet-logger';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');
const HISTORIES = join(ROOT, 'test', 'histories');

/** Every *.json under test/histories, archive/ included, relative to it. */
function historyFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return walk(path);
      return name.endsWith('.json') ? [path] : [];
    });
  return walk(HISTORIES)
    .map((path) => relative(HISTORIES, path))
    .sort();
}

const FILES = historyFiles();
const histories = new Map<string, History>(
  FILES.map((f) => [f, historyFromJSON(JSON.parse(readFileSync(join(HISTORIES, f), 'utf8')))]),
);
const workflowIdOf = (file: string) => `replay/${file.replace(/\.json$/, '')}`;

async function bundle(workflowsPath: string): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath, logger: quietLogger });
}

/** Replays every recorded history against `code`: file → the replay's error, if any. */
async function replayAll(code: string): Promise<Map<string, ReplayResult['error']>> {
  const results = new Map<string, ReplayResult['error']>();
  const byId = new Map(FILES.map((f) => [workflowIdOf(f), f]));
  const inputs = FILES.map((f) => ({ workflowId: workflowIdOf(f), history: histories.get(f)! }));
  for await (const result of Worker.runReplayHistories({ workflowBundle: { code } }, inputs)) {
    results.set(byId.get(result.workflowId)!, result.error);
  }
  return results;
}

function describeFailures(results: Map<string, ReplayResult['error']>): string[] {
  return [...results].filter(([, error]) => error).map(([file, error]) => `${file}: ${error!.name}: ${error!.message}`);
}

beforeAll(() => {
  // Replaying a diverged history makes the SDK and its core log the failed workflow task; the
  // test reads the replay results instead.
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR', () => undefined),
      telemetryOptions: {
        logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) },
      },
    });
  } catch {
    // already installed in this process
  }
});

describe('recorded workflow histories', () => {
  it('are there: test/histories holds the recorded scenarios', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(8);
    for (const f of FILES) expect(histories.get(f)!.events!.length).toBeGreaterThan(10);
  });

  it('cover every signal and update the workflow defines, continue-as-new and every activity', () => {
    const defined = Object.values(definitions as Record<string, unknown>).filter(
      (d): d is { type: 'signal' | 'update'; name: string } =>
        typeof d === 'object' && d !== null && ['signal', 'update'].includes((d as { type?: string }).type ?? ''),
    );
    const events = [...histories.values()].flatMap((h) => h.events ?? []);
    const signals = new Set(events.map((e) => e.workflowExecutionSignaledEventAttributes?.signalName).filter(Boolean));
    const updates = new Set(
      events.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).filter(Boolean),
    );
    const activities = new Set(
      events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean),
    );

    // A new signal or update needs a recorded history that uses it (npm run histories:record).
    const unrecorded = (type: 'signal' | 'update', recorded: Set<unknown>) =>
      defined
        .filter((d) => d.type === type)
        .map((d) => d.name)
        .filter((n) => !recorded.has(n));
    expect(unrecorded('signal', signals)).toEqual([]);
    expect(unrecorded('update', updates)).toEqual([]);
    expect(defined.length).toBeGreaterThanOrEqual(10);
    expect(events.some((e) => e.workflowExecutionContinuedAsNewEventAttributes)).toBe(true);
    expect([...activities].sort()).toEqual(
      expect.arrayContaining([
        'appendEvents',
        'appendRetro',
        'appendTokenLog',
        'launchAgent',
        'observe',
        'sendToAgent',
        'writeReport',
      ]),
    );
  });

  it('replay against the current workflow code without nondeterminism', async () => {
    const { code } = await bundle(require.resolve('../../src/workflows'));
    const results = await replayAll(code);
    expect([...results.keys()].sort()).toEqual(FILES);
    expect(describeFailures(results)).toEqual([]);
  });

  it('fail against a workflow changed without patched(): the check can fail', async () => {
    const { code } = await bundle(require.resolve('../fixtures/workflows/diverged-build'));
    const results = await replayAll(code);
    expect([...results.keys()].sort()).toEqual(FILES);
    for (const [file, error] of results) {
      expect({ file, error: error?.constructor.name }).toEqual({ file, error: DeterminismViolationError.name });
      expect(error).toBeInstanceOf(DeterminismViolationError);
    }
    const first = results.get(FILES[0]!)!;
    expect(first.message).toMatch(/[Nn]ondetermin/);
  });

  it('replay against the same change behind patched()', async () => {
    const { code } = await bundle(require.resolve('../fixtures/workflows/patched-build'));
    expect(describeFailures(await replayAll(code))).toEqual([]);
  });
});
