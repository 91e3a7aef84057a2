import { statusQuery } from '../../src/workflows/definitions';
import { privateServer, useHarness } from '../helpers/harness';
import { gatePings, twoPhaseConfig, TWO_PHASE_GATE_PINGS } from '../helpers/configs';
import { steward } from '../helpers/cli';
import { formatTime } from '../../src/client/render/format';

/** A server of its own whose history limit suggests continue-as-new every few ticks. */
describe('continue-as-new', () => {
  const server = privateServer('can', { 'limit.historyCount.suggestContinueAsNew': 40 });
  const h = useHarness('can', { address: () => server.address });

  it('carries the whole state across runs: nothing repeated, nothing lost', async () => {
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    const firstRunId = (await handle.describe()).runId;
    const result = await handle.result();

    expect(result.status).toBe('completed');
    expect(result.phases.map((p) => p.id)).toEqual(['p1', 'p2']);
    const first = await h.client.workflow.getHandle(handle.workflowId, firstRunId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    const runs = [];
    for await (const run of h.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` }))
      runs.push(run.runId);
    expect(runs.length).toBeGreaterThan(2);

    const events = (await handle.query(statusQuery)).events;
    // Sequence numbers run on across runs with no gap and no repeat.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'agent_started')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'phase_completed').map((e) => e.phase)).toEqual(['p1', 'p2']);
    expect(gatePings(events)).toEqual(TWO_PHASE_GATE_PINGS);

    // The build's start is its first run's, in the result, the status view and `steward list`; the
    // result's time is the wall time from there.
    const firstStart = first.startTime.getTime();
    const lastStart = (await handle.describe()).startTime.getTime();
    expect(lastStart - firstStart).toBeGreaterThan(1_000);
    expect(Math.abs(result.startedAt! - firstStart)).toBeLessThan(1_000);
    expect(result.wallTimeMs).toBe(result.endedAt! - result.startedAt!);
    expect(result.wallTimeMs!).toBeGreaterThan(result.endedAt! - lastStart);
    expect((await handle.query(statusQuery)).startedAt).toBe(result.startedAt);
    const list = await steward(['list', '--json'], { env: { TEMPORAL_ADDRESS: server.address } });
    expect(list.code).toBe(0);
    const row = (JSON.parse(list.stdout) as { workflowId: string; startTime: string }[]).find(
      (b) => b.workflowId === handle.workflowId,
    );
    expect(row?.startTime).toBe(formatTime(result.startedAt!));
  });
});
