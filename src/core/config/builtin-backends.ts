/**
 * Backends every config may name without declaring them. A `[backend.<name>]` table with the same
 * name is merged over the built-in key by key, so a file can change one setting and keep the rest.
 */
import type { BackendConfig } from './types';

// Pane patterns are matched case-sensitively, line by line, on the pane tail with box drawing blanked.
/** Claude Code's status line while a turn runs. */
const CLAUDE_BUSY = ['esc to interrupt'];

/** Claude Code's input prompt (`>` in its box, `❯` in newer releases) and its hint line. */
const CLAUDE_IDLE = ['^\\s*[>❯](?:\\s|$)', '\\? for shortcuts'];

/**
 * Claude Code's usage-limit notices need no pattern: src/core/pane/limit-message.ts knows its
 * wordings and, unlike a pattern, reads them only where Claude Code draws a notice (a line of its
 * own), never in an echoed prompt or a quoted commit subject.
 */
const CLAUDE_LIMITS: string[] = [];

/** What the scripted stand-in (src/agent) shares with Claude Code: its pane and its flags (fresh objects for each). */
const claudeLike = () =>
  ({
    args: [],
    submit_key: 'Enter',
    busy_patterns: CLAUDE_BUSY,
    idle_patterns: CLAUDE_IDLE,
    limit_patterns: CLAUDE_LIMITS,
    env: {},
    session_id_flag: '--session-id',
  }) satisfies Partial<BackendConfig>;

export const BUILTIN_BACKENDS: Readonly<Record<string, BackendConfig>> = {
  claude: { name: 'claude', command: 'claude', ...claudeLike(), transcripts: '~/.claude/projects' },
  scripted: { name: 'scripted', command: 'steward-scripted-agent', ...claudeLike() },
};
