/**
 * `steward lessons list|show|add|accept|retire`: the lessons file (`[learning] lessons_file` of
 * `--config agents.toml`, or `--file lessons.toml`). Accepted lessons go into kickoffs when the
 * config says `[learning] inject = true`; `steward retro` proposes lessons, an operator accepts or
 * retires them here. A broken file is bad input (exit 2), named with its line and TOML path.
 */
import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { learningOf } from '../../core/config/learning';
import { checkLesson, LESSON_CATEGORIES, LESSON_STATUSES, nextIdNumber } from '../../core/learning/lessons';
import type { Lesson, LessonCategory, LessonStatus } from '../../core/learning/types';
import { LessonsFileError, readLessonsFile, writeLessonsFile } from '../../host/lessons-file';
import { collect, examples, outputOf, wholeNumber } from '../cli-output';
import { loadConfigOrThrow, UsageError } from '../load-or-exit';
import { oneLine, table } from '../render/format';

interface FileOptions {
  config?: string;
  file?: string;
}

/** The lessons file the options name: `--file`, or the `[learning] lessons_file` of `--config`. */
export async function lessonsFileOf(options: FileOptions): Promise<string> {
  if (options.config !== undefined && options.file !== undefined)
    throw new UsageError('--config and --file both name the lessons file: give one');
  if (options.file !== undefined) return resolve(options.file);
  if (options.config !== undefined) return learningOf((await loadConfigOrThrow(options.config)).config).lessons_file;
  throw new UsageError('which lessons file? --config agents.toml (its [learning] lessons_file) or --file lessons.toml');
}

/** The file's lessons; a broken file is bad input. */
async function readLessons(file: string): Promise<Lesson[]> {
  try {
    return await readLessonsFile(file);
  } catch (err) {
    if (err instanceof LessonsFileError) throw new UsageError(err.message);
    throw err;
  }
}

function withFileOptions(command: Command): Command {
  return command
    .option('--config <file>', 'the build config whose [learning] lessons_file to use')
    .option('--file <file>', 'the lessons file itself');
}

export function lessonRows(lessons: readonly Lesson[]): string[] {
  return table(
    ['ID', 'STATUS', 'CATEGORY', 'IMPORTANCE', 'HEADLINE'],
    lessons.map((l) => [l.id, l.status, l.category, String(l.importance), oneLine(l.headline, 100)]),
  );
}

export function lessonDetails(lesson: Lesson): string[] {
  const list = (values: string[]) => (values.length > 0 ? values.join(', ') : 'any');
  const source = Object.entries(lesson.source)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
  return [
    `${lesson.id}: ${lesson.headline}`,
    `status: ${lesson.status}, category: ${lesson.category}, importance: ${lesson.importance}`,
    `applies to phases: ${list(lesson.applies.phases)}; gates: ${list(lesson.applies.gates)}; roles: ${list(lesson.applies.roles)}`,
    `created: ${new Date(lesson.createdAt).toISOString()}${source ? `; from ${source}` : ''}`,
    ...(lesson.explanation ? ['', lesson.explanation] : []),
  ];
}

/** The lessons named by `ids`, each known; an unknown id is bad input naming the ids there are. */
function findAll(lessons: readonly Lesson[], ids: readonly string[], file: string): Lesson[] {
  return ids.map((id) => {
    const lesson = lessons.find((l) => l.id === id);
    if (!lesson) {
      const known = lessons.map((l) => l.id).join(', ') || 'none';
      throw new UsageError(`no lesson ${id} in ${file} (ids: ${known})`);
    }
    return lesson;
  });
}

/** The next `L<n>` id. */
const nextId = (lessons: readonly Lesson[]): string => `L${nextIdNumber(lessons)}`;

function oneOf<T extends string>(values: readonly T[], what: string): (value: string) => T {
  return (value) => {
    if (!(values as readonly string[]).includes(value))
      throw new InvalidArgumentError(`expected a ${what}: ${values.join(', ')}`);
    return value as T;
  };
}

