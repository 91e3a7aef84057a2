import { readFile } from 'node:fs/promises';
import { learningOf } from '../core/config/learning';
import { insightsDue, type RetroRunResult, type RetroScheduleInput } from '../core/learning/retro-schedule';
import { writeFileAtomically } from '../host/atomic-file';
import { formatIssues, loadConfigFile } from '../host/config-file';
import { analyseRetroStore, recordProposedLessons } from '../host/retro-analysis';
import { fileFailure, permanentFailure } from './failures';

/** How many builds the insights file at `file` was made from; null without a readable one. */
async function buildsOfInsights(file: string): Promise<number | null> {
  try {
    const builds = (JSON.parse(await readFile(file, 'utf8')) as { records?: { builds?: unknown } }).records?.builds;
    return typeof builds === 'number' ? builds : null;
  } catch {
    return null;
  }
}

/**
 * The scheduled retro's one step (retro-schedule.ts): analyse the store of the config's project,
 * write the insights (atomically) when due, and add the lessons they teach to the lessons file.
 * A config that does not load is a permanent failure: a retry would read the same file.
 */
export async function runRetroAnalysis(req: RetroScheduleInput & { now: number }): Promise<RetroRunResult> {
  const loaded = await loadConfigFile(req.configFile);
  if (!loaded.ok) throw permanentFailure('ConfigError', formatIssues(req.configFile, loaded.issues));
  const config = loaded.config;
  const out = req.out ?? `${learningOf(config).retro_dir}/insights.json`;
  try {
    const previousBuilds = await buildsOfInsights(out);
    const { insights } = await analyseRetroStore({ dir: learningOf(config).retro_dir, config, ...req });
    const result = {
      written: null,
      builds: insights.records.builds,
      previousBuilds,
      rules: insights.recommendations.map((r) => r.rule),
      proposed: [],
    };
    if (!insightsDue(previousBuilds, insights.records.builds, req.afterBuilds)) return result;
    // The lessons first: were the insights written first and the lessons write failed, the retry
    // would find the insights there and, with afterBuilds, no longer due.
    const proposed = await recordProposedLessons(config, insights, req.now);
    await writeFileAtomically(out, `${JSON.stringify(insights, null, 2)}\n`);
    return { ...result, written: out, proposed: proposed.map((l) => l.id) };
  } catch (err) {
    throw fileFailure(err, 'retro');
  }
}
