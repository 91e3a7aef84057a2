/** What validation knows about the file beyond its contents. Core cannot read files, so the loader supplies them. */
import { resolvePath } from './paths';

export interface ConfigContext {
  /** Absolute path of the config file. */
  source: string;
  /** The config file's directory: relative paths in the file are relative to it. */
  baseDir: string;
  /** Texts of the kickoff files the config names, keyed by resolved path (see kickoffFileKey). */
  kickoffFiles?: Record<string, string>;
  /** Where `~/` points; without it `~` paths are kept as written. */
  homeDir?: string;
  /**
   * Kickoff files the loader left unread because they are over MAX_KICKOFF_BYTES (limits.ts):
   * resolved path → size in bytes. Validation reports them as too big, not as missing.
   */
  oversizeKickoffFiles?: Record<string, number>;
  /**
   * The root of the git work tree that contains the config file, if any: the work repo of a
   * `[loop]` that names none (the original driver's files do not), with a warning.
   */
  gitRoot?: string;
}

export function kickoffFileKey(ctx: ConfigContext, file: string): string {
  return resolvePath(ctx.baseDir, file, ctx.homeDir);
}
