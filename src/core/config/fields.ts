/**
 * Zod building blocks for agents.toml values. Each one validates locally (its own value only);
 * checks that need the whole file (names that must exist, duplicates) live in cross-checks.ts.
 */
import { z } from 'zod';
import { parseDuration } from './durations';
import { idError, sessionSafeNameError } from './names';
import { staysInside } from './paths';

/** Marks an issue raised for a key the table does not define; issues.ts turns it into "unknown key". */
export interface UnknownKeyParams {
  unknownKeyOf: string[];
}

/**
 * A TOML table with a fixed set of keys. Unlike `z.strictObject`, every stray key becomes its own
 * issue at its own path, so each can carry a "did you mean" for that key.
 */
export function table<Shape extends z.ZodRawShape>(shape: Shape) {
  const params: UnknownKeyParams = { unknownKeyOf: Object.keys(shape) };
  return z.object(shape).catchall(z.custom<unknown>(() => false, { params }));
}

function durationOf(zeroAllowed: boolean) {
  return z
    .union([z.number(), z.string()], { error: 'expected a duration: seconds, or a string like "90s" or "1h30m"' })
    .transform((value, ctx) => {
      const parsed = parseDuration(value);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
      else if (parsed.ms === 0 && !zeroAllowed) ctx.addIssue({ code: 'custom', message: 'must be longer than 0' });
      return parsed.ok ? parsed.ms : 0;
    });
}

/** A duration in ms; zero allowed (a grace period may be none). */
export const duration = () => durationOf(true);
/** A duration in ms that paces a loop, so zero would spin. */
export const interval = () => durationOf(false);

/** A regex source. Flags do not change what compiles, so each consumer picks its own. */
export const pattern = () =>
  z.string().superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `invalid regex: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  });

export const sessionSafeName = () =>
  z.string().superRefine((name, ctx) => {
    const error = sessionSafeNameError(name);
    if (error !== undefined) ctx.addIssue({ code: 'custom', message: error });
  });

export const safeId = () =>
  z.string().superRefine((id, ctx) => {
    const error = idError(id);
    if (error !== undefined) ctx.addIssue({ code: 'custom', message: error });
  });

/** One name or a list of names (the driver's pings accept both); always a list afterwards. */
export const nameOrList = () =>
  z
    .union([z.string(), z.array(z.string())], { error: 'expected an agent name or a list of agent names' })
    .transform((value) => (typeof value === 'string' ? [value] : value));

/** Characters that only mean something to a shell, which Steward never runs commands through. */
const SHELL_SYNTAX = /["'`$|;&<>(){}[\]*?~\\]/;

/**
 * `["prog", "arg", …]`, or a string: an argument vector, never a shell line. A string of plain
 * words (the driver's `command = "claude --verbose"`) is split on spaces; one that needs a shell
 * to mean what it says is rejected rather than run differently.
 */
export const commandVector = () =>
  z
    .union([z.string().trim().min(1), z.array(z.string()).min(1)], {
      error: 'expected a program name or a list ["program", "arg", …]',
    })
    .transform((value, ctx) => {
      if (Array.isArray(value)) return value;
      if (SHELL_SYNTAX.test(value)) {
        ctx.addIssue({
          code: 'custom',
          message: `\`${value}\` needs a shell to mean what it says; write it as a list, e.g. ["sh", "-c", "…"]`,
        });
      }
      return value.split(/\s+/);
    });

/** A file name relative to the loop's state subdir, which it may not leave. */
export const stateFile = () =>
  z
    .string()
    .min(1)
    .superRefine((file, ctx) => {
      if (!staysInside(file))
        ctx.addIssue({ code: 'custom', message: `\`${file}\` must be a relative path inside the state subdir` });
    });

export const stringMap = () => z.record(z.string(), z.string());

/** A key the original agents.py read but Steward does not use: accepted, and reported as a warning. */
export const driverOnly = () => z.unknown().optional();
