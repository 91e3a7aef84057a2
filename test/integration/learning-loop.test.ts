/**
 * The learning loop end to end, on a real server, tmux, git and the `steward` binary: a first
 * demo build whose p1 gate fails review twice leaves its retro records; `steward retro` names the
 * gate that failed twice and proposes a lesson; the lesson, accepted with `steward lessons accept`,
 * is in the second build's launch kickoff exactly once; and the scheduled retro (a Temporal
 * Schedule) writes insights.json.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEventLog } from '../../src/host/event-log-reader';
import { readRetroStore } from '../../src/host/retro-store';
import { steward } from '../helpers/cli';
import { agentTable, buildHeader, DEMO_LOOP, DEMO_PATTERNS, scriptedAgentBackend } from '../helpers/configs';
import { BuildHarness, eventually, useHarness } from '../helpers/harness';
import { sessionsRead } from '../helpers/transcripts';

/** Where the test leaves what docs/learning.md quotes: the retro's text, the insights, the lessons file. */
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output', 'learning');

/** The demo builder, re-claiming after each of two failed reviews (a fail, then a "fail again"). */
const BUILDER = `
[[on]]
match = "Phase (?<phase>[A-Za-z0-9_-]+) begins"
once = "{phase}"
do = [{ pull = true }, { write = "work/{phase}.txt", text = "built in {phase}\\n" }, { commit = "claim({phase}-gate): work/{phase}.txt" }, { push = true }]

[[on]]
match = "review\\\\((?<gate>[A-Za-z0-9_-]+)\\\\): FAIL(?! again)"
once = "{gate}"
do = [{ pull = true }, { append = "work/{phase}.txt", text = "fixed\\n" }, { commit = "claim({gate}): work/{phase}.txt, fixed after review" }, { push = true }]

[[on]]
match = "review\\\\((?<gate>[A-Za-z0-9_-]+)\\\\): FAIL again"
once = "{gate}"
do = [{ pull = true }, { append = "work/{phase}.txt", text = "fixed again\\n" }, { commit = "claim({gate}): work/{phase}.txt, fixed twice after review" }, { push = true }]

[[on]]
match = "review\\\\((?<gate>[A-Za-z0-9_-]+)\\\\): PASS"
once = "{gate}"
do = [{ pull = true }, { write = ".steward-state/STATUS-{phase}.md", text = "# Phase {phase}\\n\\n## DONE\\n" }, { commit = "status({phase}): done" }, { push = true }]
`;

/** The adversary: p1's first claim fails, its first fix fails again, its second fix and p2 pass. */
const ADVERSARY = `
[[on]]
match = "claim\\\\((?<gate>p1-gate)\\\\): work/p1\\\\.txt\\""
once = "{gate}"
do = [{ pull = true }, { commit = "review({gate}): FAIL" }, { push = true }]

[[on]]
match = "claim\\\\((?<gate>p1-gate)\\\\): work/p1\\\\.txt, fixed after review\\""
once = "{gate}"
do = [{ pull = true }, { commit = "review({gate}): FAIL again" }, { push = true }]

[[on]]
match = "claim\\\\((?<gate>p1-gate)\\\\): work/p1\\\\.txt, fixed twice after review\\""
once = "{gate}"
do = [{ pull = true }, { commit = "review({gate}): PASS" }, { push = true }]

[[on]]
match = "claim\\\\((?<gate>p2-gate)\\\\)"
once = "{gate}"
do = [{ pull = true }, { commit = "review({gate}): PASS" }, { push = true }]
`;

/** A build of the two scripted agents, sharing the project's retro store and lessons file. */
async function writeBuild(h: BuildHarness, shared: string): Promise<string> {
  await writeFile(join(h.dir, 'builder.script.toml'), BUILDER);
  await writeFile(join(h.dir, 'adversary.script.toml'), ADVERSARY);
  return h.writeConfig(`${buildHeader(h.name, 'signal_interval = 0.2\nheavy_interval = 1\nstall_grace = "1m"\nstall_idle = "10m"')}
${scriptedAgentBackend('scripted-builder', join(h.dir, 'builder.script.toml'), DEMO_PATTERNS)}
${scriptedAgentBackend('scripted-adversary', join(h.dir, 'adversary.script.toml'), DEMO_PATTERNS)}
${agentTable({ name: 'builder', backend: 'scripted-builder', cwd: 'builder', kickoff: 'You are the builder.' })}
${agentTable({ name: 'adversary', backend: 'scripted-adversary', cwd: 'adversary', kickoff: 'You are the adversary.' })}
${DEMO_LOOP}
[learning]
retro_dir = "${shared}/retro"
lessons_file = "${shared}/lessons.toml"
inject = true
[learning.thresholds]
min_samples = 1
`);
}

