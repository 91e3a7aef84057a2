/** What the supervisor reads from an agent's tmux pane: activity, usage limits, WAITING-UNTIL markers. */

export { ACTIVITY_WINDOW_LINES, classifyPane, idleSince, lastNonEmptyLine } from './activity';
export type { PaneActivity, PanePatterns } from './activity';
export {
  LIMIT_WINDOW_LINES,
  cleanPaneText,
  epochOfWallTime,
  findLastLimitMessage,
  isTimeZone,
  lastNonEmptyLines,
  limitStillShowing,
  parseLimitReset,
  resolveTimeZone,
  wallTimeIn,
} from './limit-message';
export type { LimitMessage, WallTime } from './limit-message';
export { WAITING_WINDOW_LINES, parseWaitingUntil } from './waiting-marker';
export type { WaitingMarker } from './waiting-marker';
export { CLAUDE_DIALOG_PATTERNS, downPressesToAccept, showsDialog, startupDialog } from './dialog';
export type { StartupDialog } from './dialog';
export { maskTypedText } from './typed-echo';
export { typeableText } from './typeable-text';
