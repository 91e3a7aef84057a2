/**
 * Lessons: what earlier builds taught, fed back into kickoffs. Their validation, the lessons file's
 * TOML (`[[lesson]]` tables, readable and diff-friendly), the lessons `steward retro` proposes from
 * its recommendations, and the block of text a kickoff carries. Pure: the file is read and written
 * by src/host/lessons-file.ts.
 */
import { parse as parseToml, stringify, TomlError } from 'smol-toml';
import { z } from 'zod';
import { table } from '../config/fields';
import type { ConfigIssue } from '../config/issues';
import { fromZodIssues } from '../config/issues';
import { capText, utf8Bytes } from '../config/limits';
import { lineLocator } from '../config/locate';
import type { Lesson, LessonCategory, Recommendation, RecommendationCategory, Severity } from './types';

export const LESSON_CATEGORIES = ['pitfall', 'pattern', 'architecture', 'optimisation', 'process'] as const;
export const LESSON_STATUSES = ['proposed', 'accepted', 'retired'] as const;

/** A headline is one line: this many characters at most. */
export const MAX_HEADLINE_CHARS = 200;
export const MAX_EXPLANATION_CHARS = 2000;
/** Phases, gates or roles one lesson applies to. */
export const MAX_LESSON_TAGS = 50;
/** Lessons in one file: each kickoff reads and ranks them all. */
export const MAX_LESSONS = 1000;
/** The block a kickoff carries, in UTF-8 bytes: lessons that do not fit are left out, whole. */
export const MAX_LESSONS_TEXT_BYTES = 8 * 1024;

const LESSON_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_NEWLINE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const lessonId = z
  .string()
  .regex(LESSON_ID, 'expected an id of letters, digits and . _ - (up to 64), starting with a letter or digit');

const oneLine = (max: number) =>
  z
    .string()
    .refine((s) => s.trim() !== '', 'must not be blank')
    .refine((s) => !CONTROL_OR_NEWLINE.test(s), 'must be one line, without control characters')
    .refine((s) => s.length <= max, `must be at most ${max} characters`);

const text = (max: number) =>
  z
    .string()
    .refine((s) => !CONTROL.test(s), 'must not hold control characters (newlines and tabs are fine)')
    .refine((s) => s.length <= max, `must be at most ${max} characters`);

const tags = () => z.array(oneLine(128)).max(MAX_LESSON_TAGS).default([]);
const sourceField = () => oneLine(200).optional();

/** One `[[lesson]]` table as the file holds it; unknown keys are refused with a "did you mean". */
const lessonEntrySchema = table({
  id: lessonId,
  status: z.enum(LESSON_STATUSES),
  category: z.enum(LESSON_CATEGORIES),
  importance: z.int().min(1).max(10),
  headline: oneLine(MAX_HEADLINE_CHARS),
  explanation: text(MAX_EXPLANATION_CHARS).default(''),
  phases: tags(),
  gates: tags(),
  roles: tags(),
  /** When it was written: a TOML date-time (smol-toml reads it as a Date), or epoch ms. */
  created: z.union([z.date(), z.int().min(0)], { error: 'expected a date-time such as 2026-11-30T10:00:00Z' }),
  source: table({
    build: sourceField(),
    phase: sourceField(),
    gate: sourceField(),
    rule: sourceField(),
    agent: sourceField(),
    model: sourceField(),
  }).default({}),
});

const lessonsDocumentSchema = table({
  lesson: z.array(lessonEntrySchema).max(MAX_LESSONS).default([]),
});

type LessonEntry = z.output<typeof lessonEntrySchema>;

/** Plain JSON: `undefined` holes dropped. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function lessonOf(entry: LessonEntry): Lesson {
  return {
    id: entry.id,
    category: entry.category,
    headline: entry.headline,
    explanation: entry.explanation,
    applies: { phases: entry.phases, gates: entry.gates, roles: entry.roles },
    source: defined({ ...entry.source }),
    importance: entry.importance,
    createdAt: entry.created instanceof Date ? entry.created.getTime() : entry.created,
    status: entry.status,
  };
}

function entryOf(lesson: Lesson): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    id: lesson.id,
    status: lesson.status,
    category: lesson.category,
    importance: lesson.importance,
    headline: lesson.headline,
    explanation: lesson.explanation,
    phases: lesson.applies.phases,
    gates: lesson.applies.gates,
    roles: lesson.applies.roles,
    created: new Date(lesson.createdAt),
  };
  const source = defined({ ...lesson.source });
  if (Object.keys(source).length > 0) entry.source = source;
  return entry;
}

export type LessonsParse = { ok: true; lessons: Lesson[] } | { ok: false; issues: ConfigIssue[] };

/** Two lessons with one id: the second is named. */
function duplicateIds(lessons: readonly Lesson[]): ConfigIssue[] {
  const first = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  lessons.forEach((lesson, index) => {
    const at = first.get(lesson.id);
    if (at === undefined) first.set(lesson.id, index);
    else
      issues.push({
        path: `lesson[${index}].id`,
        message: `duplicate lesson id \`${lesson.id}\` (also lesson[${at}])`,
      });
  });
  return issues;
}

