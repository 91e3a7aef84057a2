/**
 * Names that end up as tmux targets, git refs or workflow ids. A conservative pattern keeps
 * them from being read as options, target syntax (`:`, `.`-prefixed) or path traversal.
 */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isSafeName(name: string): boolean {
  return SAFE_NAME.test(name);
}

export function assertSafeName(name: string, what: string): void {
  if (!isSafeName(name)) throw new Error(`unsafe ${what} name ${JSON.stringify(name)}: use letters, digits, . _ -`);
}

/** A git object name as printed by git: hex only. */
export function isSha(ref: string): boolean {
  return /^[0-9a-f]{7,64}$/.test(ref);
}
