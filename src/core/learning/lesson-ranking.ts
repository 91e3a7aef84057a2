/**
 * Which lessons a kickoff carries: the accepted ones that apply to its agent and phase, ranked by
 * importance, recency and relevance to the kickoff's text. Pure and deterministic (ties go to the
 * smaller id); keyword relevance is MiniSearch's BM25 score of each lesson's headline and
 * explanation against the kickoff.
 */
import MiniSearch from 'minisearch';
import type { Lesson } from './types';

export interface RankOptions {
  /** The phase the kickoff is for; null when the build has none (a lesson tied to a phase is left out). */
  phase: string | null;
  /** The text typed with the lessons: its words make a lesson relevant. */
  phaseKickoff: string;
  /** The agent the kickoff goes to: a lesson's roles name agents. */
  agent: string;
  now: number;
  /** A lesson's weight halves every `halfLifeMs` of its age. */
  halfLifeMs: number;
  topK: number;
}

export interface RankedLesson {
  lesson: Lesson;
  score: number;
}

/** Each applies list that names the kickoff's phase, agent or a gate its text mentions adds this much. */
const TAG_MATCH_WEIGHT = 0.5;

/** Words too common to say what a text is about. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can do does for from has have if in into is it its may must no not of on ' +
    'or so than that the their then there these this those to was were what when where which while who will ' +
    'with you your yours our we they them he she his her all any each every only also should would could'
  ).split(' '),
);

function keyword(term: string): string | null {
  const word = term.toLowerCase();
  return word.length < 3 || STOP_WORDS.has(word) || /^\d+$/.test(word) ? null : word;
}

/**
 * The tag weight of a lesson for this kickoff, or null when it does not apply: a non-empty phases
 * or roles list that names neither the phase nor the agent. Gates are not known at a kickoff, so
 * they never exclude; one the kickoff's text names counts as a match.
 */
function tagWeight(lesson: Lesson, options: RankOptions, kickoffLower: string): number | null {
  const { phases, roles, gates } = lesson.applies;
  if (phases.length > 0 && (options.phase === null || !phases.includes(options.phase))) return null;
  if (roles.length > 0 && !roles.includes(options.agent)) return null;
  const gateNamed = gates.some((gate) => gate.trim() !== '' && kickoffLower.includes(gate.toLowerCase()));
  const matches = (phases.length > 0 ? 1 : 0) + (roles.length > 0 ? 1 : 0) + (gateNamed ? 1 : 0);
  return 1 + TAG_MATCH_WEIGHT * matches;
}

/** Each lesson's keyword relevance to `query`, from 0 (no shared word) to 1 (the best match). */
function keywordRelevance(lessons: readonly Lesson[], query: string): Map<string, number> {
  const relevance = new Map<string, number>();
  if (lessons.length === 0 || query.trim() === '') return relevance;
  const index = new MiniSearch<{ id: string; text: string }>({
    fields: ['text'],
    processTerm: keyword,
    searchOptions: { combineWith: 'OR', prefix: false, fuzzy: false },
  });
  index.addAll(lessons.map((l) => ({ id: l.id, text: `${l.headline} ${l.explanation}` })));
  const results = index.search(query);
  const best = results.reduce((max, r) => Math.max(max, r.score), 0);
  if (best <= 0) return relevance;
  for (const r of results) relevance.set(String(r.id), r.score / best);
  return relevance;
}

const byScoreThenId = (a: RankedLesson, b: RankedLesson) =>
  b.score - a.score || (a.lesson.id < b.lesson.id ? -1 : a.lesson.id > b.lesson.id ? 1 : 0);

/**
 * The top `topK` accepted lessons for a kickoff, best first: score = importance ×
 * 0.5^(age / half-life) × tag weight × (1 + keyword relevance). A lesson whose phases or roles do
 * not include the kickoff's phase and agent is left out.
 */
export function rankLessons(lessons: readonly Lesson[], options: RankOptions): RankedLesson[] {
  const kickoffLower = options.phaseKickoff.toLowerCase();
  const applicable: Array<{ lesson: Lesson; weight: number }> = [];
  const ids = new Set<string>();
  for (const lesson of lessons) {
    // One lesson per id: a file with a repeated id is refused when read, this only keeps the index sound.
    if (lesson.status !== 'accepted' || ids.has(lesson.id)) continue;
    const weight = tagWeight(lesson, options, kickoffLower);
    if (weight === null) continue;
    ids.add(lesson.id);
    applicable.push({ lesson, weight });
  }
  const relevance = keywordRelevance(
    applicable.map((a) => a.lesson),
    options.phaseKickoff,
  );
  const halfLife = Math.max(1, options.halfLifeMs);
  return applicable
    .map(({ lesson, weight }): RankedLesson => {
      const age = Math.max(0, options.now - lesson.createdAt);
      const recency = Math.pow(0.5, age / halfLife);
      return { lesson, score: lesson.importance * recency * weight * (1 + (relevance.get(lesson.id) ?? 0)) };
    })
    .sort(byScoreThenId)
    .slice(0, Math.max(0, options.topK));
}
