/**
 * The size limits of limits.ts, checked on the parsed TOML (counts and texts, each named by its
 * TOML path) and on the resolved config (its JSON, which is what the workflow carries). Like the
 * cross-checks, they read the document tolerantly and run even when the schema rejected parts of it.
 */
import type { ConfigContext } from './context';
import { kickoffFileKey } from './context';
import type { ConfigIssue, PathSegment } from './issues';
import { tomlPath } from './issues';
import {
  MAX_AGENTS,
  MAX_CONFIG_FILE_BYTES,
  MAX_KICKOFF_BYTES,
  MAX_PHASES,
  MAX_RESOLVED_CONFIG_BYTES,
  MAX_SERVICES,
  overByteLimit,
  utf8Bytes,
} from './limits';
import type { Table } from './raw-access';
import { asString, asTable, tablesIn } from './raw-access';
import type { StewardConfig } from './types';

/** The problem of a config file over MAX_CONFIG_FILE_BYTES: the loader reports it without reading the file. */
export function configFileSizeIssue(bytes: number): ConfigIssue | null {
  return bytes > MAX_CONFIG_FILE_BYTES
    ? { path: '', message: `the file is ${overByteLimit(bytes, MAX_CONFIG_FILE_BYTES)}` }
    : null;
}

export function checkSizes(raw: unknown, ctx: ConfigContext): ConfigIssue[] {
  const root = asTable(raw);
  const issues: ConfigIssue[] = [];
  const report = (segments: PathSegment[], message: string) => issues.push({ path: tomlPath(segments), message });

  const checkCount = (value: unknown, at: PathSegment[], max: number, noun: string) => {
    // Reported at the first entry past the limit, so `config check` points at where the excess begins.
    if (Array.isArray(value) && value.length > max)
      report([...at, max], `${value.length} ${noun}, over the limit of ${max} per build`);
  };
  checkCount(root.agent, ['agent'], MAX_AGENTS, 'agents');
  checkCount(root.service, ['service'], MAX_SERVICES, 'services');
  checkCount(asTable(root.loop).phases, ['loop', 'phases'], MAX_PHASES, 'phases');

  const checkText = (value: unknown, at: PathSegment[]) => {
    const text = asString(value);
    if (text === undefined) return;
    const bytes = utf8Bytes(text);
    if (bytes > MAX_KICKOFF_BYTES) report(at, overByteLimit(bytes, MAX_KICKOFF_BYTES));
  };
  const checkKickoffFile = (value: unknown, at: PathSegment[]) => {
    const file = asString(value);
    if (file === undefined) return;
    const key = kickoffFileKey(ctx, file);
    const text = ctx.kickoffFiles?.[key];
    const bytes = ctx.oversizeKickoffFiles?.[key] ?? (text === undefined ? undefined : utf8Bytes(text));
    if (bytes !== undefined && bytes > MAX_KICKOFF_BYTES)
      report(at, `${file} is ${overByteLimit(bytes, MAX_KICKOFF_BYTES)}`);
  };
  const checkAgentTexts = (table: Table, at: PathSegment[]) => {
    checkText(table.kickoff, [...at, 'kickoff']);
    checkKickoffFile(table.kickoff_file, [...at, 'kickoff_file']);
    checkText(asTable(table.wake).message, [...at, 'wake', 'message']);
  };
  checkAgentTexts(asTable(root.defaults), ['defaults']);
  for (const [index, agent] of tablesIn(root.agent)) checkAgentTexts(agent, ['agent', index]);
  for (const [index, phase] of tablesIn(asTable(root.loop).phases))
    checkText(phase.kickoff, ['loop', 'phases', index, 'kickoff']);
  return issues;
}

/** TOML paths of the resolved config's sections, for naming where the bulk of an oversized config is. */
const SECTION_PATHS: Record<string, string> = { agents: 'agent', services: 'service', backends: 'backend' };

/**
 * The resolved config over MAX_RESOLVED_CONFIG_BYTES of JSON: texts within their own limits can
 * still add up (a [defaults] kickoff is repeated in every agent). Names the largest section.
 */
export function resolvedSizeIssue(config: StewardConfig): ConfigIssue | null {
  const bytes = utf8Bytes(JSON.stringify(config));
  if (bytes <= MAX_RESOLVED_CONFIG_BYTES) return null;
  const sections = Object.entries(config)
    .filter(([, value]) => value !== null && typeof value === 'object')
    .map(([key, value]) => [SECTION_PATHS[key] ?? key, utf8Bytes(JSON.stringify(value))] as const)
    .sort((a, b) => b[1] - a[1]);
  const [largest, largestBytes] = sections[0] ?? ['', 0];
  const repeated = config.agents.length > 1 ? ' ([defaults] texts count once per agent)' : '';
  return {
    path: '',
    message:
      `the resolved config (\`steward config show --json\`) is ${overByteLimit(bytes, MAX_RESOLVED_CONFIG_BYTES)}; ` +
      `the largest part is ${largest} with ${largestBytes} bytes${largest === 'agent' ? repeated : ''}`,
  };
}
