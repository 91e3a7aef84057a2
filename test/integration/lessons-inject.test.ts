import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useHarness } from '../helpers/harness';
import { twoPhaseConfig } from '../helpers/configs';
import { paneText } from '../helpers/supervision';
import { readEventLog } from '../../src/host/event-log-reader';
import { projectSlug } from '../../src/agent/transcript-writer';

const P1_LESSON = 'Check the greeting ends with a newline';
const P2_LESSON = 'Keep the farewell to one line';
const ADVERSARY_LESSON = 'Read the whole diff first';

/** The lessons file as an operator writes it: one lesson per phase for the builder, one for the adversary, one retired. */
const LESSONS = `
[[lesson]]
id = "L1"
status = "accepted"
category = "pitfall"
importance = 8
headline = "${P1_LESSON}"
explanation = "The p1 review fails without it."
phases = ["p1"]
roles = ["builder"]
created = 2026-11-01T00:00:00Z

[[lesson]]
id = "L2"
status = "accepted"
category = "pattern"
importance = 5
headline = "${P2_LESSON}"
phases = ["p2"]
roles = ["builder"]
created = 2026-11-01T00:00:00Z

[[lesson]]
id = "L3"
status = "retired"
category = "process"
importance = 9
headline = "${ADVERSARY_LESSON}"
roles = ["adversary"]
created = 2026-11-01T00:00:00Z
`;

/** Every line the agent was given, from the scripted agent's transcripts (one user record a line). */
async function promptLines(stateDir: string, cwd: string): Promise<string[]> {
  const dir = join(stateDir, 'transcripts', projectSlug(cwd));
  const lines: string[] = [];
  for (const file of await readdir(dir)) {
    for (const record of (await readFile(join(dir, file), 'utf8')).split('\n').filter(Boolean)) {
      const parsed = JSON.parse(record) as { type: string; message: { content: unknown } };
      if (parsed.type === 'user' && typeof parsed.message.content === 'string') lines.push(parsed.message.content);
    }
  }
  return lines;
}

const count = (lines: readonly string[], text: string) => lines.filter((l) => l.includes(text)).length;

/**
 * `[learning] inject = true`: the builder's launch kickoff carries its p1 lesson and its p2 phase
 * kickoff its p2 lesson, each once, under "Lessons from earlier builds:"; the adversary's carry
 * none (its only lesson is retired); each injection is a `lessons_injected` event.
 */
describe('lessons fed back into kickoffs', () => {
  const h = useHarness('lessons-inject');

  it('the builder reads each of its lessons once, in the kickoff of its phase, and the build records it', async () => {
    await writeFile(join(h.dir, 'lessons.toml'), LESSONS);
    const config = await h.writeConfig(
      twoPhaseConfig(h.name, '\n[learning]\ninject = true\nlessons_file = "lessons.toml"\n'),
    );
    const { handle } = await h.start(config);
    expect((await handle.result()).status).toBe('completed');

    const stateDir = join(h.dir, '.steward', h.name);
    const builder = await promptLines(stateDir, join(h.dir, 'builder'));
    expect(count(builder, P1_LESSON)).toBe(1);
    expect(count(builder, P2_LESSON)).toBe(1);
    expect(count(builder, 'Lessons from earlier builds:')).toBe(2);
    // Each lesson comes after the kickoff of its own phase, before the next phase's.
    const at = (text: string) => builder.findIndex((l) => l.includes(text));
    expect(at('Phase p1 begins')).toBeLessThan(at(P1_LESSON));
    expect(at(P1_LESSON)).toBeLessThan(at('Phase p2 begins'));
    expect(at('Phase p2 begins')).toBeLessThan(at(P2_LESSON));
    expect(builder[at(P1_LESSON)]).toBe(`- ${P1_LESSON}: The p1 review fails without it.`);

    // On screen too (the scripted agent draws over the last echoed line as it works: its transcript is the record).
    expect((await paneText(h, 'builder')).split('Lessons from earlier builds:')).toHaveLength(3);

    const adversary = await promptLines(stateDir, join(h.dir, 'adversary'));
    expect(count(adversary, 'Lessons from earlier builds:')).toBe(0);
    expect(count(adversary, ADVERSARY_LESSON)).toBe(0);

    const { events } = await readEventLog(join(stateDir, 'events.jsonl'));
    expect(events.filter((e) => e.type === 'lessons_injected').map((e) => [e.agent, e.phase, e.message])).toEqual([
      ['builder', 'p1', '1 lesson in the kickoff: L1'],
      ['builder', 'p2', '1 lesson in the kickoff: L2'],
    ]);
    expect(events.filter((e) => e.type === 'action_failed')).toEqual([]);
  });
});
