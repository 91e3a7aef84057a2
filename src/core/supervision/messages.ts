import type { LoopConfig, PhaseConfig } from '../config/types';

/**
 * The DONE-nudge, typed into a loop agent that stalls in a phase whose status file lacks the done
 * marker. The recurring stall it targets is ceremony lag: the phase is built and every gate has
 * passed, but nobody writes the marker, so the phase never advances — and a blunt reboot only
 * makes the re-kicked agent idle again. Worded after the original driver's message, with the
 * reviewers left generic (a solo builder has none).
 */
export function doneNudgeMessage(
  loop: Pick<LoopConfig, 'done_marker' | 'state_subdir'>,
  phase: Pick<PhaseConfig, 'id' | 'status'>,
): string {
  const marker = loop.done_marker;
  return (
    `watchdog nudge: you've stalled in phase '${phase.id}', which is NOT yet marked '${marker}'. Resume now ` +
    `— pull any pending review/inbox and continue. If (and ONLY if) every DoD item has a fresh PASS ` +
    `(from every reviewer, with no standing veto), write '${marker}' to ${loop.state_subdir}/${phase.status} ` +
    `and push, so the phase settles and auto-advances. Do not stay idle.`
  );
}

/** Typed into an agent once the usage limit it hit has reset. */
export const LIMIT_RESET_MESSAGE = 'watchdog: your usage limit has reset — continue where you left off.';