/** Validates a parsed lessons document; each problem is named by its TOML path (`lesson[2].importance`). */
export function validateLessons(document: unknown): LessonsParse {
  const parsed = lessonsDocumentSchema.safeParse(document);
  if (!parsed.success) return { ok: false, issues: fromZodIssues(parsed.error.issues, document) };
  const lessons = parsed.data.lesson.map(lessonOf);
  const duplicates = duplicateIds(lessons);
  return duplicates.length > 0 ? { ok: false, issues: duplicates } : { ok: true, lessons };
}

/** Parses the lessons file's text; issues carry the line that defines their key. */
export function parseLessonsText(source: string): LessonsParse {
  let document: Record<string, unknown>;
  try {
    document = parseToml(source);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const what = error.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
    return {
      ok: false,
      issues: [
        {
          path: '',
          message: `not valid TOML at line ${error.line}, column ${error.column}: ${what}`,
          line: error.line,
        },
      ],
    };
  }
  const result = validateLessons(document);
  if (result.ok) return result;
  const lineOf = lineLocator(source);
  return { ok: false, issues: result.issues.map((issue) => ({ ...issue, line: lineOf(issue.path) })) };
}

export const LESSONS_FILE_HEADER = [
  '# Lessons from earlier builds (`steward lessons`). Accepted lessons go into kickoffs when',
  '# [learning] inject = true. status: proposed | accepted | retired; importance: 1-10;',
  '# phases, gates, roles: where a lesson applies (empty: anywhere).',
].join('\n');

/** The lessons file's text: one `[[lesson]]` table per lesson, in the order given. */
export function renderLessonsToml(lessons: readonly Lesson[]): string {
  const body = lessons.length > 0 ? stringify({ lesson: lessons.map(entryOf) }) : '';
  return `${LESSONS_FILE_HEADER}\n\n${body}`.trimEnd() + '\n';
}

/** A lesson as it is added (by an operator or a retro), validated like one read from the file. */
export function checkLesson(lesson: Lesson): ConfigIssue[] {
  const result = validateLessons({ lesson: [entryOf(lesson)] });
  return result.ok ? [] : result.issues.map((issue) => ({ ...issue, path: issue.path.replace(/^lesson\[0\]\.?/, '') }));
}

// ---- proposals from `steward retro`'s recommendations ----

const CATEGORY_OF: Record<RecommendationCategory, LessonCategory> = {
  failure: 'pitfall',
  review: 'pitfall',
  reliability: 'pitfall',
  duration: 'optimisation',
  cost: 'optimisation',
  rate_limit: 'optimisation',
  config: 'optimisation',
  trend: 'process',
  health: 'process',
};

const IMPORTANCE_OF: Record<Severity, number> = { high: 8, medium: 6, low: 4, info: 2 };

/** What a lesson from a rule is about: a recommendation's rule and subject, or a lesson's source. */
function subjectKey(rule: string, subject: { phase?: string; gate?: string; agent?: string; model?: string }): string {
  return JSON.stringify([rule, subject.phase ?? '', subject.gate ?? '', subject.agent ?? '', subject.model ?? '']);
}

/** `text` on one line (whitespace folded, control characters dropped), at most `max` characters. */
function singleLine(value: string, max: number): string {
  const line = value.replace(new RegExp(CONTROL_OR_NEWLINE.source, 'g'), ' ').replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}

/** The next free `L<n>` id after every `L<n>` in `lessons`. */
export function nextIdNumber(lessons: readonly Lesson[]): number {
  return lessons.reduce((n, lesson) => {
    const m = /^L(\d+)$/.exec(lesson.id);
    return m ? Math.max(n, Number(m[1]) + 1) : n;
  }, 1);
}

export interface ProposeOptions {
  /** `[learning] auto_accept`: the new lessons are accepted at once. */
  accept?: boolean;
  /** The build the recommendations came from, when there is one. */
  build?: string;
}

