import type { BackendConfig } from '../config/types';
import type { PanePatterns } from '../pane';

/** The backend's busy/idle/limit regex sources, in the shape the pane classifier takes. */
export function panePatternsOf(
  backend: Pick<BackendConfig, 'busy_patterns' | 'idle_patterns' | 'limit_patterns'>,
): PanePatterns {
  return { busy: backend.busy_patterns, idle: backend.idle_patterns, limit: backend.limit_patterns };
}