describe('the learning loop', () => {
  const h = useHarness('learning');
  let shared: string;
  let second: BuildHarness | undefined;
  let scheduleConfig: string | undefined;

  beforeEach(async () => {
    shared = await mkdtemp(join(tmpdir(), 'steward-learning-'));
  });

  afterEach(async () => {
    if (scheduleConfig) await steward(['retro', 'schedule', '--config', scheduleConfig, '--delete']);
    await second?.cleanup();
    await rm(shared, { recursive: true, force: true });
  });

  it('a gate failed twice is named, its lesson reaches the next build once, the schedule writes insights', async () => {
    // Build 1: p1's gate fails review twice, then passes.
    const first = await writeBuild(h, shared);
    const { handle } = await h.start(first);
    expect((await handle.result()).status).toBe('completed');
    const { records } = await readRetroStore(join(shared, 'retro'));
    const p1Gate = records.find((r) => r.kind === 'gate' && r.gate === 'p1-gate');
    expect(p1Gate).toMatchObject({ rounds: 3, outcome: 'passed', firstPass: false });

    // `steward retro` names it, and proposes a lesson from it.
    const retro = await steward(['retro', '--config', first]);
    expect(retro.code).toBe(0);
    await mkdir(OUTPUT_DIR, { recursive: true });
    await writeFile(
      join(OUTPUT_DIR, 'retro.txt'),
      `$ steward retro --config agents.toml\n${retro.stdout}${retro.stderr}`,
    );
    expect(retro.stdout).toMatch(/repeat-failure/);
    expect(retro.stdout).toMatch(/p1-gate|p\*-gate/);
    expect(retro.stdout).toMatch(/failed review 2 times|2 fail/);
    const proposedLine = retro.errLines.find((l) => /lesson\(s\) proposed/.test(l));
    expect(proposedLine).toBeDefined();
    const listed = await steward(['lessons', 'list', '--config', first, '--json']);
    const lessons = JSON.parse(listed.stdout) as {
      id: string;
      status: string;
      headline: string;
      source: { rule?: string };
    }[];
    const lesson = lessons.find((l) => l.source.rule === 'repeat-failure');
    expect(lesson?.status).toBe('proposed');

    // Accepted after the first build…
    expect((await steward(['lessons', 'accept', lesson!.id, '--config', first])).code).toBe(0);

    // …it is in the second build's launch kickoff, exactly once.
    second = await BuildHarness.create('learning2');
    await second.startWorker();
    const secondBuild = await second.start(await writeBuild(second, shared));
    expect((await secondBuild.handle.result()).status).toBe('completed');
    const builder = (await sessionsRead(second)).find((s) => s.cwd.endsWith('/builder'))!;
    const headlineLines = builder.prompts.filter((p) => p.includes(lesson!.headline));
    expect(headlineLines.length).toBeGreaterThanOrEqual(1);
    const kickoffEnd = builder.prompts.findIndex((p) => p.includes('Phase p2 begins'));
    expect(builder.prompts.slice(0, kickoffEnd).filter((p) => p.includes(lesson!.headline))).toHaveLength(1);
    const { events } = await readEventLog(join(second.dir, '.steward', second.name, 'events.jsonl'));
    expect(
      events.filter((e) => e.type === 'lessons_injected' && e.agent === 'builder' && e.phase === 'p1'),
    ).toHaveLength(1);
    // The first build, before the lesson, carried none.
    const before = (await sessionsRead(h)).find((s) => s.cwd.endsWith('/builder'))!;
    expect(before.prompts.filter((p) => p.includes(lesson!.headline))).toEqual([]);

    // The scheduled retro: a Temporal Schedule whose run writes insights.json on the config's host.
    scheduleConfig = first;
    const insightsFile = join(shared, 'retro', 'insights.json');
    expect(existsSync(insightsFile)).toBe(false);
    const scheduled = await steward([
      'retro',
      'schedule',
      '--config',
      first,
      '--every',
      '1h',
      '--host',
      h.hostId,
      '--run-now',
    ]);
    expect(scheduled.stderr).toBe('');
    expect(scheduled.code).toBe(0);
    expect(scheduled.stdout).toContain(`schedule retro/${h.name} created`);
    await eventually(async () => existsSync(insightsFile), 60_000, 'insights.json from the scheduled run');
    const insights = JSON.parse(await readFile(insightsFile, 'utf8')) as {
      records: { builds: number };
      recommendations: { rule: string }[];
    };
    expect(insights.records.builds).toBe(2);
    await writeFile(join(OUTPUT_DIR, 'insights.json'), JSON.stringify(insights, null, 2));
    await writeFile(join(OUTPUT_DIR, 'lessons.toml'), await readFile(join(shared, 'lessons.toml'), 'utf8'));
    expect(insights.recommendations.map((r) => r.rule)).toContain('repeat-failure');
  });
});
