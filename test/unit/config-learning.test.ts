import { learningOf } from '../../src/core/config/learning';
import { MAX_LESSONS_TOP_K } from '../../src/core/config/limits';
import { renderConfigToml } from '../../src/core/config/render';
import type { ConfigResult } from '../../src/core/config/schema';
import { parseConfigText } from '../../src/core/config/schema';
import type { StewardConfig } from '../../src/core/config/types';
import { DEFAULT_RETRO_THRESHOLDS } from '../../src/core/learning/thresholds';
import { configHash } from '../../src/host/config-file';

const CTX = { source: '/cfg/demo.toml', baseDir: '/cfg', homeDir: '/home/op' };
const AGENTS = '[[agent]]\nname = "builder"\n\n[[agent]]\nname = "adversary"\n';

function load(text: string): ConfigResult {
  return parseConfigText(text, CTX);
}

function valid(text: string): StewardConfig {
  const result = load(text);
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return result.config;
}

function problems(text: string): string[] {
  const result = load(text);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('[learning]', () => {
  it('a file without it has no `learning` (its hash is unchanged); learningOf fills every default beside the file', () => {
    const config = valid(AGENTS);
    expect('learning' in config).toBe(false);
    expect(JSON.stringify(config)).not.toContain('learning');
    expect(learningOf(config)).toEqual({
      retro_dir: '/cfg/.steward/retro',
      lessons_file: '/cfg/.steward/lessons.toml',
      inject: false,
      top_k: 5,
      half_life: 30 * 86_400_000,
      auto_accept: false,
      thresholds: DEFAULT_RETRO_THRESHOLDS,
    });
    // The same config with an empty table resolves to the same settings, spelt out.
    const withTable = valid(`${AGENTS}\n[learning]\n`);
    expect(withTable.learning).toEqual(learningOf(config));
    expect(configHash(withTable)).not.toBe(configHash(config));
    expect(configHash(valid(AGENTS))).toBe(configHash(config));
  });

  it('takes every key as written: paths against the config dir and ~, durations, thresholds key by key', () => {
    const config = valid(`${AGENTS}
[learning]
retro_dir = "../shared/retro"
lessons_file = "~/lessons.toml"
inject = true
top_k = 3
half_life = "7d"
auto_accept = true
reflection_agent = "adversary"

[learning.thresholds]
min_samples = 3
velocity_drop = 0.25
`);
    expect(config.learning).toEqual({
      retro_dir: '/shared/retro',
      lessons_file: '/home/op/lessons.toml',
      inject: true,
      top_k: 3,
      half_life: 7 * 86_400_000,
      auto_accept: true,
      reflection_agent: 'adversary',
      thresholds: { ...DEFAULT_RETRO_THRESHOLDS, min_samples: 3, velocity_drop: 0.25 },
    });
    expect(learningOf(config)).toBe(config.learning);
  });

  it('names each problem by its TOML path: ranges, types, unknown keys, a reflection agent that is not configured', () => {
    expect(
      problems(`${AGENTS}
[learning]
top_k = ${MAX_LESSONS_TOP_K + 1}
half_life = "0s"
inject = "yes"
lesson_file = "x.toml"
reflection_agent = "buidler"

[learning.thresholds]
velocity_drop = 1.5
min_samples = 0
outlier_cluster = 2.5
long_type_multiple = 1
z_score = 3
`),
    ).toEqual([
      `learning.top_k: must be at most ${MAX_LESSONS_TOP_K}`,
      'learning.half_life: must be longer than 0',
      'learning.inject: expected true or false, got "yes"',
      'learning.lesson_file: unknown key `lesson_file` (did you mean `lessons_file`?)',
      'learning.reflection_agent: no agent named `buidler` (did you mean `builder`?)',
      'learning.thresholds.velocity_drop: must be at most 1',
      'learning.thresholds.min_samples: must be at least 1',
      'learning.thresholds.outlier_cluster: expected a whole number, got 2.5',
      'learning.thresholds.long_type_multiple: must be greater than 1',
      'learning.thresholds.z_score: unknown key `z_score`',
    ]);
    expect(problems(`learning = 5\n${AGENTS}`)).toEqual(['learning: expected a table, got 5']);
    expect(problems(`${AGENTS}\n[learning]\ntop_k = 0\n`)).toEqual(['learning.top_k: must be at least 1']);
  });

  it('config show prints it (half_life as a duration) and loads back to the same config', () => {
    const config = valid(`${AGENTS}\n[learning]\ninject = true\nhalf_life = "36h"\n`);
    const shown = renderConfigToml(config);
    expect(shown).toContain('[learning]');
    expect(shown).toContain('half_life = "1d12h"');
    expect(shown).toContain('[learning.thresholds]');
    const again = parseConfigText(shown, CTX);
    expect(again.ok && again.config).toEqual(config);
  });
});
