import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { useHarness } from '../helpers/harness';
import { twoPhaseConfig } from '../helpers/configs';
import { CrashTarget } from '../helpers/crashing-worker';
import { exitOf, killHard, spawnCrashingWorker, spawnWorkerProcess } from '../helpers/worker-process';
import { sessionsRead } from '../helpers/transcripts';
import { restartUpdate, statusQuery } from '../../src/workflows/definitions';

/**
 * The worker dies right AFTER each kind of effect has happened and before Temporal hears of it —
 * a launch, an observation, a ping, a kill + reboot, a token record, an event-log write, a phase
 * kickoff — so every one of them is retried on a new worker. Nothing may happen twice: the agents'
 * own transcripts show each ping read once, each agent started once (plus the one operator
 * restart), and the logs hold each record once.
 */
describe('worker SIGKILL right after each kind of effect', () => {
  // Workflows run in-process; the build's host activities only in the crashing worker processes.
  const h = useHarness('killafter', { worker: (host) => `${host}-workflows` });

  it('every effect is done exactly once', async () => {
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    const targets: CrashTarget[] = [
      { activity: 'launchAgent', argsInclude: 'You are the builder.' },
      { activity: 'observe' },
      { activity: 'sendToAgent', argsInclude: 'claim(p1-gate)' },
      { activity: 'appendTokenLog' },
      { activity: 'appendEvents', argsInclude: 'phase_started' },
      { activity: 'sendToAgent', argsInclude: 'Write the farewell.' },
      { activity: 'sendToAgent', argsInclude: 'review(p2-gate)' },
    ];
    const report = join(h.dir, 'crash-report');
    const hits: string[] = [];
    let restart: Promise<string> | null = null;
    let done = false;
    const result = handle.result().finally(() => (done = true));
    while (targets.length && !done) {
      await rm(report, { force: true });
      const worker = spawnCrashingWorker(h.hostId, h.socket, targets, report);
      const signal = await Promise.race([exitOf(worker), result.then(() => 'build ended')]);
      if (signal === 'build ended') await killHard(worker);
      expect(signal).toBe('SIGKILL');
      const [hit] = targets.splice(Number(await readFile(report, 'utf8')), 1);
      hits.push(`${hit!.activity}${hit!.argsInclude ? ` ${hit!.argsInclude}` : ''}`);
      // Once both agents run, the operator restarts the adversary, a kill + reboot: its launch is
      // the only one that can match this target from then on.
      if (!restart && (await handle.query(statusQuery)).events.filter((e) => e.type === 'agent_started').length === 2) {
        targets.push({ activity: 'launchAgent', argsInclude: '"agent":"adversary"' });
        restart = handle.executeUpdate(restartUpdate, { args: [{ agent: 'adversary' }] });
      }
    }
    const worker = spawnWorkerProcess(h.hostId, h.socket);
    try {
      const r = await result;
      expect(hits).toHaveLength(8);
      expect(await restart).toBe('restarted adversary');
      expect(r.status).toBe('completed');
      expect(r.phases.map((p) => p.id)).toEqual(['p1', 'p2']);

      const events = (await handle.query(statusQuery)).events;
      expect(
        events
          .filter((e) => e.type === 'agent_started')
          .map((e) => e.agent)
          .sort(),
      ).toEqual(['adversary', 'builder']);
      expect(events.filter((e) => e.type === 'agent_restarted').map((e) => e.agent)).toEqual(['adversary']);
      expect(events.filter((e) => e.type === 'phase_completed').map((e) => e.phase)).toEqual(['p1', 'p2']);

      // What the agents read: the builder one session, the adversary two (its restart), and no
      // session read any line twice — a retried delivery never typed its text again.
      const sessions = await sessionsRead(h);
      const of = (agent: string) => sessions.filter((s) => s.cwd.endsWith(`/${agent}`));
      expect(of('builder')).toHaveLength(1);
      expect(of('adversary')).toHaveLength(2);
      for (const s of sessions) expect(s.prompts).toEqual([...new Set(s.prompts)]);
      const pings = sessions.flatMap((s) => s.prompts).filter((p) => /(claim|review)\(p\d-gate\)/.test(p));
      expect(pings.map((p) => /(claim|review)\(p\d-gate\)/.exec(p)![0]).sort()).toEqual([
        'claim(p1-gate)',
        'claim(p1-gate)',
        'claim(p2-gate)',
        'review(p1-gate)',
        'review(p1-gate)',
        'review(p2-gate)',
      ]);
      expect(of('builder')[0]!.prompts.filter((p) => p.includes('Write the farewell.'))).toHaveLength(1);

      // The event log: every event once, in order, however often its append was retried.
      const logged = (await readFile(join(h.dir, '.steward', h.name, 'events.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { seq: number }).seq);
      expect(logged).toEqual(logged.map((_, i) => i + 1));

      const log = await readFile(join(h.dir, '.steward', h.name, 'token-log.jsonl'), 'utf8');
      expect(
        log
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { phase_id: string }).phase_id),
      ).toEqual(['p1:p1-gate', 'p1', 'p2:p2-gate', 'p2']);
    } finally {
      await killHard(worker);
    }
  });
});
