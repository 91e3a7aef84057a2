import type { Lesson } from '../../../src/core/learning/types';

/** 2026-11-01, when the fixtures' lessons were written. */
export const LESSONS_T0 = Date.UTC(2026, 10, 1);

/** An accepted pitfall of importance 5 that applies anywhere, written at LESSONS_T0; `fields` override. */
export function lesson(id: string, fields: Partial<Lesson> = {}): Lesson {
  return {
    id,
    category: 'pitfall',
    headline: `Headline of ${id}`,
    explanation: `Explanation of ${id}.`,
    applies: { phases: [], gates: [], roles: [] },
    source: {},
    importance: 5,
    createdAt: LESSONS_T0,
    status: 'accepted',
    ...fields,
  };
}
