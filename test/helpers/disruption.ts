import type { WorkflowHandle } from '@temporalio/client';
import { statusQuery } from '../../src/workflows/definitions';
import { BuildHarness, eventually } from './harness';
import { inertPairConfig, inertScript, pushCommit, untilPing } from './inert';

/** Something a build must live through: taken down, then brought back (a server, a worker). */
export interface Disruption {
  down(): Promise<void>;
  up(): Promise<void>;
}

/**
 * An inert build (the test plays the agents in git) through a disruption: a claim pinged before
 * it, one pushed while it lasts; after it, both are pinged exactly once, the build finishes both
 * phases, and the agents were never launched again. `whileRunning` runs once the build is back.
 */
export async function buildCarriesOnThrough(
  h: BuildHarness,
  disruption: Disruption,
  whileRunning?: (handle: WorkflowHandle) => Promise<void>,
): Promise<void> {
  const { handle } = await h.start(await h.writeConfig(inertPairConfig(h.name, await inertScript(h))));
  await eventually(async () => (await handle.query(statusQuery)).handoff.lastSha, 30_000, 'baseline sha');
  await pushCommit(h, 'builder', 'claim(p1-gate): before the disruption');
  await untilPing(handle, 'claim(p1-gate)', 30_000, 'first ping');

  await disruption.down();
  await pushCommit(h, 'builder', 'claim(p1-more): while it lasts');
  await disruption.up();

  await untilPing(handle, 'claim(p1-more)', 60_000, 'ping after the disruption');
  await whileRunning?.(handle);
  await pushCommit(h, 'builder', 'status(p1): done', { path: '.steward-state/STATUS-p1.md', text: '## DONE\n' });
  await pushCommit(h, 'builder', 'status(p2): done', { path: '.steward-state/STATUS-p2.md', text: '## DONE\n' });
  const result = await handle.result();
  expect(result.phases.map((p) => p.id)).toEqual(['p1', 'p2']);
  const events = (await handle.query(statusQuery)).events;
  const claims = events.filter((e) => e.type === 'ping_sent' && e.message.startsWith('claim'));
  expect(claims.map((e) => e.message.split(' (')[0])).toEqual([
    'claim claim(p1-gate): before the disruption',
    'claim claim(p1-more): while it lasts',
  ]);
  expect(events.filter((e) => e.type === 'agent_started')).toHaveLength(2);
}