/**
 * The lessons `recommendations` teach (a `healthy` finding teaches none), new ids `L<n>` after the existing ones: one per rule and
 * subject, none for a rule and subject an existing lesson (any status: a retired one stays retired)
 * already came from. Category from the recommendation's, importance from its severity, and where
 * it applies from its subject.
 */
export function proposeLessons(
  recommendations: readonly Recommendation[],
  existing: readonly Lesson[],
  now: number,
  options: ProposeOptions = {},
): Lesson[] {
  const seen = new Set(
    existing.filter((l) => l.source.rule !== undefined).map((l) => subjectKey(l.source.rule!, l.source)),
  );
  let next = nextIdNumber(existing);
  const proposed: Lesson[] = [];
  for (const rec of recommendations) {
    if (rec.category === 'health') continue; // "nothing to learn" is no lesson
    const subject = rec.subject ?? {};
    const key = subjectKey(rec.rule, subject);
    if (seen.has(key)) continue;
    seen.add(key);
    const headline = singleLine(rec.recommendation, MAX_HEADLINE_CHARS) || singleLine(rec.finding, MAX_HEADLINE_CHARS);
    if (!headline) continue;
    proposed.push({
      id: `L${next++}`,
      category: CATEGORY_OF[rec.category],
      headline,
      explanation: singleLine(rec.finding, MAX_EXPLANATION_CHARS),
      applies: {
        phases: subject.phase ? [subject.phase] : [],
        gates: subject.gate ? [subject.gate] : [],
        roles: subject.agent ? [subject.agent] : [],
      },
      source: defined({
        build: options.build,
        rule: rec.rule,
        phase: subject.phase,
        gate: subject.gate,
        agent: subject.agent,
        model: subject.model,
      }),
      importance: IMPORTANCE_OF[rec.severity],
      createdAt: now,
      status: options.accept ? 'accepted' : 'proposed',
    });
  }
  return proposed;
}

// ---- the text a kickoff carries ----

export const LESSONS_INTRO = 'Lessons from earlier builds:';
/** One lesson's line, in UTF-8 bytes: a long explanation is cut. */
const MAX_LESSON_LINE_BYTES = 1024;

function lessonLine(lesson: Lesson): string {
  const headline = singleLine(lesson.headline, MAX_HEADLINE_CHARS);
  const explanation = singleLine(lesson.explanation, MAX_EXPLANATION_CHARS);
  return capText(`- ${explanation ? `${headline}: ${explanation}` : headline}`, MAX_LESSON_LINE_BYTES);
}

export interface LessonsBlock {
  /** `Lessons from earlier builds:` and one line per lesson; empty when none fits. */
  text: string;
  /** The lessons in it, in order. */
  ids: string[];
}

/**
 * The block appended to a kickoff: the lessons in the order given, one line each (no control
 * characters, no line breaks of their own), as many whole lessons as fit in `maxBytes`.
 */
export function lessonsBlock(lessons: readonly Lesson[], maxBytes = MAX_LESSONS_TEXT_BYTES): LessonsBlock {
  const lines: string[] = [];
  const ids: string[] = [];
  let bytes = utf8Bytes(LESSONS_INTRO);
  for (const lesson of lessons) {
    const line = lessonLine(lesson);
    const size = utf8Bytes(line) + 1;
    if (bytes + size > maxBytes) break;
    bytes += size;
    lines.push(line);
    ids.push(lesson.id);
  }
  return lines.length === 0 ? { text: '', ids: [] } : { text: [LESSONS_INTRO, ...lines].join('\n'), ids };
}

/** The block's text alone. */
export function lessonsText(lessons: readonly Lesson[]): string {
  return lessonsBlock(lessons).text;
}

/**
 * `kickoff` with the lessons block after it, within `maxBytes` of typed text (the kickoff keeps its
 * room: lessons that would not fit are left out, whole). `ids`: the lessons it carries.
 */
export function kickoffWithLessons(kickoff: string, lessons: readonly Lesson[], maxBytes: number): LessonsBlock {
  const room = Math.min(MAX_LESSONS_TEXT_BYTES, maxBytes - utf8Bytes(kickoff) - 2);
  const block = room > 0 ? lessonsBlock(lessons, room) : { text: '', ids: [] };
  return block.ids.length === 0 ? { text: kickoff, ids: [] } : { text: `${kickoff}\n\n${block.text}`, ids: block.ids };
}
