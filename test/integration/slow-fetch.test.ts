import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { eventually, useHarness } from '../helpers/harness';
import { inertPairConfig, inertScript, pushCommit } from '../helpers/inert';
import { runProgram } from '../../src/host/run-program';
import { statusQuery } from '../../src/workflows/definitions';
import { HEARTBEAT_TIMEOUT_MS } from '../../src/core/heartbeat';

/** How long each fetch waits while the remote is slow: several heartbeat timeouts. */
const SLOW_MS = 12_000;

interface ObserveRun {
  attempt: number;
  tookMs: number;
}

/** Every `observe` the history holds with its last attempt, and how long that attempt ran. */
async function observeRuns(handle: WorkflowHandle): Promise<{ runs: ObserveRun[]; timedOut: number }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);
  const observes = new Set<string>();
  const started = new Map<string, { attempt: number; at: number }>();
  const runs: ObserveRun[] = [];
  let timedOut = 0;
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'observe') observes.add(String(e.eventId));
    const s = e.activityTaskStartedEventAttributes;
    if (s && observes.has(String(s.scheduledEventId)))
      started.set(String(e.eventId), { attempt: s.attempt ?? 0, at: ms(e.eventTime) });
    const done = e.activityTaskCompletedEventAttributes;
    const run = done && started.get(String(done.startedEventId));
    if (run) runs.push({ attempt: run.attempt, tookMs: ms(e.eventTime) - run.at });
    if (e.activityTaskTimedOutEventAttributes) timedOut++;
  }
  return { runs, timedOut };
}

describe('a slow git remote', () => {
  const h = useHarness('slowfetch');

  it(`a ${SLOW_MS / 1000} s git fetch inside observe is not taken for a dead worker: no retry, and the tick completes after it`, async () => {
    // The supervisor's clone reaches origin through an upload-pack that sleeps while `slow` exists.
    const slow = join(h.dir, 'slow');
    const wrapper = join(h.dir, 'slow-upload-pack');
    await writeFile(
      wrapper,
      `#!/bin/sh\nif [ -e '${slow}' ]; then sleep ${SLOW_MS / 1000}; fi\nexec git upload-pack "$@"\n`,
    );
    await chmod(wrapper, 0o755);
    const set = await runProgram('git', ['config', 'remote.origin.uploadpack', wrapper], {
      cwd: join(h.dir, 'supervisor'),
    });
    expect(set.code).toBe(0);

    const config = inertPairConfig(h.name, await inertScript(h), 'signal_interval = 0.5');
    const { handle } = await h.start(await h.writeConfig(config));
    const baseline = await eventually(
      async () => (await handle.query(statusQuery)).handoff.lastSha,
      30_000,
      'baseline sha',
    );

    // From now on every fetch takes SLOW_MS; a commit lands that only a fetch can show.
    await writeFile(slow, '');
    await pushCommit(h, 'builder', 'work: pushed while the remote is slow');
    const head = (await runProgram('git', ['rev-parse', 'HEAD'], { cwd: join(h.dir, 'builder') })).stdout.trim();
    expect(head).not.toBe(baseline);

    // While the fetch hangs, the observe under way stays on its first attempt, with no failure.
    const retried: unknown[] = [];
    const seen = await eventually(
      async () => {
        const pending = (await handle.describe()).raw.pendingActivities ?? [];
        retried.push(...pending.filter((a) => (a.attempt ?? 1) !== 1 || a.lastFailure));
        const view = await handle.query(statusQuery);
        return view.handoff.lastSha === head ? view : null;
      },
      SLOW_MS + 20_000,
      'the commit seen through the slow fetch',
    );
    await rm(slow);
    expect(retried).toEqual([]);

    // The tick that saw it waited out the fetch, heartbeating: one attempt, well past the timeout.
    const { runs, timedOut } = await observeRuns(handle);
    expect(timedOut).toBe(0);
    expect(runs.filter((r) => r.attempt !== 1)).toEqual([]);
    expect(Math.max(...runs.map((r) => r.tookMs))).toBeGreaterThan(SLOW_MS - 1_000);
    expect(SLOW_MS).toBeGreaterThan(3 * HEARTBEAT_TIMEOUT_MS);
    expect(seen.events.filter((e) => e.type === 'git_fetch_failed')).toEqual([]);
    expect(seen.status).toBe('running');
  }, 60_000);
});
