/**
 * `[learning]`: where the learning loop keeps its files (the retro store, the lessons file) and how
 * lessons are fed back into kickoffs. A config without the table has no `learning` (so configs
 * written before it existed keep their hash, and a running build sees no reload after an upgrade):
 * `learningOf` gives every config its settings, defaults filled in.
 */
import { DEFAULT_RETRO_THRESHOLDS } from '../learning/thresholds';
import type { LearningConfig } from '../learning/types';
import { parentDir, resolvePath } from './paths';
import type { StewardConfig } from './types';

/** Relative to the config file's directory, like every relative path in it. */
export const DEFAULT_RETRO_DIR = '.steward/retro';
export const DEFAULT_LESSONS_FILE = '.steward/lessons.toml';
export const DEFAULT_LESSONS_TOP_K = 5;
export const DEFAULT_LESSONS_HALF_LIFE_MS = 30 * 86_400_000;

/** `[learning]` as validated: the schema's defaults applied, paths as written (absent: the defaults). */
export type WrittenLearning = Omit<LearningConfig, 'retro_dir' | 'lessons_file'> & {
  retro_dir?: string;
  lessons_file?: string;
};

/** Paths made absolute by `path` (relative to the config's directory); `reflection_agent` only when set. */
export function resolveLearning(written: WrittenLearning, path: (p: string) => string): LearningConfig {
  const learning: LearningConfig = {
    retro_dir: path(written.retro_dir ?? DEFAULT_RETRO_DIR),
    lessons_file: path(written.lessons_file ?? DEFAULT_LESSONS_FILE),
    inject: written.inject,
    top_k: written.top_k,
    half_life: written.half_life,
    auto_accept: written.auto_accept,
    thresholds: { ...written.thresholds },
  };
  if (written.reflection_agent !== undefined) learning.reflection_agent = written.reflection_agent;
  return learning;
}

/** The config's `[learning]`, or the defaults for a config without one (files beside the config file). */
export function learningOf(config: Pick<StewardConfig, 'source' | 'learning'>): LearningConfig {
  if (config.learning) return config.learning;
  const dir = parentDir(config.source);
  return resolveLearning(
    {
      inject: false,
      top_k: DEFAULT_LESSONS_TOP_K,
      half_life: DEFAULT_LESSONS_HALF_LIFE_MS,
      auto_accept: false,
      thresholds: { ...DEFAULT_RETRO_THRESHOLDS },
    },
    (written) => resolvePath(dir, written),
  );
}
