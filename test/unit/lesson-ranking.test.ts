import { rankLessons, type RankOptions } from '../../src/core/learning/lesson-ranking';
import type { Lesson } from '../../src/core/learning/types';
import { lesson, LESSONS_T0 } from './support/lessons';

const DAY = 86_400_000;

const options = (fields: Partial<RankOptions> = {}): RankOptions => ({
  phase: 'p1',
  phaseKickoff: 'Phase p1 begins. Write the greeting.',
  agent: 'builder',
  now: LESSONS_T0,
  halfLifeMs: 30 * DAY,
  topK: 5,
  ...fields,
});

const ids = (lessons: readonly Lesson[], fields: Partial<RankOptions> = {}) =>
  rankLessons(lessons, options(fields)).map((r) => r.lesson.id);

/** Where a lesson applies; its words are the same as every other's, so only the tags tell them apart. */
const applies = (phases: string[], roles: string[] = [], gates: string[] = []) => ({
  headline: 'Same words',
  explanation: '',
  applies: { phases, gates, roles },
});

describe('rankLessons', () => {
  it('takes accepted lessons only', () => {
    expect(ids([lesson('A'), lesson('B', { status: 'proposed' }), lesson('C', { status: 'retired' })])).toEqual(['A']);
  });

  it('leaves out a lesson tied to another phase or agent; one that names this phase or agent counts more', () => {
    const planted = [
      lesson('any', applies([])),
      lesson('other-phase', applies(['p2'])),
      lesson('other-agent', applies([], ['adversary'])),
      lesson('this-phase', applies(['p1', 'p2'])),
      lesson('this-agent', applies([], ['builder'])),
      lesson('both', applies(['p1'], ['builder'])),
      lesson('this-phase-other-agent', applies(['p1'], ['adversary'])),
    ];
    expect(ids(planted)).toEqual(['both', 'this-agent', 'this-phase', 'any']);
    // A build with no phase (or a complete sequence) takes no phase-bound lesson.
    expect(ids(planted, { phase: null })).toEqual(['this-agent', 'any']);
    expect(ids(planted, { agent: 'adversary', phase: 'p2' })).toEqual([
      'other-agent',
      'other-phase',
      'this-phase',
      'any',
    ]);
  });

  it('gates never exclude (no gate is known at a kickoff); one the kickoff names counts as a match', () => {
    const planted = [lesson('g1', applies([], [], ['p1-gate'])), lesson('g2', applies([], [], ['p9-gate']))];
    expect(ids(planted)).toEqual(['g1', 'g2']);
    expect(ids(planted, { phaseKickoff: 'Claim p9-gate when done.' })).toEqual(['g2', 'g1']);
  });

  it('orders by importance, and by recency with the half-life: a lesson twice as important but two half-lives older loses', () => {
    const planted = [
      lesson('low', { importance: 3 }),
      lesson('high', { importance: 9 }),
      lesson('mid', { importance: 6 }),
      lesson('old-high', { importance: 10, createdAt: LESSONS_T0 - 60 * DAY }),
      lesson('young', { importance: 5, createdAt: LESSONS_T0 - 1 }),
    ];
    const ranked = rankLessons(planted, options());
    expect(ranked.map((r) => r.lesson.id)).toEqual(['high', 'mid', 'young', 'low', 'old-high']);
    expect(ranked.find((r) => r.lesson.id === 'old-high')!.score).toBeCloseTo(10 * 0.25, 6);
    expect(ranked.find((r) => r.lesson.id === 'high')!.score).toBeCloseTo(9, 6);
    // A lesson dated after now (a clock skew) is not weighed up: its age counts as zero.
    expect(rankLessons([lesson('future', { createdAt: LESSONS_T0 + DAY })], options())[0]!.score).toBe(5);
  });

  it('keyword relevance to the kickoff breaks a tie of importance and age', () => {
    const planted = [
      lesson('a-unrelated', { headline: 'Keep commits small', explanation: 'Reviews go faster.' }),
      lesson('b-greeting', {
        headline: 'Greeting files need a trailing newline',
        explanation: 'The greeting check fails.',
      }),
      lesson('c-farewell', { headline: 'Tests for the farewell', explanation: '' }),
    ];
    expect(ids(planted)).toEqual(['b-greeting', 'a-unrelated', 'c-farewell']);
    expect(ids(planted, { phaseKickoff: 'Phase p2 begins. Write the farewell.' })).toEqual([
      'c-farewell',
      'a-unrelated',
      'b-greeting',
    ]);
    const [best, second] = rankLessons(planted, options());
    // The best keyword match doubles its score; stop words ("the") match nothing.
    expect(best!.score).toBeCloseTo(10, 6);
    expect(second!.score).toBeCloseTo(5, 6);
  });

  it('is deterministic: ties go to the smaller id, whatever the input order; topK cuts the list', () => {
    const planted = ['L3', 'L10', 'L1', 'L2'].map((id) => lesson(id, { headline: 'Same words', explanation: '' }));
    expect(ids(planted)).toEqual(['L1', 'L10', 'L2', 'L3']);
    expect(ids([...planted].reverse())).toEqual(['L1', 'L10', 'L2', 'L3']);
    expect(ids(planted, { topK: 2 })).toEqual(['L1', 'L10']);
    expect(ids(planted, { topK: 0 })).toEqual([]);
    expect(ids([])).toEqual([]);
    expect(ids(planted, { phaseKickoff: '' })).toEqual(['L1', 'L10', 'L2', 'L3']);
  });
});
