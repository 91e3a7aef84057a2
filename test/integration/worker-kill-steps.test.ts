import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useHarness } from '../helpers/harness';
import { gatePings, twoPhaseConfig, TWO_PHASE_GATE_PINGS } from '../helpers/configs';
import { spawnWorkerProcess, killHard } from '../helpers/worker-process';
import { sessionsRead } from '../helpers/transcripts';
import { restartUpdate, statusQuery } from '../../src/workflows/definitions';

/**
 * The worker is SIGKILLed the moment each kind of step is scheduled — an observation, a ping, a
 * kill + reboot, a token record, the kickoff that follows a phase advance — and a new worker takes
 * over. At the end nothing is missing and nothing is doubled: pings per commit, phases, token
 * records, launches, and the lines each agent read. (worker-kill-effects kills it after the step.)
 */
describe('worker SIGKILL at each kind of step', () => {
  const h = useHarness('killsteps', { worker: false });

  it('the build completes exactly once over', async () => {
    let worker = spawnWorkerProcess(h.hostId, h.socket);
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    // Each target: an activity type, and (optionally) a word its summary must contain.
    const targets: { activity: string; summary?: string }[] = [
      { activity: 'observe' },
      { activity: 'sendToAgent', summary: 'claim' },
      // The operator's restart of the adversary (requested when this target comes up).
      { activity: 'launchAgent', summary: 'restarted adversary' },
      { activity: 'appendTokenLog' },
      { activity: 'sendToAgent', summary: 'kickoff for phase p2' },
      { activity: 'sendToAgent', summary: 'review' },
    ];
    const killed: string[] = [];
    let restart: Promise<string> | null = null;
    let seen = 0;
    let done = false;
    const result = handle.result().finally(() => (done = true));
    while (!done && targets.length) {
      if (targets[0]!.summary === 'restarted adversary')
        restart ??= handle.executeUpdate(restartUpdate, { args: [{ agent: 'adversary' }] });
      const events = (await handle.fetchHistory()).events ?? [];
      const at = events.findIndex((e, i) => {
        if (i < seen || !e.activityTaskScheduledEventAttributes) return false;
        const name = e.activityTaskScheduledEventAttributes.activityType?.name;
        const summary = e.userMetadata?.summary?.data ? Buffer.from(e.userMetadata.summary.data).toString('utf8') : '';
        return name === targets[0]!.activity && (!targets[0]!.summary || summary.includes(targets[0]!.summary));
      });
      // The next target may be scheduled in the same turn as this one (the p2 kickoff with p1's
      // token record): look on from just after the hit, so the next worker is killed at it too.
      seen = at === -1 ? events.length : at + 1;
      if (at !== -1) {
        await killHard(worker);
        killed.push(`${targets[0]!.activity}${targets[0]!.summary ? `(${targets[0]!.summary})` : ''}`);
        targets.shift();
        worker = spawnWorkerProcess(h.hostId, h.socket);
      }
      await new Promise((r) => setTimeout(r, 30));
    }
    try {
      const r = await result;
      expect(r.status).toBe('completed');
      expect(r.phases.map((p) => p.id)).toEqual(['p1', 'p2']);
      expect(killed).toHaveLength(6);
      expect(await restart).toBe('restarted adversary');

      const events = (await handle.query(statusQuery)).events;
      expect(events.filter((e) => e.type === 'agent_started')).toHaveLength(2);
      expect(events.filter((e) => e.type === 'agent_restarted').map((e) => e.agent)).toEqual(['adversary']);
      expect(events.filter((e) => e.type === 'phase_completed').map((e) => e.phase)).toEqual(['p1', 'p2']);
      expect(gatePings(events)).toEqual(TWO_PHASE_GATE_PINGS);

      // The agents' transcripts: the adversary's restart gave it a second session; no session read a line twice.
      const sessions = await sessionsRead(h);
      expect(sessions.map((x) => x.cwd.split('/').pop()).sort()).toEqual(['adversary', 'adversary', 'builder']);
      for (const x of sessions) expect(x.prompts).toEqual([...new Set(x.prompts)]);

      const log = await readFile(join(h.dir, '.steward', h.name, 'token-log.jsonl'), 'utf8');
      const ids = log
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { phase_id: string }).phase_id);
      expect(ids).toEqual(['p1:p1-gate', 'p1', 'p2:p2-gate', 'p2']);
    } finally {
      await killHard(worker);
    }
  });
});
