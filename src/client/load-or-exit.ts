import { configHash, formatIssues, loadConfigFile } from '../host/config-file';
import type { StewardConfig } from '../core/config/types';

export class UsageError extends Error {}

/** Loads and validates a config for a command; an invalid file is a usage error naming every problem. */
export async function loadConfigOrThrow(file: string): Promise<{ config: StewardConfig; hash: string }> {
  const loaded = await loadConfigFile(file);
  if (!loaded.ok) throw new UsageError(formatIssues(file, loaded.issues));
  return { config: loaded.config, hash: configHash(loaded.config) };
}
