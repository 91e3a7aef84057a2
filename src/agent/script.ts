import { parse } from 'smol-toml';
import { z } from 'zod';

/** One step of a scripted agent's reaction. Text fields may use {name} from regex groups. */
const Step = z.union([
  z.strictObject({ write: z.string(), text: z.string() }),
  z.strictObject({ append: z.string(), text: z.string() }),
  z.strictObject({ remove: z.string() }),
  z.strictObject({ commit: z.string() }),
  z.strictObject({ push: z.literal(true) }),
  z.strictObject({ pull: z.literal(true) }),
  z.strictObject({ say: z.string() }),
  z.strictObject({ sleep: z.number().nonnegative() }),
  z.strictObject({ exit: z.number().int() }),
]);

const Rule = z.strictObject({
  /** Regex tested against each line typed into the pane; named groups become variables. */
  match: z.string(),
  do: z.array(Step).default([]),
  /** Fire at most once per distinct value of this rendered text (e.g. "{gate}"); default: every match. */
  once: z.string().optional(),
  tokens: z
    .strictObject({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() })
    .default({ input: 100, output: 20 }),
  model: z.string().default('claude-sonnet-4-5-20250929'),
});

const Script = z.strictObject({ on: z.array(Rule).default([]) });

export type ScriptStep = z.infer<typeof Step>;
export type ScriptRule = z.infer<typeof Rule>;
export type AgentScript = z.infer<typeof Script>;

export function parseAgentScript(text: string): AgentScript {
  return Script.parse(parse(text));
}

/** Replaces {name} with the variable's value; unknown names are left as written. */
export function render(template: string, vars: Record<string, string>): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => vars[name] ?? whole);
}
