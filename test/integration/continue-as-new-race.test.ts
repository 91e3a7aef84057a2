import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hookSignal, nudgeUpdate, statusQuery, stopSignal } from '../../src/workflows/definitions';
import { eventually, privateServer, useHarness } from '../helpers/harness';
import { INERT_SCRIPT } from '../helpers/cli';
import { CONTINUE_AS_NEW_HISTORY_COUNT, scenarioConfig } from '../helpers/history-scenarios';

const within = <T>(ms: number, p: Promise<T>, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms)),
  ]);

/**
 * Continue-as-new while operator commands and signals keep arriving. Commands that arrive while a
 * tick runs its activities wait in the workflow's inbox for the next tick; continuing as new then
 * would drop them (the inbox is not carried), and an update among them would never be answered:
 * the run would wait for all handlers to finish while the handler waits for the loop.
 */
describe('continue-as-new under a stream of updates and signals', () => {
  const server = privateServer('can-race', {
    'limit.historyCount.suggestContinueAsNew': CONTINUE_AS_NEW_HISTORY_COUNT,
  });
  // A wedged run would keep the test's pending updates retrying past cleanup: the harness ends it first.
  const h = useHarness('can-race', { address: () => server.address });

  it('answers every update, loses no signal, continues as new, and still stops', async () => {
    const script = join(h.dir, 'inert.toml');
    await writeFile(script, INERT_SCRIPT);
    const started = await h.start(await h.writeConfig(scenarioConfig(h.name, script, 'signal_interval = "0.5s"')));
    const build = started.handle;
    await eventually(
      async () => Object.values((await build.query(statusQuery)).agents).every((a) => a.alive),
      30_000,
      'agents alive',
    );

    const NUDGES = 30;
    const answers: Promise<string>[] = [];
    for (let i = 0; i < NUDGES; i++) {
      const answer = build.executeUpdate(nudgeUpdate, { args: [{ agent: 'builder', message: `operator says ${i}` }] });
      answers.push(within(30_000, answer, `nudge ${i}`).catch((err: Error) => err.message));
      await build.signal(hookSignal, { agent: 'ghost', kind: 'stop', at: Date.now(), message: `hook ${i}` });
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(await Promise.all(answers)).toEqual(Array(NUDGES).fill('nudged builder'));

    // Every hook signal was handled (each from an unknown agent becomes one action_failed event).
    await eventually(
      async () => {
        const events = (await build.query(statusQuery)).events;
        return events.filter((e) => e.type === 'action_failed' && e.agent === 'ghost').length === NUDGES;
      },
      30_000,
      `${NUDGES} hook signals handled`,
    );
    const events = (await build.query(statusQuery)).events;
    expect(events.filter((e) => e.type === 'agent_nudged' && e.agent === 'builder')).toHaveLength(NUDGES);

    const runs: string[] = [];
    for await (const run of h.client.workflow.list({ query: `WorkflowId = '${build.workflowId}'` }))
      runs.push(run.status.name);
    expect(runs.length).toBeGreaterThan(1);

    await build.signal(stopSignal, 'test over');
    expect((await within(30_000, build.result(), 'stop')).status).toBe('stopped');
  });
});
