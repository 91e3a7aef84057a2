import type { InjectedLessons } from '../learning/injection';
import type { PlannedAction } from './actions';

/**
 * How an effect failed, as the workflow saw it: the innermost failure's type (an activity's
 * `ApplicationFailure` type such as `AgentGone` or `ConfigError`; absent for a plain error, a
 * timeout or a cancellation) and its message.
 */
/** The failure type of an effect no worker of its host took in time: it never ran. */
export const HOST_UNREACHABLE = 'HostUnreachable';

export interface EffectFailure {
  type?: string;
  message: string;
}

/** One planned effect, performed: `at` is when it finished (workflow time). */
export type EffectResult =
  | {
      planned: PlannedAction;
      ok: true;
      at: number;
      /** The lessons typed with it, when it was asked to carry them (`[learning] inject`). */
      lessons?: InjectedLessons;
    }
  | { planned: PlannedAction; ok: false; failure: EffectFailure; at: number };
