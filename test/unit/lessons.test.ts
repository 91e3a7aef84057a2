import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  checkLesson,
  kickoffWithLessons,
  LESSONS_INTRO,
  lessonsBlock,
  lessonsText,
  MAX_LESSONS_TEXT_BYTES,
  parseLessonsText,
  proposeLessons,
  renderLessonsToml,
} from '../../src/core/learning/lessons';
import type { Recommendation } from '../../src/core/learning/types';
import { lesson, LESSONS_T0 } from './support/lessons';
import { utf8Bytes } from '../../src/core/config/limits';
import { LessonsFileError, readLessonsFile, writeLessonsFile } from '../../src/host/lessons-file';

const T0 = LESSONS_T0;

function rec(fields: Partial<Recommendation>): Recommendation {
  return {
    rule: 'type-failure-rate',
    severity: 'high',
    category: 'failure',
    finding: 'p1 gates failed review 4 times in 6.',
    recommendation: 'Split p1 gates into smaller claims.',
    figures: {},
    ...fields,
  };
}

describe('the lessons file text', () => {
  it('renders [[lesson]] tables that parse back to the same lessons', () => {
    const lessons = [
      lesson('L1', {
        applies: { phases: ['p1'], gates: ['p1-gate'], roles: ['builder'] },
        source: { rule: 'r', phase: 'p1' },
      }),
      lesson('L2', { status: 'proposed', category: 'process', importance: 2, explanation: 'Two lines:\nsecond.' }),
    ];
    const text = renderLessonsToml(lessons);
    expect(text).toMatch(/^# Lessons from earlier builds/);
    expect(text).toContain('[[lesson]]\nid = "L1"\nstatus = "accepted"\ncategory = "pitfall"\nimportance = 5\n');
    expect(text).toContain('created = 2026-11-01T00:00:00.000Z');
    expect(text).toContain('[lesson.source]\nrule = "r"\nphase = "p1"');
    expect(parseLessonsText(text)).toEqual({ ok: true, lessons });
    expect(parseLessonsText(renderLessonsToml([]))).toEqual({ ok: true, lessons: [] });
  });

  it('names every problem by line and TOML path: bad values, unknown keys, duplicate ids, broken TOML', () => {
    const text = `
[[lesson]]
id = "L1"
status = "acepted"
category = "pitfall"
importance = 11
headline = "fine"
created = 2026-11-01T00:00:00Z
role = ["builder"]

[[lesson]]
id = "L1"
status = "accepted"
category = "pattern"
importance = 3
headline = "fine too"
created = 2026-11-01T00:00:00Z
`;
    const parsed = parseLessonsText(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((i) => `${i.line}: ${i.path}: ${i.message}`)).toEqual([
      '4: lesson[0].status: expected one of "proposed", "accepted", "retired", got "acepted"',
      '6: lesson[0].importance: must be at most 10',
      '9: lesson[0].role: unknown key `role` (did you mean `roles`?)',
    ]);
    const fixed = parseLessonsText(
      text.replace('"acepted"', '"accepted"').replace('11', '1').replace('role =', 'roles ='),
    );
    expect(!fixed.ok && fixed.issues.map((i) => `${i.line}: ${i.path}: ${i.message}`)).toEqual([
      '12: lesson[1].id: duplicate lesson id `L1` (also lesson[0])',
    ]);
    const broken = parseLessonsText('[[lesson]\n');
    expect(!broken.ok && broken.issues[0]).toMatchObject({ path: '', line: 1 });
    expect(!broken.ok && broken.issues[0]!.message).toMatch(/^not valid TOML at line 1/);
  });

  it('refuses a headline with a line break or control character, and blank tags', () => {
    expect(checkLesson(lesson('L1', { headline: 'one\ntwo' }))).toEqual([
      { path: 'headline', message: 'must be one line, without control characters' },
    ]);
    expect(checkLesson(lesson('L1', { explanation: 'esc \x1b[2J' })).map((i) => i.path)).toEqual(['explanation']);
    expect(checkLesson(lesson('L1', { applies: { phases: [' '], gates: [], roles: [] } })).map((i) => i.path)).toEqual([
      'phases[0]',
    ]);
    expect(checkLesson(lesson('bad id!'))).toHaveLength(1);
    expect(checkLesson(lesson('L1'))).toEqual([]);
  });
});

describe('the lessons file on disk', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'steward-lessons-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing file holds no lessons; a written one reads back, and no temp file is left', async () => {
    const file = path.join(dir, 'sub', 'lessons.toml');
    expect(await readLessonsFile(file)).toEqual([]);
    await writeLessonsFile(file, [lesson('L1')]);
    expect(await readLessonsFile(file)).toEqual([lesson('L1')]);
    await writeLessonsFile(file, [lesson('L1'), lesson('L2')]);
    expect((await readLessonsFile(file)).map((l) => l.id)).toEqual(['L1', 'L2']);
    expect(readdirSync(path.dirname(file))).toEqual(['lessons.toml']);
    expect(await readFile(file, 'utf8')).toContain('id = "L2"');
  });

  it('a broken file is a LessonsFileError naming the file, the line and the path', async () => {
    const file = path.join(dir, 'lessons.toml');
    writeFileSync(file, '[[lesson]]\nid = "L1"\nimportance = "high"\n');
    const error = await readLessonsFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LessonsFileError);
    expect((error as Error).message).toContain(`${file}:3: lesson[0].importance: expected a number, got "high"`);
    await expect(readLessonsFile(dir)).rejects.toThrow(`${dir}: is a directory, not a lessons file`);
  });
});

