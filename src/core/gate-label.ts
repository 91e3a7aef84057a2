/**
 * The gate a claim or review commit names: `claim(<gate>)` / `review(<gate>)` at the start of its
 * subject. Token windows (`tokens/windows.ts`) and gate telemetry (`gates.ts`) read labels the same way.
 */

const MAX_LABEL = 200;

export interface LabelledSubject {
  label: string;
  /** The subject after `<kind>(<label>)`, e.g. `: PASS`. */
  rest: string;
}

/**
 * `<kind>(<label>)` at the start of `subject` (case-insensitive): the label trimmed, a leading
 * `feat:` stripped, at most 200 characters. Null for any other subject or an empty label.
 */
export function labelledSubject(subject: string, kind: 'claim' | 'review'): LabelledSubject | null {
  // Linear: the label is everything up to the first `)`, trimmed after (a lazy `\s*…?\s*` is cubic on long runs of spaces).
  const m = new RegExp(`^\\s*${kind}\\(([^)]*)\\)`, 'i').exec(subject);
  if (!m) return null;
  let label = m[1].trim();
  if (label.toLowerCase().startsWith('feat:')) label = label.slice(5).trim();
  if (label === '') return null;
  return { label: label.length > MAX_LABEL ? label.slice(0, MAX_LABEL) : label, rest: subject.slice(m[0].length) };
}

/** The gate label of a claim commit's subject, `claim(<label>)`; null for any other subject. */
export function gateLabel(subject: string): string | null {
  return labelledSubject(subject, 'claim')?.label ?? null;
}
