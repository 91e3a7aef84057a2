import type { NewEvent } from '../events';

/** Effects the supervisor asks the world for; each becomes one activity call and one event. */
export type Action =
  /** Start the agent's tmux session (killing any old one first when `fresh`) and type `prompt`. */
  | { type: 'launch'; agent: string; fresh: boolean; prompt: string }
  /** Type `text` into a live agent's pane and press its submit key. */
  | { type: 'send'; agent: string; text: string }
  /** Start the service named `agent` in its tmux session (its launch id makes a retry harmless). */
  | { type: 'start-service'; agent: string }
  /** Close the agent's tmux session on `host`, which it left (a config edit moved it elsewhere). */
  | { type: 'close'; agent: string; host: string };

export interface PlannedAction {
  action: Action;
  /** Recorded when the action succeeds; a failure records `action_failed` instead. */
  event: NewEvent;
}
