/**
 * A gate label's pattern: what gates of one kind share, so `feature-12` and `feature-13` are
 * judged together. The rule, over the label cut into segments at `-`, `_`, `.`, `/`, `:` and
 * blanks (the separators are kept):
 *
 * 1. a segment of digits only is an id: `*` (`feature-12` → `feature-*`);
 * 2. a segment of 6 or more hex digits with at least one digit is an id too (a commit, a hash):
 *    `*` (`fix-a3f9c2` → `fix-*`; shorter ones such as `add1` fall to rule 3: `add*`);
 * 3. in any other segment each run of digits becomes `*` (`p1-gate` → `p*-gate`, `v2beta` → `v*beta`);
 * 4. ids in a row collapse into one: `*` segments joined only by separators are one `*`
 *    (`step-1.2` → `step-*`, `issue/12/3` → `issue/*`).
 *
 * Letters are kept as written (case included), so `docs` stays `docs`. Pure.
 */

const SEPARATOR = /([-_./: ]+)/;
const DIGITS = /^\d+$/;
const HEX_ID = /^(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{6,}$/;

export function gatePattern(label: string): string {
  const parts = label.split(SEPARATOR);
  const out: string[] = [];
  // parts alternate: segment, separator, segment, … (split with a capture group keeps them).
  for (let i = 0; i < parts.length; i += 2) {
    const segment = parts[i];
    const general = DIGITS.test(segment) || HEX_ID.test(segment) ? '*' : segment.replace(/\d+/g, '*');
    // An id right after an id (only a separator between them): the two are one.
    if (general === '*' && out.length > 0 && out[out.length - 1] === '*') continue;
    if (i > 0) out.push(parts[i - 1]);
    out.push(general);
  }
  return out.join('');
}

/** How many labels the cache keeps: past that it starts again (labels unique to one build would only fill it). */
const CACHED_LABELS = 4096;

/** `gatePattern` with a small cache: labels repeat across builds, so a long store computes most once. */
export function gatePatternCache(): (label: string) => string {
  const cache = new Map<string, string>();
  return (label) => {
    let pattern = cache.get(label);
    if (pattern === undefined) {
      pattern = gatePattern(label);
      if (cache.size >= CACHED_LABELS) cache.clear();
      cache.set(label, pattern);
    }
    return pattern;
  };
}
