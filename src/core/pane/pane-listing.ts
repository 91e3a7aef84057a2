import { TYPED_OPTION } from './delivery';

/** A session's active pane, as one line of the host's pane listing says it (see PANE_LISTING_FORMAT). */
export interface ListedPane {
  /** tmux pane id, `%12`. */
  pane: string;
  /** #{window_activity}: epoch seconds of the last output. */
  activity: number;
  /** `200x50`. */
  size: string;
  /** The last text Steward typed into the pane (TYPED_OPTION), '' if none. */
  typed: string;
}

/** Every session's active pane in the active window, one line each (`list-panes -a -f … -F …`). */
export const PANE_LISTING_FILTER = '#{&&:#{window_active},#{pane_active}}';
/**
 * The fixed fields come first; then the session name, which tmux never lets hold a `:` (it turns
 * one into `_`), so the first `:` after it starts the typed text, which may hold anything but a
 * newline (it is typed text with its whitespace folded).
 */
export const PANE_LISTING_FORMAT = `#{pane_id} #{window_activity} #{pane_width}x#{pane_height} #{session_name}:#{@${TYPED_OPTION}}`;

/**
 * The listing by session name. A line that does not read as one pane is left out (its session then
 * counts as gone); so is a session listed twice, which only a session named to forge a line could do.
 */
export function parsePaneListing(stdout: string): Map<string, ListedPane> {
  const panes = new Map<string, ListedPane>();
  const twice = new Set<string>();
  for (const line of stdout.split('\n')) {
    const m = /^(%\d+) (\d+) (\d+x\d+) ([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const session = m[4]!;
    if (panes.has(session)) twice.add(session);
    panes.set(session, { pane: m[1]!, activity: Number(m[2]), size: m[3]!, typed: m[5]! });
  }
  for (const session of twice) panes.delete(session);
  return panes;
}
