import type { StewardConfig } from '../config/types';

/** What observe reports when the config file's hash differs from the build's. */
export type ConfigChange =
  { hash: string; ok: true; config: StewardConfig } | { hash: string; ok: false; problems: string };
