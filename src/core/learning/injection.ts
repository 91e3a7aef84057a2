/**
 * Lessons in kickoffs (`[learning] inject = true`). The workflow decides here which effects carry
 * lessons and asks for them in the effect's request; the activity that types the text reads the
 * lessons file on the host, ranks it (`rankLessons`), appends the block and answers with the ids
 * it typed; the workflow records them as `lessons_injected`. The file is never read in workflow
 * code, and the ranking's clock is the workflow's (`now`, the same on every retry). Pure.
 */
import { learningOf } from '../config/learning';
import type { NewEvent } from '../events';
import type { PlannedAction } from '../state/actions';
import type { BuildState } from '../state/build';
import { currentPhaseId } from '../state/build';

/** What the typing activity needs to add the lessons: where they are and how to rank them. */
export interface LessonsRequest {
  /** Absolute path of the lessons file (`[learning] lessons_file`), on the agents' host. */
  file: string;
  agent: string;
  /** The phase the kickoff is for; null when the build has none (or its sequence is complete). */
  phase: string | null;
  topK: number;
  halfLifeMs: number;
  /** Workflow time of the decision: lessons age against it, so a retry ranks them the same. */
  now: number;
}

/** The activity's answer: the lessons it typed (none when the file has none that apply). */
export interface LessonsOutcome {
  ids: string[];
  /** The lessons file could not be used (unreadable, invalid): the text went out without lessons. */
  problem?: string;
}

/** A phase kickoff typed into a loop agent: a `ping_sent` that names its phase (handoff pings name none). */
export function isPhaseKickoff(p: PlannedAction): boolean {
  return p.action.type === 'send' && p.event.type === 'ping_sent' && p.event.phase !== undefined;
}

/**
 * Does this effect carry lessons, and which? A launch that types a first prompt (the agent's
 * kickoff, with the phase's for a loop agent), and a phase kickoff ping; nothing else, and nothing
 * unless the config says `[learning] inject = true`.
 */
export function lessonsRequestFor(state: BuildState, p: PlannedAction, now: number): LessonsRequest | undefined {
  const learning = learningOf(state.config);
  if (!learning.inject) return undefined;
  let phase: string | null;
  if (p.action.type === 'launch' && p.action.prompt.trim() !== '') phase = currentPhaseId(state);
  else if (isPhaseKickoff(p)) phase = p.event.phase ?? null;
  else return undefined;
  return {
    file: learning.lessons_file,
    agent: p.action.agent,
    phase,
    topK: learning.top_k,
    halfLifeMs: learning.half_life,
    now,
  };
}

/** The lessons part of a performed effect: what was asked for and what the activity answered. */
export interface InjectedLessons {
  phase: string | null;
  outcome: LessonsOutcome;
}

/**
 * The events of lessons typed with an effect: `lessons_injected` naming them, or `action_failed`
 * when the lessons file could not be used (the kickoff itself went out).
 */
export function lessonsEvents(agent: string, injected: InjectedLessons | undefined): NewEvent[] {
  if (!injected) return [];
  const about = injected.phase === null ? { agent } : { agent, phase: injected.phase };
  const { ids, problem } = injected.outcome;
  const events: NewEvent[] = [];
  if (problem !== undefined)
    events.push({ type: 'action_failed', ...about, message: `lessons not injected: ${problem}` });
  if (ids.length > 0)
    events.push({
      type: 'lessons_injected',
      ...about,
      message: `${ids.length} lesson${ids.length === 1 ? '' : 's'} in the kickoff: ${ids.join(', ')}`,
    });
  return events;
}
