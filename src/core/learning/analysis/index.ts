/**
 * `retroAnalysis`: what `steward retro` makes of the retro store. One pass groups the records
 * (groups.ts); trends, figures by type, repeat failures and outliers are made per group; the rules
 * read them all and recommend (recommend.ts: the rules and their thresholds). Pure: the time comes
 * in as `now`.
 */
import type { StewardConfig } from '../../config/types';
import type { RetroRecord } from '../types';
import { byType } from './by-type';
import { groupRecords } from './groups';
import { outliers } from './outliers';
import { recommendations } from './recommend';
import { repeatFailures } from './repeat-failures';
import { trends } from './trends';
import { RETRO_INSIGHTS_VERSION, type RetroAnalysisOptions, type RetroConfigValues, type RetroInsights } from './types';

export function retroAnalysis(records: readonly RetroRecord[], options: RetroAnalysisOptions): RetroInsights {
  if (!(options.windowMs > 0)) throw new RangeError(`the trend window must be positive, not ${options.windowMs} ms`);
  const { now, windowMs, thresholds } = options;
  const current = { from: now - windowMs, to: now };
  const previous = { from: now - 2 * windowMs, to: now - windowMs };
  const groups = groupRecords(records, { since: options.since, now }, current, previous);
  const insights = {
    trends: trends(groups.current, groups.previous, windowMs),
    byType: byType(groups),
    repeatFailures: repeatFailures(groups.gates, groups.phases, groups.patternOf),
    outliers: outliers(groups.gatesByPattern, groups.phasesById, thresholds),
  };
  return {
    version: RETRO_INSIGHTS_VERSION,
    generatedAt: now,
    since: options.since ?? null,
    window: { ms: windowMs, current, previous },
    records: {
      phases: groups.phases.length,
      gates: groups.gates.length,
      builds: groups.builds,
      leftOut: groups.leftOut,
      newestAt: groups.newestAt,
    },
    thresholds: { ...thresholds },
    ...insights,
    recommendations: recommendations({ groups, thresholds, options, ...insights }),
  };
}

/** The values of `config` the config-edit rules compare with. */
export function retroConfigValues(
  config: Pick<StewardConfig, 'budget' | 'watchdog' | 'agents' | 'backends'>,
): RetroConfigValues {
  const agents: NonNullable<RetroConfigValues['agents']> = {};
  for (const a of config.agents) agents[a.name] = { backend: a.backend, args: config.backends[a.backend]?.args ?? [] };
  return { budgetPhaseUsd: config.budget?.phase?.usd ?? null, stallIdleMs: config.watchdog.stall_idle, agents };
}

export { gatePattern } from './gate-pattern';
export { QuietSpellCollector, quietSpells } from './quiet-spells';
export { mad, median, percentileOf, robustZ } from './robust';
export * from './types';