/** The `add` option a lesson's key comes from: `phases[1]` → `--phase`. */
function optionOf(path: string): string {
  const key = path.split(/[.[]/)[0] ?? path;
  return `--${{ phases: 'phase', gates: 'gate', roles: 'role' }[key] ?? key}`;
}

interface AddOptions extends FileOptions {
  headline: string;
  explanation?: string;
  category: LessonCategory;
  importance: number;
  phase?: string[];
  gate?: string[];
  role?: string[];
  proposed?: boolean;
}

/** `accept` and `retire`: one status for each lesson named. */
function registerStatusChange(lessons: Command, name: string, status: LessonStatus, description: string): void {
  withFileOptions(lessons.command(name))
    .description(description)
    .argument('<id...>', 'lesson ids')
    .addHelpText('after', examples(`steward lessons ${name} L3 L4 --config agents.toml`))
    .action(async (ids: string[], options: FileOptions, command: Command) => {
      const file = await lessonsFileOf(options);
      const all = await readLessons(file);
      const named = new Set(findAll(all, ids, file).map((l) => l.id));
      await writeLessonsFile(
        file,
        all.map((l) => (named.has(l.id) ? { ...l, status } : l)),
      );
      outputOf(command).out(`${status} ${[...named].join(', ')} in ${file}`);
    });
}

export function registerLessonsCommand(program: Command, now: () => number = Date.now): void {
  const lessons = program
    .command('lessons')
    .description('the lessons fed back into kickoffs: list, show, add, accept, retire ([learning] in agents.toml)');

  withFileOptions(lessons.command('list'))
    .description('every lesson: id, status, category, importance, headline')
    .addOption(new Option('--status <status>', 'only lessons with this status').choices(LESSON_STATUSES))
    .option('--json', 'print the lessons as JSON')
    .addHelpText('after', examples('steward lessons list --config agents.toml --status accepted'))
    .action(async (options: FileOptions & { status?: LessonStatus; json?: boolean }, command: Command) => {
      const file = await lessonsFileOf(options);
      const shown = (await readLessons(file)).filter((l) => !options.status || l.status === options.status);
      const output = outputOf(command);
      if (options.json) output.json(shown);
      else if (shown.length === 0) output.out(`no lessons${options.status ? ` ${options.status}` : ''} in ${file}`);
      else output.lines(lessonRows(shown));
    });

  withFileOptions(lessons.command('show'))
    .description('one lesson in full: where it applies, where it came from, its explanation')
    .argument('<id>', 'the lesson id')
    .option('--json', 'print the lesson as JSON')
    .addHelpText('after', examples('steward lessons show L3 --file .steward/lessons.toml'))
    .action(async (id: string, options: FileOptions & { json?: boolean }, command: Command) => {
      const file = await lessonsFileOf(options);
      const [lesson] = findAll(await readLessons(file), [id], file);
      const output = outputOf(command);
      if (options.json) output.json(lesson);
      else output.lines(lessonDetails(lesson!));
    });

  withFileOptions(lessons.command('add'))
    .description('add a lesson (accepted, unless --proposed); --phase, --gate and --role say where it applies')
    .requiredOption('--headline <text>', 'one line: what to do or avoid')
    .option('--explanation <text>', 'why, and how', '')
    .requiredOption(
      '--category <category>',
      `one of ${LESSON_CATEGORIES.join(', ')}`,
      oneOf(LESSON_CATEGORIES, 'category'),
    )
    .requiredOption('--importance <n>', 'from 1 to 10', wholeNumber(1, 10))
    .option('--phase <id>', 'a phase it applies to (repeatable; none: every phase)', collect)
    .option('--gate <gate>', 'a gate it applies to (repeatable)', collect)
    .option('--role <agent>', 'an agent it applies to (repeatable; none: every agent)', collect)
    .option('--proposed', 'add it as proposed, for review, not yet fed to kickoffs')
    .addHelpText(
      'after',
      examples(
        'steward lessons add --config agents.toml --headline "Run the linter before claiming" \\\n' +
          '    --explanation "Reviews failed on lint errors twice." --category pitfall --importance 7 --role builder',
      ),
    )
    .action(async (options: AddOptions, command: Command) => {
      const file = await lessonsFileOf(options);
      const all = await readLessons(file);
      const lesson: Lesson = {
        id: nextId(all),
        category: options.category,
        headline: options.headline,
        explanation: options.explanation ?? '',
        applies: { phases: options.phase ?? [], gates: options.gate ?? [], roles: options.role ?? [] },
        source: {},
        importance: options.importance,
        createdAt: now(),
        status: options.proposed ? 'proposed' : 'accepted',
      };
      const problems = checkLesson(lesson);
      if (problems.length > 0)
        throw new UsageError(problems.map((p) => `${optionOf(p.path)}: ${p.message}`).join('\n'));
      await writeLessonsFile(file, [...all, lesson]);
      outputOf(command).out(`added ${lesson.id} (${lesson.status}) to ${file}`);
    });

  registerStatusChange(
    lessons,
    'accept',
    'accepted',
    'accept lessons: they go into kickoffs (with [learning] inject = true)',
  );
  registerStatusChange(lessons, 'retire', 'retired', 'retire lessons: kept in the file, never fed to kickoffs again');
}
