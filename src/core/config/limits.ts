/**
 * Size limits on what a build carries. The resolved config travels in Temporal payloads: the
 * workflow's start input, every `observe` result that reloads it, and each continue-as-new input
 * (which holds it twice: as the input's config and inside the carried state). Temporal refuses a
 * payload over 2 MiB ("Blob data size exceeds limit") and warns from 512 KiB, so these limits keep
 * a build at every limit at once well under the warning (docs/configuration.md, "Limits").
 * Pure: no Node built-ins, because the workflow validates re-read config text too.
 */

/** `[[agent]]` tables per build. */
export const MAX_AGENTS = 100;
/** `[[service]]` tables per build. */
export const MAX_SERVICES = 50;
/** `[loop].phases` per build (as written; `phase append` adds more at run time). */
export const MAX_PHASES = 100;
/** One kickoff text (inline or from `kickoff_file`), phase kickoff or wake message, in UTF-8 bytes. */
export const MAX_KICKOFF_BYTES = 64 * 1024;
/**
 * The agents.toml file itself, in bytes: twice the resolved limit, so that `config show` of any
 * config within the limits (kickoff files inlined, defaults repeated per agent) loads back.
 */
export const MAX_CONFIG_FILE_BYTES = 256 * 1024;
/** The resolved config as JSON (`steward config show --json`), in UTF-8 bytes. */
export const MAX_RESOLVED_CONFIG_BYTES = 128 * 1024;
/**
 * Text typed into an agent's pane in one go: a launch types the agent's kickoff and the phase's,
 * so twice a kickoff. Anything longer (a nudge, a commit subject in a ping) is cut with a note.
 */
export const MAX_TYPED_TEXT_BYTES = 2 * MAX_KICKOFF_BYTES;
/** `[learning] top_k`: at most this many lessons go into one kickoff. */
export const MAX_LESSONS_TOP_K = 50;
/** An operator's reason (`steward pause --reason`), kept in the build's state and events; longer ones are cut. */
export const MAX_REASON_BYTES = 1024;

/** Length of a string in UTF-8 bytes, without Buffer or TextEncoder (a lone surrogate counts as 3, as its U+FFFD would). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** `70000 bytes, over the 65536-byte limit`: the wording of every size problem. */
export function overByteLimit(bytes: number, limit: number): string {
  return `${bytes} bytes, over the ${limit}-byte limit`;
}

export const CUT_MARK = '…(cut)';

/**
 * The text cut to at most `maxBytes` UTF-8 bytes, mark included, with a visible `…(cut)` at the end;
 * text within the limit is returned as it is. Never splits a surrogate pair.
 */
export function capText(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  const room = Math.max(0, maxBytes - utf8Bytes(CUT_MARK));
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const pair = (text.charCodeAt(end) & 0xfc00) === 0xd800 && end + 1 < text.length;
    const step = pair ? 2 : 1;
    const size = utf8Bytes(text.slice(end, end + step));
    if (bytes + size > room) break;
    bytes += size;
    end += step;
  }
  return text.slice(0, end) + CUT_MARK;
}
