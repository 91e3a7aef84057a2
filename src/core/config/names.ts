/**
 * Names from the config end up as tmux targets, git ref parts and workflow ids, so they are held
 * to a small alphabet. tmux treats `.` and `:` in a target as window/pane separators, so agent,
 * service and session names may not contain a dot; build names and phase ids may (not `..`).
 */
import { baseNameWithoutExtension } from './paths';

const SESSION_SAFE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const ID_SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const PREFIX_SAFE = /^[A-Za-z0-9_-]{0,32}$/;

/** Agent, service and tmux session names. */
export function sessionSafeNameError(name: string): string | undefined {
  return SESSION_SAFE.test(name)
    ? undefined
    : `\`${name}\` is not a safe name: use 1-64 letters, digits, \`_\` or \`-\`, starting with a letter or digit`;
}

/** Build names and phase ids. */
export function idError(id: string): string | undefined {
  return ID_SAFE.test(id) && !id.includes('..')
    ? undefined
    : `\`${id}\` is not a safe id: use 1-64 letters, digits, \`.\`, \`_\` or \`-\` (no \`..\`), starting with a letter or digit`;
}

export function sessionPrefixError(prefix: string): string | undefined {
  return PREFIX_SAFE.test(prefix)
    ? undefined
    : `\`${prefix}\` is not a safe session prefix: use up to 32 letters, digits, \`_\` or \`-\``;
}

/** A session prefix derived from a build name: its unsafe characters become `-`. */
export function defaultSessionPrefix(buildName: string): string {
  return `${buildName.replace(/[^A-Za-z0-9_-]/g, '-')}-`;
}

/** The build name: as written, else the config file's name without its extension. */
export function buildNameOf(explicit: string | undefined, source: string): string {
  return explicit ?? baseNameWithoutExtension(source);
}
