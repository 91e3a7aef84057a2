import { appendFile, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { useHarness } from '../helpers/harness';
import { twoPhaseConfig } from '../helpers/configs';
import { steward, stewardInBackground } from '../helpers/cli';
import { buildMetrics } from '../../src/core/metrics';
import { reportIncidents } from '../../src/core/report';
import { formatUsd, roundUsd } from '../../src/core/tokens/format';
import type { TokenRecord } from '../../src/core/state/tokens';
import { readEventLog } from '../../src/host/event-log-reader';
import { formatWallTime } from '../../src/client/render/format';

/**
 * `steward report` and the progress log of `steward events --follow` over a real two-phase build of
 * the demo's scripted agents: one gate per phase; p1's fails its first review and passes its
 * second round, p2's passes its first. The figures
 * are checked against the build's own files (events.jsonl, token-log.jsonl), not against constants
 * the report code also uses.
 */
describe('steward report over a real build', () => {
  const h = useHarness('cli-report');

  it('md to stdout, json and html to files: the figures of the build’s events; bad input is one line', async () => {
    const { handle } = await h.start(await h.writeConfig(twoPhaseConfig(h.name)));
    const follow = stewardInBackground(['events', h.name, '--follow']);
    expect((await handle.result()).status).toBe('completed');

    const stateDir = join(h.dir, '.steward', h.name);
    const eventsFile = join(stateDir, 'events.jsonl');
    const { events, skipped } = await readEventLog(eventsFile);
    expect(skipped).toBe(0);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect([count('gate_claimed'), count('gate_failed'), count('gate_passed')]).toEqual([3, 1, 2]);
    // The build's dollars: its two phase records in token-log.jsonl (a gate window is inside its phase's).
    const records = (await readFile(join(stateDir, 'token-log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TokenRecord)
      .filter((r) => !r.phase_id.includes(':'));
    expect(records.map((r) => r.phase_id)).toEqual(['p1', 'p2']);
    const costUsd = roundUsd(records.reduce((sum, r) => sum + r.cost_usd, 0));

    // json, to a file: the fold of the file's events, and what they say.
    const jsonFile = join(h.dir, 'report.json');
    const json = await steward(['report', h.name, '--format', 'json', '--out', jsonFile]);
    expect(json).toMatchObject({
      code: 0,
      stdout: '',
      errLines: [`report of build ${h.name} (json) written to ${jsonFile}`],
    });
    const report = JSON.parse(await readFile(jsonFile, 'utf8'));
    expect(report).toMatchObject({ build: h.name, incidents: reportIncidents(events) });
    expect(report.metrics).toEqual(buildMetrics(events, { now: report.generatedAt }));
    const b = report.metrics.build;
    expect(b).toMatchObject({ status: 'completed', gatesPassed: 2, costUsd, firstPassQuality: 0.5 });
    expect(b.tokens).toEqual({
      input_tokens: records.reduce((n, r) => n + r.total.input_tokens, 0),
      output_tokens: records.reduce((n, r) => n + r.total.output_tokens, 0),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
    expect(b.durationMs).toBe(
      events.find((e) => e.type === 'sequence_completed')!.at - events.find((e) => e.type === 'build_started')!.at,
    );
    expect(
      report.metrics.phases.map((p: { phase: string; gatesPassed: number; gatesFailed: number }) => [
        p.phase,
        p.gatesPassed,
        p.gatesFailed,
      ]),
    ).toEqual([
      ['p1', 1, 1],
      ['p2', 1, 0],
    ]);
    expect(report.metrics.gates.map((g: { gate: string; rounds: number }) => [g.gate, g.rounds])).toEqual([
      ['p1-gate', 2],
      ['p2-gate', 1],
    ]);

    // md, the default, to stdout; a full workflow id names the build too.
    const md = await steward(['report', `build/${h.name}`]);
    expect(md).toMatchObject({ code: 0, stderr: '' });
    expect(md.stdout).toMatch(/^# /);
    expect(md.stdout).toMatch(/^\| Status +\| completed +\|$/m);
    expect(md.stdout).toMatch(/^\| Gates passed +\| 2 of 2 +\|$/m);
    expect(md.stdout).toMatch(new RegExp(`^\\| Cost +\\| \\${formatUsd(costUsd)} +\\|$`, 'm'));

    // html: the format from the --out file's name.
    const htmlFile = join(h.dir, 'report.html');
    const html = await steward(['report', h.name, '--out', htmlFile]);
    expect(html).toMatchObject({ code: 0, errLines: [`report of build ${h.name} (html) written to ${htmlFile}`] });
    const page = await readFile(htmlFile, 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain(h.name);
    expect(page).toContain('2 of 2');
    expect(page).toContain(formatUsd(costUsd));

    // The progress log followed the build: a progress line per gate event, the summary, the result.
    const followed = await follow.done;
    expect(followed.code).toBe(0);
    const lines = followed.stdout.trim().split('\n');
    const passedAt = lines.map((l, n) => (/ #\d+ gate_passed\b/.test(l) ? n : -1)).filter((n) => n >= 0);
    expect(passedAt).toHaveLength(2);
    expect(lines[passedAt[0]! + 1]).toMatch(/^progress: phase p1 · 1 gate passed · 1 failed · [\d.]+s$/);
    expect(lines[passedAt[1]! + 1]).toMatch(/^progress: phase p2 · 1 gate passed · [\d.]+s$/);
    expect(lines.at(-2)).toBe(
      `summary: took ${formatWallTime(b.durationMs)} · cost ${formatUsd(costUsd)} · 2 gates passed · review rounds median 1, p90 2`,
    );
    expect(lines.at(-1)).toMatch(new RegExp(`^build ${h.name} completed: 2 phase\\(s\\) `));
    expect(followed.stdout).not.toContain('\x1b');

    // A broken line is skipped with a warning, never the end of the report.
    await appendFile(eventsFile, '{"seq": 99, "at": 17\n');
    const warned = await steward(['report', h.name, '--format', 'json']);
    expect(warned.code).toBe(0);
    expect(warned.errLines).toEqual([`report: warning: 1 broken line(s) in ${eventsFile} skipped`]);
    expect(JSON.parse(warned.stdout).metrics.build.gatesPassed).toBe(2);

    // No event log on this host: exit 1; an unknown build or a bad format: exit 2; one line each.
    await rename(eventsFile, `${eventsFile}.moved`);
    expect(await steward(['report', h.name])).toMatchObject({
      code: 1,
      stdout: '',
      errLines: [`steward: no event log ${eventsFile} on this host: run steward report on the agents' host`],
    });
    const unknown = await steward(['report', `${h.name}-nope`]);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.errLines).toEqual([expect.stringMatching(new RegExp(`^steward: no build named ${h.name}-nope `))]);
    const badFormat = await steward(['report', h.name, '--format', 'pdf']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.errLines).toHaveLength(1);
  });
});
