/**
 * Agent supervision: usage limits, stalls, scheduled wakes and healing, as pure decisions over
 * (agent config, agent state, pane observation, now). See `superviseAgent` for the order in which
 * a tick applies them, and `applyHookEvent` for what agents' hooks add between ticks.
 */

export type { AgentDecision, CurrentPhase } from './agent-decision';
export { panePatternsOf } from './backend-patterns';
export { idleStartOf, lastOutputAt } from './idle-clock';
export { latchWaitingMarker } from './waiting-marker-latch';
export type { LatchedWaitingMarker } from './waiting-marker-latch';
export { crashLoopEvent, rebootGate, rebootsInWindow, withReboot } from './reboot-policy';
export type { RebootGate, RebootPolicy } from './reboot-policy';
export { freshLaunch, kickoffFor } from './relaunch';
export type { FreshLaunch } from './relaunch';
export { LIMIT_RESET_MESSAGE, doneNudgeMessage } from './messages';
export { PERMISSION_PROMPT_REDRAW_TOLERANCE_MS, waitsAtPermissionPrompt } from './permission-block';
export { OPEN_ENDED_WAIT_STALL_FACTOR, stallDecision } from './stall';
export type { StallInput, StallVerdict } from './stall';
export { LIMIT_PATTERN_TEXT, LIMIT_PROBE_INTERVAL_MS, LIMIT_RESET_SLACK_MS, rateLimitDecision } from './rate-limit';
export type { RateLimitInput, RateLimitVerdict } from './rate-limit';
export { applyHookEvent } from './hook';
export { wakeDecision } from './wake';
export type { WakeInput, WakeVerdict } from './wake';
export { healDecision } from './heal';
export type { HealInput, HealVerdict } from './heal';
export { superviseAgent } from './supervise-agent';
export type { AgentSupervision, AgentSupervisionInput } from './supervise-agent';
export { superviseAgents } from './supervise-build';
export { holdMessage, holdMessagesForBlockedAgents } from './held-messages';
export type { BuildSupervisionOptions } from './supervise-build';