describe('proposeLessons', () => {
  it('one lesson per rule and subject: category, importance and tags from the recommendation', () => {
    const recs = [
      rec({ subject: { phase: 'p1', gate: 'p1-gate' } }),
      rec({ subject: { phase: 'p1', gate: 'p1-gate' }, finding: 'the same again' }),
      rec({ rule: 'reviewer-rejection', category: 'review', severity: 'medium', subject: { agent: 'adversary' } }),
      rec({ rule: 'cost-outlier', category: 'cost', severity: 'low', subject: { agent: 'builder', model: 'opus' } }),
      rec({ rule: 'falling-velocity', category: 'trend', severity: 'info' }),
      rec({ rule: 'stall-idle', category: 'config', severity: 'low' }),
      rec({ rule: 'crash-loops', category: 'reliability', severity: 'high' }),
      rec({ rule: 'limits', category: 'rate_limit', severity: 'medium' }),
      rec({ rule: 'host', category: 'health', severity: 'low' }),
      rec({ rule: 'slow', category: 'duration', severity: 'low' }),
    ];
    const proposed = proposeLessons(recs, [], T0, { build: 'demo' });
    expect(proposed.map((l) => [l.id, l.category, l.importance, l.status])).toEqual([
      ['L1', 'pitfall', 8, 'proposed'],
      ['L2', 'pitfall', 6, 'proposed'],
      ['L3', 'optimisation', 4, 'proposed'],
      ['L4', 'process', 2, 'proposed'],
      ['L5', 'optimisation', 4, 'proposed'],
      ['L6', 'pitfall', 8, 'proposed'],
      ['L7', 'optimisation', 6, 'proposed'],
      // the `health` finding (nothing wrong) teaches nothing
      ['L8', 'optimisation', 4, 'proposed'],
    ]);
    expect(proposed[0]).toEqual({
      id: 'L1',
      category: 'pitfall',
      headline: 'Split p1 gates into smaller claims.',
      explanation: 'p1 gates failed review 4 times in 6.',
      applies: { phases: ['p1'], gates: ['p1-gate'], roles: [] },
      source: { build: 'demo', rule: 'type-failure-rate', phase: 'p1', gate: 'p1-gate' },
      importance: 8,
      createdAt: T0,
      status: 'proposed',
    });
    expect(proposed[2]!.applies).toEqual({ phases: [], gates: [], roles: ['builder'] });
    expect(proposed[2]!.source).toMatchObject({ agent: 'builder', model: 'opus' });
    expect(proposed.every((l) => checkLesson(l).length === 0)).toBe(true);
  });

  it('does not repeat a rule and subject an existing lesson came from (even retired), and numbers after the existing ids', () => {
    const existing = [
      lesson('L4', { status: 'retired', source: { rule: 'type-failure-rate', phase: 'p1', gate: 'p1-gate' } }),
      lesson('my-own'),
    ];
    const proposed = proposeLessons(
      [rec({ subject: { phase: 'p1', gate: 'p1-gate' } }), rec({ subject: { phase: 'p2' } })],
      existing,
      T0,
      { accept: true },
    );
    expect(proposed.map((l) => [l.id, l.applies.phases, l.status])).toEqual([['L5', ['p2'], 'accepted']]);
  });

  it('makes a long or multi-line recommendation one headline line within its limit', () => {
    const [l] = proposeLessons([rec({ recommendation: `Line one\nline two ${'x'.repeat(300)}` })], [], T0);
    expect(l!.headline).toMatch(/^Line one line two x+…$/);
    expect(l!.headline.length).toBe(200);
    expect(checkLesson(l!)).toEqual([]);
  });
});

describe('the block a kickoff carries', () => {
  it('one line per lesson under the intro, with no control characters or line breaks of its own', () => {
    const text = lessonsText([
      lesson('L1', { headline: 'Run the linter', explanation: 'Reviews failed\non lint.\x1b[31m' }),
      lesson('L2', { headline: 'Keep claims small', explanation: '' }),
    ]);
    expect(text).toBe(`${LESSONS_INTRO}\n- Run the linter: Reviews failed on lint. [31m\n- Keep claims small`);
    expect(lessonsText([])).toBe('');
  });

  it('keeps whole lessons within the block limit, and only as many as fit after the kickoff', () => {
    const many = Array.from({ length: 100 }, (_, i) => lesson(`L${i + 1}`, { explanation: 'y'.repeat(500) }));
    const block = lessonsBlock(many);
    expect(utf8Bytes(block.text)).toBeLessThanOrEqual(MAX_LESSONS_TEXT_BYTES);
    expect(block.ids.length).toBeGreaterThan(5);
    expect(block.text.split('\n')).toHaveLength(block.ids.length + 1);

    expect(kickoffWithLessons('Go.', [lesson('L1')], 1000)).toEqual({
      text: `Go.\n\n${LESSONS_INTRO}\n- Headline of L1: Explanation of L1.`,
      ids: ['L1'],
    });
    // A kickoff at the typed-text limit keeps its room: no lesson goes in.
    expect(kickoffWithLessons('x'.repeat(990), [lesson('L1')], 1000)).toEqual({ text: 'x'.repeat(990), ids: [] });
  });
});
