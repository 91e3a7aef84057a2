import { parse } from 'smol-toml';
import { z } from 'zod';
import { render } from '../script';

/**
 * The model stand-in's script: rules that answer Anthropic Messages API requests. A rule matches a
 * regex on the last user message's text (`match`) or on the last tool_result's content
 * (`tool_result`); its named groups become {vars} in the reply. Usage is exact per reply, so tests
 * know the token totals a transcript must show.
 */

const Usage = z.strictObject({
  input: z.number().int().nonnegative().default(0),
  output: z.number().int().nonnegative().default(0),
  cache_read: z.number().int().nonnegative().default(0),
  cache_creation: z.number().int().nonnegative().default(0),
});

const Content = z.union([
  z.strictObject({ text: z.string() }),
  /** A tool_use of Claude Code's Bash tool. */
  z.strictObject({ bash: z.string(), description: z.string().optional() }),
  /** A tool_use of Claude Code's Write tool; a relative path is resolved against the agent's cwd. */
  z.strictObject({ write: z.string(), content: z.string() }),
]);

/** How the stand-in fails a request instead of answering it. */
const FAILURES = ['429', '429-subscription', '529', 'broken'] as const;
export type Failure = (typeof FAILURES)[number];

/** A failure and/or a delay, set by a rule or at runtime (`setMode`). */
const Mode = z.strictObject({
  fail: z.enum(FAILURES).optional(),
  delay_ms: z.number().int().nonnegative().optional(),
  /** For 429-subscription: seconds from now to the reset the headers and message announce. */
  reset_in_s: z.number().int().positive().default(3600),
});

const Rule = Mode.extend({
  match: z.string().optional(),
  tool_result: z.string().optional(),
  /** Fire at most once per distinct value of this rendered text (e.g. "{gate}"). */
  once: z.string().optional(),
  /** Only for an agent whose working directory (as Claude Code states it) matches: one stand-in, several roles. */
  cwd: z.string().optional(),
  reply: z.array(Content).default([]),
  usage: Usage.optional(),
}).refine((r) => (r.match === undefined) !== (r.tool_result === undefined), {
  message: 'a rule needs exactly one of `match` or `tool_result`',
});

const DEFAULT_USAGE = { input: 100, output: 20, cache_read: 0, cache_creation: 0 };

const Script = z.strictObject({
  /** Usage of a reply whose rule sets none. */
  usage: Usage.default(DEFAULT_USAGE),
  /** Answers side calls (titles, warmups) and main-conversation turns no rule matches. */
  default_text: z.string().default('OK.'),
  side_usage: Usage.default({ input: 10, output: 2, cache_read: 0, cache_creation: 0 }),
  on: z.array(Rule).default([]),
});

export type StandinUsage = z.infer<typeof Usage>;
export type ReplyContent = z.infer<typeof Content>;
export type StandinMode = z.input<typeof Mode>;
export type ActiveMode = z.infer<typeof Mode>;
export type StandinRule = z.infer<typeof Rule>;
export type StandinScript = z.infer<typeof Script>;
export type StandinScriptInput = z.input<typeof Script>;

/** A script from TOML text, or from an object of the same shape (tests build them inline). */
export function parseStandinScript(source: string | z.input<typeof Script>): StandinScript {
  const script = Script.parse(typeof source === 'string' ? parse(source) : source);
  // A bad regex fails here, at load, not on the first request that reaches the rule.
  for (const rule of script.on) [rule.match, rule.tool_result, rule.cwd].forEach((p) => new RegExp(p ?? ''));
  return script;
}

export function parseMode(mode: StandinMode): ActiveMode {
  return Mode.parse(mode);
}

/** What the last user message says: either typed text or the content of tool results. */
export interface LastTurn {
  kind: 'text' | 'tool_result';
  text: string;
}

export interface RuleMatch {
  index: number;
  rule: StandinRule;
  vars: Record<string, string>;
}

/**
 * The first rule whose regex matches and whose once-gate is still open; the gate is closed here.
 * `fired` holds the gates already used, as "<rule index>:<rendered once>".
 */
export function matchRule(
  script: StandinScript,
  turn: LastTurn,
  fired: Set<string>,
  cwd: string | null = null,
): RuleMatch | null {
  for (const [index, rule] of script.on.entries()) {
    const pattern = turn.kind === 'text' ? rule.match : rule.tool_result;
    if (pattern === undefined) continue;
    if (rule.cwd !== undefined && !(cwd !== null && new RegExp(rule.cwd).test(cwd))) continue;
    const m = new RegExp(pattern).exec(turn.text);
    if (!m) continue;
    const vars = { ...m.groups };
    if (rule.once !== undefined) {
      const gate = `${index}:${render(rule.once, vars)}`;
      if (fired.has(gate)) continue;
      fired.add(gate);
    }
    return { index, rule, vars };
  }
  return null;
}
