/**
 * A config problem, named by its TOML path (`agent[1].backend`, `watchdog.stall_idel`) so an operator
 * can find it; and the translation of zod's issues into that form with operator-worded messages.
 */
import type { z } from 'zod';
import type { UnknownKeyParams } from './fields';
import { didYouMean } from './suggest';

export interface ConfigIssue {
  /** TOML path of the offending key; "" for the file as a whole. */
  path: string;
  message: string;
  line?: number;
}

export type PathSegment = string | number;

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** ["agent", 1, "wake", "interval"] → "agent[1].wake.interval"; odd keys are quoted as TOML would. */
export function tomlPath(segments: readonly PathSegment[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else {
      const key = BARE_KEY.test(segment) ? segment : JSON.stringify(segment);
      path += path === '' ? key : `.${key}`;
    }
  }
  return path;
}

export function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}

/** How a TOML value reads in a message: `"forever"`, `5`, `a table`. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  return value === null || value === undefined ? 'nothing' : 'a table';
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a table',
  record: 'a table',
};

type ZodIssue = z.core.$ZodIssue;

function messageFor(issue: ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(value)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(value)}`;
    case 'too_small':
      if (issue.origin === 'string' || issue.origin === 'array') return 'must not be empty';
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}`;
    case 'too_big':
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    default:
      return issue.message;
  }
}

function isUnknownKey(issue: ZodIssue): issue is z.core.$ZodIssueCustom & { params: UnknownKeyParams } {
  return (
    issue.code === 'custom' && Array.isArray((issue.params as Partial<UnknownKeyParams> | undefined)?.unknownKeyOf)
  );
}

/** A union branch rejected on sight (wrong type at its root) says nothing about what was meant. */
function rejectedOnSight(branch: readonly ZodIssue[]): boolean {
  return branch.length === 1 && branch[0].code === 'invalid_type' && branch[0].path.length === 0;
}

/** Converts zod issues into config issues; `raw` is the parsed TOML, for quoting offending values. */
export function fromZodIssues(
  issues: readonly ZodIssue[],
  raw: unknown,
  prefix: readonly PathSegment[] = [],
): ConfigIssue[] {
  const result: ConfigIssue[] = [];
  for (const issue of issues) {
    const segments = [...prefix, ...(issue.path as PathSegment[])];
    const value = valueAt(raw, segments);
    if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) {
      result.push({ path: tomlPath(segments), message: 'required key is missing' });
      continue;
    }
    if (issue.code === 'invalid_union') {
      // When the value's type picks exactly one alternative (a table vs a pair), report that alternative's problems.
      const plausible = issue.errors.filter((branch) => !rejectedOnSight(branch));
      if (plausible.length === 1) {
        result.push(...fromZodIssues(plausible[0], raw, segments));
        continue;
      }
    }
    if (issue.code === 'invalid_key') {
      // A table key (a `[prices]` model id) its key schema rejected: report that schema's own problems at the key.
      result.push(...fromZodIssues(issue.issues, raw, segments));
      continue;
    }
    if (isUnknownKey(issue)) {
      const key = String(segments[segments.length - 1]);
      result.push({
        path: tomlPath(segments),
        message: `unknown key \`${key}\`${didYouMean(key, issue.params.unknownKeyOf)}`,
      });
      continue;
    }
    result.push({ path: tomlPath(segments), message: messageFor(issue, value) });
  }
  return result;
}
