/** A short, stable digest of a text (FNV-1a, 8 hex digits): for telling "same as before" in a few bytes. Pure. */
export function textDigest(text: string): string {
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
