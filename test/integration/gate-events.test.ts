import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useHarness } from '../helpers/harness';
import { twoPhaseConfig } from '../helpers/configs';
import { pushCommit } from '../helpers/inert';
import type { StewardEvent } from '../../src/core/events';
import { REVIEW_TEXT_BYTES } from '../../src/core/observe-request';
import { observe } from '../../src/activities/observe';
import { Tmux } from '../../src/host/tmux';
import { runProgram } from '../../src/host/run-program';

/** Subject → sha of every commit on the work repo's origin/main. */
async function commitsOnMain(dir: string): Promise<Map<string, string>> {
  const log = await runProgram('git', ['log', '--format=%H %s', 'main'], { cwd: join(dir, 'origin.git') });
  return new Map(
    log.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(41), line.slice(0, 40)]),
  );
}

/**
 * The demo's two phases under a real Temporal server, tmux and git: the adversary fails the first
 * claim of p1's gate, the builder fixes it and claims again, the second claim passes; p2's gate
 * passes at once. The build's event log tells that story as gate events.
 */
describe('gate events over the demo build', () => {
  const h = useHarness('gates');

  it('p1-gate: claimed, failed, claimed again, passed in round 2; p2-gate in round 1; token windows carry their figures', async () => {
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    expect((await handle.result()).status).toBe('completed');

    const events = (await readFile(join(h.dir, '.steward', h.name, 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as StewardEvent);
    const sha = await commitsOnMain(h.dir);
    const ofGate = (gate: string) => events.filter((e) => e.type.startsWith('gate_') && e.gate === gate);

    const p1 = ofGate('p1-gate');
    expect(p1.map((e) => [e.type, e.agent, e.builder, e.reviewer, e.verdict, e.attempt, e.sha, e.phase])).toEqual([
      ['gate_claimed', 'builder', 'builder', undefined, undefined, 1, sha.get('claim(p1-gate): work/p1.txt'), 'p1'],
      ['gate_reviewed', 'adversary', 'builder', 'adversary', 'fail', 1, sha.get('review(p1-gate): FAIL'), 'p1'],
      ['gate_failed', 'builder', 'builder', 'adversary', undefined, 1, sha.get('review(p1-gate): FAIL'), 'p1'],
      [
        'gate_claimed',
        'builder',
        'builder',
        undefined,
        undefined,
        2,
        sha.get('claim(p1-gate): work/p1.txt, fixed after review'),
        'p1',
      ],
      ['gate_reviewed', 'adversary', 'builder', 'adversary', 'pass', 2, sha.get('review(p1-gate): PASS'), 'p1'],
      ['gate_passed', 'builder', 'builder', undefined, undefined, 2, undefined, 'p1'],
    ]);
    expect(p1.every((e) => e.sha === undefined || /^[0-9a-f]{40}$/.test(e.sha))).toBe(true);
    // Each review is timed from its round's claim; the pass from the gate's first claim.
    const [claimed1, reviewed1, , claimed2, reviewed2, passed] = p1;
    expect(reviewed1!.durationMs).toBe(reviewed1!.at - claimed1!.at);
    expect(reviewed2!.durationMs).toBe(reviewed2!.at - claimed2!.at);
    expect(passed!.durationMs).toBe(passed!.at - claimed1!.at);
    expect(passed!.durationMs).toBeGreaterThan(reviewed2!.durationMs!);

    expect(ofGate('p2-gate').map((e) => `${e.type} ${e.verdict ?? ''}${e.attempt}`)).toEqual([
      'gate_claimed 1',
      'gate_reviewed pass1',
      'gate_passed 1',
    ]);
    // The gate events come before the phase ends: p1's pass, then its status commit ends the phase.
    const seq = (type: string, phase: string) => events.find((e) => e.type === type && e.phase === phase)!.seq;
    expect(passed!.seq).toBeLessThan(seq('phase_completed', 'p1'));

    // The token windows: each record's tokens, dollars, length and, for a gate, its label.
    const windows = events.filter((e) => e.type === 'tokens_recorded');
    expect(windows.map((e) => [e.phase, e.gate])).toEqual([
      ['p1', 'p1-gate'],
      ['p1', undefined],
      ['p2', 'p2-gate'],
      ['p2', undefined],
    ]);
    for (const w of windows) {
      expect(w.tokens!.input_tokens).toBeGreaterThan(0);
      expect(w.tokens!.output_tokens).toBeGreaterThan(0);
      expect(w.costUsd).toBeGreaterThan(0);
      expect(w.durationMs).toBeGreaterThanOrEqual(0);
      expect(Object.keys(w.byAgent!).sort()).toEqual(['adversary', 'builder']);
      const agents = Object.values(w.byAgent!);
      expect(agents.reduce((n, a) => n + a.tokens.input_tokens, 0)).toBe(w.tokens!.input_tokens);
      expect(agents.reduce((n, a) => n + a.costUsd, 0)).toBeCloseTo(w.costUsd!, 6);
    }
    // p1's gate window: the failed review, the fix, the passing review and the done marker.
    expect(windows[0]!.tokens).toEqual({
      input_tokens: 3900,
      output_tokens: 820,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
    expect(windows[0]!.costUsd).toBe(0.024);

    // Busy/idle: only changes, and the phases' durations on their events.
    const panes = events.filter((e) => e.type === 'agent_busy' || e.type === 'agent_idle');
    for (const agent of ['builder', 'adversary']) {
      const mine = panes.filter((e) => e.agent === agent).map((e) => e.type);
      expect(mine.length).toBeGreaterThan(0);
      mine.slice(1).forEach((type, i) => expect(type).not.toBe(mine[i]));
    }
    expect(events.find((e) => e.type === 'phase_completed' && e.phase === 'p1')!.durationMs).toBeGreaterThan(0);
  });

  it('observe reads each commit with its author, and a review commit with the lines it added, capped', async () => {
    await pushCommit(h, 'builder', 'claim(g1): the parser', { path: 'work/g1.txt', text: 'parser\n' });
    await pushCommit(h, 'adversary', 'review(g1): see the file', {
      path: 'reviews/g1.md',
      text: `# g1\n\nVerdict: REJECTED\n${'x'.repeat(3000)}\n`,
    });
    const supervisor = join(h.dir, 'supervisor');
    const base = (await runProgram('git', ['rev-parse', 'HEAD'], { cwd: supervisor })).stdout.trim();
    const seen = await observe(new Tmux(h.socket), {
      waitMs: 0,
      config: null,
      tokens: null,
      agents: {},
      repo: {
        dir: supervisor,
        sinceSha: base,
        fetch: true,
        statusPath: null,
        doneMarker: '## DONE',
        inboxes: [],
        reviewPattern: '^review',
      },
    });
    const commits = seen.repo!.commits;
    expect(commits.map((c) => [c.author, c.subject])).toEqual([
      ['builder', 'claim(g1): the parser'],
      ['adversary', 'review(g1): see the file'],
    ]);
    expect(commits[0]).not.toHaveProperty('reviewText');
    const text = commits[1]!.reviewText!;
    expect(text.startsWith('# g1\n\nVerdict: REJECTED\nxxx')).toBe(true);
    expect(Buffer.byteLength(text)).toBe(REVIEW_TEXT_BYTES);
  });
});
