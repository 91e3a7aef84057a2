/**
 * Validation of agents.toml: the entry point. Pure (no Node built-ins, no file access), because the
 * build workflow validates re-read config text too. Every problem in a file is reported in one pass,
 * each named by its TOML path; only a file with no problems is resolved into a StewardConfig.
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import type { ConfigContext } from './context';
import { kickoffFileKey } from './context';
import { crossCheck } from './cross-checks';
import { driverOnlyKeyWarnings } from './driver-keys';
import type { ConfigIssue } from './issues';
import { fromZodIssues } from './issues';
import { lineLocator } from './locate';
import { asString, asTable, isTable, tablesIn } from './raw-access';
import { rawConfigSchema } from './raw-schema';
import { resolveConfig } from './resolve';
import { checkSizes, configFileSizeIssue, resolvedSizeIssue } from './size-checks';
import { utf8Bytes } from './limits';
import type { StewardConfig } from './types';

export type { ConfigContext } from './context';
export type { ConfigIssue } from './issues';

/** Warnings never stop a config from loading: they name keys that are accepted but have no effect. */
export type ConfigResult =
  | { ok: true; config: StewardConfig; warnings: ConfigIssue[] }
  | { ok: false; issues: ConfigIssue[]; warnings: ConfigIssue[] };

/** Validates an already-parsed TOML document. */
export function validateConfig(raw: unknown, ctx: ConfigContext): ConfigResult {
  if (!isTable(raw)) return { ok: false, issues: [{ path: '', message: 'expected a TOML document' }], warnings: [] };
  const parsed = rawConfigSchema.safeParse(raw);
  const issues = [
    ...(parsed.success ? [] : fromZodIssues(parsed.error.issues, raw)),
    ...crossCheck(raw, ctx),
    ...checkSizes(raw, ctx),
  ];
  const warnings = [...driverOnlyKeyWarnings(raw), ...defaultRepoWarnings(raw, ctx)];
  if (!parsed.success || issues.length > 0) return { ok: false, issues, warnings };
  const config = resolveConfig(parsed.data, ctx);
  const tooBig = resolvedSizeIssue(config);
  return tooBig ? { ok: false, issues: [tooBig], warnings } : { ok: true, config, warnings };
}

/** A [loop] naming no repo works on the git repo that holds the config file (cross-checks reject it when there is none). */
function defaultRepoWarnings(raw: unknown, ctx: ConfigContext): ConfigIssue[] {
  const loop = asTable(asTable(raw).loop);
  if (
    !isTable(asTable(raw).loop) ||
    loop.repo !== undefined ||
    asTable(loop.handoff).repo !== undefined ||
    ctx.gitRoot === undefined
  )
    return [];
  return [
    {
      path: 'loop.repo',
      message: `not set: the loop watches ${ctx.gitRoot}, the git repository that contains the config file; set \`repo\` to watch another`,
    },
  ];
}

type TomlParse = { ok: true; document: Record<string, unknown> } | { ok: false; issue: ConfigIssue };

function parseTomlText(text: string): TomlParse {
  try {
    return { ok: true, document: parseToml(text) };
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // smol-toml's message is "Invalid TOML document: <what>" followed by a code excerpt; keep <what>.
    const what = error.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
    return {
      ok: false,
      issue: {
        path: '',
        message: `not valid TOML at line ${error.line}, column ${error.column}: ${what}`,
        line: error.line,
      },
    };
  }
}

/** Parses and validates config text; issues and warnings carry the line that defines their key. */
export function parseConfigText(text: string, ctx: ConfigContext): ConfigResult {
  const tooBig = configFileSizeIssue(utf8Bytes(text));
  if (tooBig) return { ok: false, issues: [tooBig], warnings: [] };
  const toml = parseTomlText(text);
  if (!toml.ok) return { ok: false, issues: [toml.issue], warnings: [] };
  const result = validateConfig(toml.document, ctx);
  const lineOf = lineLocator(text);
  const located = (issues: ConfigIssue[]) =>
    issues
      .map((issue) => ({ ...issue, line: lineOf(issue.path) }))
      .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  return result.ok
    ? { ...result, warnings: located(result.warnings) }
    : { ok: false, issues: located(result.issues), warnings: located(result.warnings) };
}

/**
 * The resolved paths of the kickoff files a config text names, for the loader to read and pass
 * back as `ctx.kickoffFiles`. Text that does not parse names none.
 */
export function kickoffFilesToRead(text: string, ctx: ConfigContext): string[] {
  if (configFileSizeIssue(utf8Bytes(text))) return [];
  const toml = parseTomlText(text);
  if (!toml.ok) return [];
  const tables = [asTable(toml.document.defaults), ...tablesIn(toml.document.agent).map(([, agent]) => agent)];
  const files = tables.flatMap((table) => {
    const file = asString(table.kickoff_file);
    return file === undefined ? [] : [kickoffFileKey(ctx, file)];
  });
  return [...new Set(files)];
}
